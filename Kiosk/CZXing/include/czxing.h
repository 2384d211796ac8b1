#ifndef FESTIVALGATE_CZXING_H
#define FESTIVALGATE_CZXING_H

// A C face on zxing-cpp (Debian's libzxing-dev, C++), so Swift can call it: the kiosk's second
// QR decoder, fast on whole frames and at reading tilted codes.

#ifdef __cplusplus
extern "C" {
#endif

// Reads the QR codes in `width`×`height` grey pixels (rows `stride` bytes apart). Writes each
// payload's bytes one after another into `bytes` (room for `capacity`), and its length into
// `lengths` (room for `maxCodes`). Returns how many codes it read, or -1 if zxing failed
// (out of memory, say); a payload that does not fit is left out. `tryHarder` scans every row
// (else every few); `tryDownscale` also reads a reduced copy of a frame at least 500 pixels high.
int czxing_read_qr(const unsigned char *pixels, int width, int height, int stride, int tryHarder, int tryDownscale,
                   unsigned char *bytes, int capacity, int *lengths, int maxCodes);

#ifdef __cplusplus
}
#endif

#endif
