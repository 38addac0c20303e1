#ifndef CFONTCONFIG_SHIM_H
#define CFONTCONFIG_SHIM_H
#include <fontconfig/fontconfig.h>

/// FC_FAMILY and friends are string macros, which Swift does not import.
static const char *const cfontconfig_family = FC_FAMILY;
static const char *const cfontconfig_file = FC_FILE;
static const char *const cfontconfig_charset = FC_CHARSET;
#endif
