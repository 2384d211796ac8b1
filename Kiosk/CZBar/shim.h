#ifndef FESTIVALGATE_CZBAR_SHIM_H
#define FESTIVALGATE_CZBAR_SHIM_H

#include <zbar.h>

// zbar_fourcc is a macro; 'Y800' is 8-bit grey, the only format the kiosk feeds zbar.
static const unsigned long czbar_format_y800 = zbar_fourcc('Y', '8', '0', '0');

#endif
