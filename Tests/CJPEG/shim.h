#ifndef FESTIVALGATE_CJPEG_SHIM_H
#define FESTIVALGATE_CJPEG_SHIM_H

// libjpeg (libjpeg-turbo on Debian): the test scenes put frames through a real JPEG encoder
// and decoder, as a webcam streaming MJPEG does. jpeglib.h needs stdio.h before it.
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>

// Grey frame -> JPEG at `quality` -> grey frame, in place. jpeg_create_compress and friends are
// macros, and libjpeg's default error handler exits the process on a corrupt stream; the frames
// here are our own, so a failure is a bug in the scenes, reported as -1 rather than an exit.
static inline int cjpeg_round_trip(unsigned char *pixels, int width, int height, int quality) {
    struct jpeg_compress_struct compress;
    struct jpeg_error_mgr errors;
    compress.err = jpeg_std_error(&errors);
    jpeg_create_compress(&compress);
    unsigned char *encoded = NULL;
    unsigned long encodedSize = 0;
    jpeg_mem_dest(&compress, &encoded, &encodedSize);
    compress.image_width = (JDIMENSION)width;
    compress.image_height = (JDIMENSION)height;
    compress.input_components = 1;
    compress.in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(&compress);
    jpeg_set_quality(&compress, quality, TRUE);
    jpeg_start_compress(&compress, TRUE);
    while (compress.next_scanline < compress.image_height) {
        JSAMPROW row = pixels + (size_t)compress.next_scanline * (size_t)width;
        jpeg_write_scanlines(&compress, &row, 1);
    }
    jpeg_finish_compress(&compress);
    jpeg_destroy_compress(&compress);

    struct jpeg_decompress_struct decompress;
    decompress.err = jpeg_std_error(&errors);
    jpeg_create_decompress(&decompress);
    jpeg_mem_src(&decompress, encoded, encodedSize);
    jpeg_read_header(&decompress, TRUE);
    decompress.out_color_space = JCS_GRAYSCALE;
    jpeg_start_decompress(&decompress);
    int result = ((int)decompress.output_width == width && (int)decompress.output_height == height) ? (int)encodedSize : -1;
    while (result >= 0 && decompress.output_scanline < decompress.output_height) {
        JSAMPROW row = pixels + (size_t)decompress.output_scanline * (size_t)width;
        jpeg_read_scanlines(&decompress, &row, 1);
    }
    if (result < 0) jpeg_abort_decompress(&decompress); else jpeg_finish_decompress(&decompress);
    jpeg_destroy_decompress(&decompress);
    free(encoded);
    return result;
}

#endif
