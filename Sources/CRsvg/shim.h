#ifndef CRSVG_SHIM_H
#define CRSVG_SHIM_H
// librsvg (SVG parsing and drawing) and cairo (PNG and PDF surfaces).
#include <librsvg/rsvg.h>
#include <cairo.h>
#include <cairo-pdf.h>
// zlib: deflate and CRC-32 for the PNG encoder (faster settings than cairo's own PNG writer).
#include <zlib.h>

/// The message of a GError, or NULL when there is none.
static inline const char *crsvg_error_message(GError *error) {
    return error ? error->message : NULL;
}

/// Frees a GError and clears the pointer (g_clear_error).
static inline void crsvg_error_free(GError **error) {
    g_clear_error(error);
}

/// Releases a GObject such as an RsvgHandle (g_object_unref).
static inline void crsvg_handle_free(RsvgHandle *handle) {
    g_object_unref(handle);
}
#endif
