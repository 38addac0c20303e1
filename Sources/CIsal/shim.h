#ifndef CISAL_SHIM_H
#define CISAL_SHIM_H
// Intel ISA-L's igzip: DEFLATE (RFC 1951) in a zlib wrapper (RFC 1950), several times faster than
// zlib at its fastest level. The certificate PNG encoder compresses with it. Its CRC-64 (ECMA-182,
// reflected) fingerprints documents for their ETags (Certificates' Digest).
#include <isa-l/igzip_lib.h>
#include <isa-l/crc64.h>

/// Bytes of the work buffer level 1 wants (ISAL_DEF_LVL1_DEFAULT, a macro Swift cannot import).
static inline uint32_t cisal_level1_buffer_size(void) {
    return ISAL_DEF_LVL1_DEFAULT;
}
#endif
