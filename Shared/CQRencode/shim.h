#ifndef FESTIVALGATE_CQRENCODE_SHIM_H
#define FESTIVALGATE_CQRENCODE_SHIM_H

#include <qrencode.h>

#endif
