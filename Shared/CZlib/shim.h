#ifndef FESTIVALGATE_CZLIB_SHIM_H
#define FESTIVALGATE_CZLIB_SHIM_H

// zlib compresses the PNG image data and computes the chunks' CRC-32.
#include <zlib.h>

// deflateInit2 is a macro: Swift sees it through this. A raw deflate stream (no zlib header),
// which the server's gzip bodies are made of.
static inline int festivalgate_deflate_init_raw(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
}

#endif
