import CRsvg

/// Turns SVG text into PNG or PDF bytes in this process, with librsvg drawing on cairo surfaces.
///
/// Every call makes its own `RsvgHandle`, cairo surface and context and frees them before it
/// returns, so calls from several threads share no C object (librsvg forbids sharing a handle
/// between threads). Nothing C-owned escapes: results are copied into Swift arrays.
public enum SVGRenderer {
    /// Parses an SVG document and returns its intrinsic size in CSS pixels.
    /// The corresponding C functions are `rsvg_handle_new_from_data` and
    /// `rsvg_handle_get_intrinsic_size_in_pixels`.
    /// - Throws: ``RenderError`` `invalid-svg` with libxml2's or librsvg's message.
    public static func parse(_ svg: [UInt8]) throws(RenderError) -> (width: Double, height: Double) {
        let handle = try RsvgDocument(svg)
        var width = 0.0
        var height = 0.0
        guard rsvg_handle_get_intrinsic_size_in_pixels(handle.pointer, &width, &height) != 0 else {
            throw RenderError(.invalidSVG, "the root <svg> has no absolute width and height")
        }
        return (width, height)
    }

    /// Draws the document scaled to `width`×`height` pixels (aspect ratio kept, centred, on white)
    /// and encodes it as an 8-bit RGB PNG (``PNGEncoder``). The corresponding C functions are
    /// `cairo_image_surface_create` and `rsvg_handle_render_document`.
    /// - Throws: ``RenderError``: `invalid-svg`, `surface-failed` (size outside 1…10,000), `draw-failed`.
    public static func png(_ svg: [UInt8], width: Int, height: Int) throws(RenderError) -> [UInt8] {
        try withImage(svg, width: width, height: height, layer: nil, over: nil, PNGEncoder.encode)
    }

    /// Draws only the element `#layer` of the document, in the same place as in the whole document
    /// (`rsvg_handle_render_layer`), over a copy of `base` (same size), and encodes it like
    /// ``png(_:width:height:)``. With `base` the document's other layer, the pixels are those of
    /// the whole document drawn at once.
    static func png(_ svg: [UInt8], layer: String, over base: Raster) throws(RenderError) -> [UInt8] {
        try withImage(svg, width: base.width, height: base.height, layer: layer, over: base, PNGEncoder.encode)
    }

    /// The pixels of the document (or of its element `#layer` alone) on white or over `base`.
    static func raster(
        _ svg: [UInt8], width: Int, height: Int, layer: String? = nil, over base: Raster? = nil
    ) throws(RenderError) -> Raster {
        try withImage(svg, width: width, height: height, layer: layer, over: base) { pixels, width, height, stride in
            Raster(
                width: width, height: height, stride: stride,
                bytes: Array(UnsafeBufferPointer(start: pixels, count: stride * height)))
        }
    }

