#ifndef FESTIVALGATE_CZLIB_SHIM_H
#define FESTIVALGATE_CZLIB_SHIM_H

// zlib compresses the PNG image data and computes the chunks' CRC-32.
#include <zlib.h>

#endif
