import CZXing

/// Finds QR codes in grey frames with zxing-cpp, returning each payload's exact bytes: the
/// kiosk's first look at every frame, as it reads a whole 640x480 frame in 1.2 ms p50 (zbar
/// needs ten times that on a busy scene) and reads tilted codes that zbar misses.
public final class ZXingScanner {
    /// Room for the payloads of one frame: FT1 tokens are a few hundred bytes.
    private var bytes = [UInt8](repeating: 0, count: 16 * 1_024)
    private var lengths = [Int32](repeating: 0, count: 8)

    public init() {}

    /// The payloads of every QR code read in `pixels` (`width`×`height`, rows `stride` apart).
    /// `tryHarder` looks more closely (every row, not every few), at some cost; `tryDownscale`
    /// also reads a copy reduced three times when the frame is at least 500 pixels high, for
    /// codes of large modules. The corresponding C call is `czxing_read_qr`.
    public func scan(
        pixels: UnsafeRawBufferPointer, width: Int, height: Int, stride: Int? = nil, tryHarder: Bool = true, tryDownscale: Bool = true
    ) -> [[UInt8]] {
        let stride = stride ?? width
        precondition(pixels.count >= stride * (height - 1) + width, "fewer pixels than the frame's size")
        let (capacity, maxCodes) = (bytes.count, lengths.count)
        let count = bytes.withUnsafeMutableBufferPointer { bytes in
            lengths.withUnsafeMutableBufferPointer { lengths in
                czxing_read_qr(
                    pixels.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(width), Int32(height), Int32(stride),
                    tryHarder ? 1 : 0, tryDownscale ? 1 : 0, bytes.baseAddress, Int32(capacity), lengths.baseAddress, Int32(maxCodes))
            }
        }
        guard count > 0 else { return [] }  // -1, zxing failed: nothing read in this frame
        var payloads: [[UInt8]] = []
        var offset = 0
        for index in 0..<Int(count) {
            let length = Int(lengths[index])
            payloads.append(Array(bytes[offset..<offset + length]))
            offset += length
        }
        return payloads
    }

    public func scan(_ frame: GreyFrame, tryHarder: Bool = true, tryDownscale: Bool = true) -> [[UInt8]] {
        frame.pixels.withUnsafeBytes {
            scan(pixels: $0, width: frame.width, height: frame.height, tryHarder: tryHarder, tryDownscale: tryDownscale)
        }
    }
}
