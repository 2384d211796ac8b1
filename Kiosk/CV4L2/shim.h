#ifndef FESTIVALGATE_CV4L2_SHIM_H
#define FESTIVALGATE_CV4L2_SHIM_H

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/videodev2.h>
#include <libv4l2.h>

// The ioctl request numbers are built by _IOWR macros, which Swift cannot import.
static const unsigned long cv4l2_vidioc_querycap = VIDIOC_QUERYCAP;
static const unsigned long cv4l2_vidioc_s_fmt = VIDIOC_S_FMT;
static const unsigned long cv4l2_vidioc_g_fmt = VIDIOC_G_FMT;
static const unsigned long cv4l2_vidioc_reqbufs = VIDIOC_REQBUFS;
static const unsigned long cv4l2_vidioc_querybuf = VIDIOC_QUERYBUF;
static const unsigned long cv4l2_vidioc_qbuf = VIDIOC_QBUF;
static const unsigned long cv4l2_vidioc_dqbuf = VIDIOC_DQBUF;
static const unsigned long cv4l2_vidioc_streamon = VIDIOC_STREAMON;
static const unsigned long cv4l2_vidioc_streamoff = VIDIOC_STREAMOFF;
static const unsigned long cv4l2_vidioc_enum_fmt = VIDIOC_ENUM_FMT;
static const unsigned long cv4l2_vidioc_enum_framesizes = VIDIOC_ENUM_FRAMESIZES;
static const unsigned long cv4l2_vidioc_enum_frameintervals = VIDIOC_ENUM_FRAMEINTERVALS;
static const unsigned long cv4l2_vidioc_s_parm = VIDIOC_S_PARM;
static const unsigned long cv4l2_vidioc_queryctrl = VIDIOC_QUERYCTRL;
static const unsigned long cv4l2_vidioc_querymenu = VIDIOC_QUERYMENU;
static const unsigned long cv4l2_vidioc_g_ctrl = VIDIOC_G_CTRL;
static const unsigned long cv4l2_vidioc_s_ctrl = VIDIOC_S_CTRL;
// Listing every control: the flag asks for the next one after the id given.
static const unsigned int cv4l2_ctrl_flag_next_ctrl = V4L2_CTRL_FLAG_NEXT_CTRL;

// v4l2_fourcc('G','R','E','Y'): a grey camera's own format.
static const unsigned int cv4l2_pix_fmt_grey = V4L2_PIX_FMT_GREY;
// Planar YUV 4:2:0, the luma plane first: what libv4l2 decodes MJPEG to (it has no grey output).
static const unsigned int cv4l2_pix_fmt_yuv420 = V4L2_PIX_FMT_YUV420;

// ioctl and v4l2_ioctl are variadic; Swift calls these fixed-argument forms. (v4l2_open is not
// used: the camera opens the device itself and hands the descriptor to v4l2_fd_open.)

// The kernel's ioctl, bypassing libv4l2: used to vet a device before libv4l2 wraps it, since
// libv4l2 prints its own complaints to stderr when handed something that is not a camera.
static inline int cv4l2_plain_ioctl(int fd, unsigned long request, void *argument) {
    return ioctl(fd, request, argument);
}

static inline int cv4l2_ioctl(int fd, unsigned long request, void *argument) {
    return v4l2_ioctl(fd, request, argument);
}

#endif
