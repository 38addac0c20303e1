#ifndef CMALLOC_SHIM_H
#define CMALLOC_SHIM_H
// glibc's malloc statistics and trim (mallinfo2, malloc_trim): not in Swift's Glibc module.
#include <malloc.h>
#endif
