#ifndef CXLSXWRITER_SHIM_H
#define CXLSXWRITER_SHIM_H
// libxlsxwriter (Debian's libxlsxwriter-dev): writes Office Open XML spreadsheets (ECMA-376),
// the XLSX export of PledgeExport. Its `constant_memory` mode streams rows to a temporary file,
// so a large export keeps memory flat.
#include <xlsxwriter.h>
#endif
