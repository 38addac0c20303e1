import CPNG

extension QRCode {
    /// The largest PNG the renderer writes, in pixels (width × height): 64 megapixels.
    public static let maximumPNGPixelCount = 64 * 1024 * 1024

    /// Renders the symbol as an 8-bit grayscale PNG file, in memory.
    ///
    /// Dark modules are 0 (black), light modules and the quiet zone 255 (white). The image is square,
    /// `(size + 2 * quietZone) * moduleSize` pixels per side. The bytes are written by libpng's simplified API
    /// (the corresponding C function is `png_image_write_to_memory`), so they start with the PNG signature
    /// `89 50 4E 47 0D 0A 1A 0A`.
    ///
    /// - Parameters:
    ///   - moduleSize: Pixels per module side (at least 1; smaller values are raised).
    ///   - quietZone: Light modules around the symbol on every side; values below ``minimumQuietZone`` (the
    ///     ISO/IEC 18004 quiet zone) are raised to it.
    /// - Returns: The complete PNG file.
    /// - Throws: ``QRCodeError`` with ``QRCodeError/Code/pngWriteFailed`` when libpng fails or the image would
    ///   exceed ``maximumPNGPixelCount`` pixels.
    public func png(moduleSize: Int = 10, quietZone: Int = 4) throws(QRCodeError) -> [UInt8] {
        try png(moduleSize: moduleSize, quietZone: quietZone, backend: .system)
    }

    /// Renders a PNG through an explicit libpng backend; see ``png(moduleSize:quietZone:)``.
    func png(moduleSize: Int, quietZone: Int, backend: PNGWriterBackend) throws(QRCodeError) -> [UInt8] {
        let scale = max(moduleSize, 1)
        let quiet = Self.effectiveQuietZone(quietZone)
        let (side, overflow) = (size + 2 * quiet).multipliedReportingOverflow(by: scale)
        guard !overflow, side <= Int(Int32.max), side.multipliedReportingOverflow(by: side).overflow == false,
            side * side <= Self.maximumPNGPixelCount
        else {
            throw QRCodeError.pngWriteFailed("image larger than \(Self.maximumPNGPixelCount) pixels")
        }
        let pixels = grayscalePixels(side: side, scale: scale, quietZone: quiet)

        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(side)
        image.height = png_uint_32(side)
        image.format = png_uint_32(PNG_FORMAT_GRAY)
        defer { backend.imageFree(&image) }

        let result = pixels.withUnsafeBytes { buffer -> Result<[UInt8], QRCodeError> in
            guard let base = buffer.baseAddress else { return .failure(.pngWriteFailed("empty image")) }
            let stride = Int32(side)
            // First pass: ask libpng how many bytes the file needs.
            var needed = 0
            guard backend.writeToMemory(&image, nil, &needed, 0, base, stride, nil) != 0, needed > 0 else {
                return .failure(.pngWriteFailed(Self.libpngMessage(of: image)))
            }
            var output = [UInt8](repeating: 0, count: needed)
            var written = needed
            let status = output.withUnsafeMutableBytes { memory in
                backend.writeToMemory(&image, memory.baseAddress, &written, 0, base, stride, nil)
            }
            guard status != 0, written <= needed else {
                return .failure(.pngWriteFailed(Self.libpngMessage(of: image)))
            }
            output.removeSubrange(written...)
            return .success(output)
        }
        return try result.get()
    }

    /// Row-major 8-bit gray pixels of the symbol with its quiet zone, `side * side` of them.
    private func grayscalePixels(side: Int, scale: Int, quietZone: Int) -> [UInt8] {
        var pixels = [UInt8](repeating: 255, count: side * side)
        for y in 0..<size {
            for x in 0..<size where self[x, y] {
                let left = (x + quietZone) * scale
                for row in (y + quietZone) * scale..<(y + quietZone + 1) * scale {
                    let start = row * side + left
                    for index in start..<start + scale { pixels[index] = 0 }
                }
            }
        }
        return pixels
    }

    /// The NUL-terminated `message` field libpng fills in on warnings and errors.
    private static func libpngMessage(of image: png_image) -> String {
        var message = image.message
        return withUnsafeBytes(of: &message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