    /// Draws on a new cairo RGB24 surface, white or a copy of `base`, and hands its pixels to `body`.
    private static func withImage<T>(
        _ svg: [UInt8], width: Int, height: Int, layer: String?, over base: Raster?,
        _ body: (UnsafePointer<UInt8>, Int, Int, Int) throws(RenderError) -> T
    ) throws(RenderError) -> T {
        guard (1...10_000).contains(width), (1...10_000).contains(height) else {
            throw RenderError(.surfaceFailed, "image size \(width)×\(height) out of range")
        }
        let handle = try RsvgDocument(svg)
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height)) else {
            throw RenderError(.surfaceFailed, "cairo_image_surface_create returned NULL")
        }
        defer { cairo_surface_destroy(surface) }
        try check(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        if let base {
            guard base.width == width, base.height == height, base.stride == stride,
                let data = cairo_image_surface_get_data(surface)
            else { throw RenderError(.surfaceFailed, "the base layer does not fit a \(width)×\(height) image") }
            cairo_surface_flush(surface)
            base.bytes.withUnsafeBytes {
                data.update(from: $0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: $0.count)
            }
            cairo_surface_mark_dirty(surface)
        }
        try draw(
            handle, on: surface, width: Double(width), height: Double(height), layer: layer, paintWhite: base == nil)
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else {
            throw RenderError(.surfaceFailed, "cairo_image_surface_get_data returned NULL")
        }
        return try body(UnsafePointer(data), width, height, stride)
    }

    /// Draws the document on one PDF page of `width`×`height` points (1/72 inch), fonts embedded
    /// as subsets with their text (ToUnicode), vector shapes kept as vectors. The corresponding C
    /// functions are `cairo_pdf_surface_create_for_stream`, `rsvg_handle_render_document` and
    /// `cairo_surface_finish`.
    public static func pdf(_ svg: [UInt8], width: Double, height: Double) throws(RenderError) -> [UInt8] {
        let handle = try RsvgDocument(svg)
        let sink = ByteSink()
        defer { sink.release() }
        guard let surface = cairo_pdf_surface_create_for_stream(ByteSink.write, sink.context, width, height) else {
            throw RenderError(.surfaceFailed, "cairo_pdf_surface_create_for_stream returned NULL")
        }
        defer { cairo_surface_destroy(surface) }
        try check(surface)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Không một mình kiosk")
        try draw(handle, on: surface, width: width, height: height, layer: nil, paintWhite: true)
        cairo_surface_finish(surface)
        try check(surface)
        return sink.bytes
    }

    /// Draws the whole document, or its element `#layer` alone in the same place.
    private static func draw(
        _ handle: RsvgDocument, on surface: OpaquePointer, width: Double, height: Double, layer: String?,
        paintWhite: Bool
    ) throws(RenderError) {
        guard let cairo = cairo_create(surface) else { throw RenderError(.surfaceFailed, "cairo_create returned NULL") }
        defer { cairo_destroy(cairo) }
        if paintWhite {
            cairo_set_source_rgb(cairo, 1, 1, 1)
            cairo_paint(cairo)
        }
        var viewport = RsvgRectangle(x: 0, y: 0, width: width, height: height)
        var error: UnsafeMutablePointer<GError>?
        defer { crsvg_error_free(&error) }
        let drawn =
            if let layer {
                rsvg_handle_render_layer(handle.pointer, cairo, "#" + layer, &viewport, &error)
            } else {
                rsvg_handle_render_document(handle.pointer, cairo, &viewport, &error)
            }
        guard drawn != 0 else {
            throw RenderError(.drawFailed, crsvg_error_message(error).map { String(cString: $0) } ?? "unknown error")
        }
        let status = cairo_status(cairo)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw RenderError(.drawFailed, String(cString: cairo_status_to_string(status)))
        }
    }

    private static func check(_ surface: OpaquePointer) throws(RenderError) {
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw RenderError(.surfaceFailed, String(cString: cairo_status_to_string(status)))
        }
    }
}

/// The pixels of a cairo `CAIRO_FORMAT_RGB24` image (32 bits per pixel, native-endian
/// `0xXXRRGGBB`, `stride` bytes per row): a template's static layer, drawn once and copied.
struct Raster: Sendable {
    let width: Int
    let height: Int
    let stride: Int
    let bytes: [UInt8]

    /// The largest difference of one colour channel (0…255) between two rasters of one size.
    func largestDifference(from other: Raster) -> Int {
        precondition(width == other.width && height == other.height && stride == other.stride)
        var largest = 0
        bytes.withUnsafeBufferPointer { a in
            other.bytes.withUnsafeBufferPointer { b in
                for y in 0..<height {
                    // Of each 4-byte pixel, the unused byte (the highest, last in little-endian) is skipped.
                    for index in Swift.stride(from: y * self.stride, to: y * self.stride + 4 * width, by: 4) {
                        for channel in index..<index + 3 where a[channel] != b[channel] {
                            largest = max(largest, abs(Int(a[channel]) - Int(b[channel])))
                        }
                    }
                }
            }
        }
        return largest
    }
}

/// One parsed SVG document (`RsvgHandle`), freed when the value goes away.
///
/// Deliberately not Sendable: librsvg does not allow a handle to be used from two threads.
private final class RsvgDocument {
    let pointer: UnsafeMutablePointer<RsvgHandle>

    init(_ svg: [UInt8]) throws(RenderError) {
        var error: UnsafeMutablePointer<GError>?
        defer { crsvg_error_free(&error) }
        let handle = svg.withUnsafeBufferPointer { bytes in
            rsvg_handle_new_from_data(bytes.baseAddress, gsize(bytes.count), &error)
        }
        guard let handle else {
            throw RenderError(
                .invalidSVG, crsvg_error_message(error).map { String(cString: $0) } ?? "not an SVG document")
        }
        rsvg_handle_set_dpi(handle, 96)
        self.pointer = handle
    }

    deinit { crsvg_handle_free(pointer) }
}

/// Collects the bytes cairo writes through a stream callback.
private final class ByteSink {
    var bytes: [UInt8] = []
    private var retained: Unmanaged<ByteSink>?

    /// An unretained pointer to this sink for cairo's `closure` argument; valid until ``release()``.
    var context: UnsafeMutableRawPointer {
        if retained == nil { retained = Unmanaged.passRetained(self) }
        return retained!.toOpaque()
    }

    func release() {
        retained?.release()
        retained = nil
    }

    static let write: cairo_write_func_t = { closure, data, length in
        guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
        let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
        return CAIRO_STATUS_SUCCESS
    }
}
