#include "czxing.h"

#include <ZXing/ReadBarcode.h>

#include <cstring>

extern "C" int czxing_read_qr(const unsigned char *pixels, int width, int height, int stride, int tryHarder, int tryDownscale,
                              unsigned char *bytes, int capacity, int *lengths, int maxCodes) {
    // No exception may cross into Swift: any from zxing becomes -1.
    try {
        ZXing::DecodeHints hints;
        hints.setFormats(ZXing::BarcodeFormat::QRCode)
            .setTryHarder(tryHarder != 0)
            .setTryDownscale(tryDownscale != 0)
            .setTryRotate(false)  // QR finder patterns read at any angle; 90° turns add nothing but time
            .setMaxNumberOfSymbols(static_cast<uint8_t>(maxCodes));
        ZXing::ImageView image(pixels, width, height, ZXing::ImageFormat::Lum, stride);
        int count = 0, used = 0;
        for (const auto &result : ZXing::ReadBarcodes(image, hints)) {
            if (!result.isValid() || count >= maxCodes) continue;
            const auto &payload = result.bytes();  // the raw bytes, never re-encoded as text
            int length = static_cast<int>(payload.size());
            if (length > capacity - used) continue;
            std::memcpy(bytes + used, payload.data(), static_cast<size_t>(length));
            lengths[count++] = length;
            used += length;
        }
        return count;
    } catch (...) {
        return -1;
    }
}
