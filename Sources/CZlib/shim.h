#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H
// zlib: deflate and CRC-32 for the QR code's PNG writer.
#include <zlib.h>
#endif
