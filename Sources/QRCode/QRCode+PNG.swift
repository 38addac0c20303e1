import CZlib
import PNG

extension QRCode {
    /// The largest PNG the renderer writes, in pixels (width × height): 64 megapixels.
    public static let maximumPNGPixelCount = 64 * 1024 * 1024

    /// Renders the symbol as a 1-bit grayscale PNG file (ISO/IEC 15948), in memory.
    ///
    /// Dark modules are black (sample 0), light modules and the quiet zone white (sample 1, which a PNG reader
    /// shows as 255). The image is square, `(size + 2 * quietZone) * moduleSize` pixels per side, with the chunks
    /// `IHDR` (bit depth 1, colour type 0), one `IDAT` and `IEND`, so it starts with the PNG signature
    /// `89 50 4E 47 0D 0A 1A 0A`. Rows use filter type 0 (None) and are compressed by zlib's deflate at level 1:
    /// a QR image is runs of identical rows, which level 1 already shrinks about twentyfold, at a fraction of
    /// the cost of libpng's defaults (8-bit samples, level 6, adaptive filters), which took about 60 times as
    /// long as encoding the symbol (`make bench`, B2).
    ///
    /// - Parameters:
    ///   - moduleSize: Pixels per module side (at least 1; smaller values are raised).
    ///   - quietZone: Light modules around the symbol on every side; values below ``minimumQuietZone`` (the
    ///     ISO/IEC 18004 quiet zone) are raised to it.
    /// - Returns: The complete PNG file.
    /// - Throws: ``QRCodeError`` with ``QRCodeError/Code/pngWriteFailed`` when zlib fails or the image would
    ///   exceed ``maximumPNGPixelCount`` pixels.
    public func png(moduleSize: Int = 10, quietZone: Int = 4) throws(QRCodeError) -> [UInt8] {
        try png(moduleSize: moduleSize, quietZone: quietZone, backend: .system)
    }

    /// Renders a PNG through an explicit zlib backend; see ``png(moduleSize:quietZone:)``.
    func png(moduleSize: Int, quietZone: Int, backend: PNGWriterBackend) throws(QRCodeError) -> [UInt8] {
        let scale = max(moduleSize, 1)
        let quiet = Self.effectiveQuietZone(quietZone)
        let (side, overflow) = (size + 2 * quiet).multipliedReportingOverflow(by: scale)
        guard !overflow, side <= Int(Int32.max), side.multipliedReportingOverflow(by: side).overflow == false,
            side * side <= Self.maximumPNGPixelCount
        else {
            throw QRCodeError.pngWriteFailed("image larger than \(Self.maximumPNGPixelCount) pixels")
        }
        let rowBytes = 1 + (side + 7) / 8
        let rows = filteredRows(side: side, rowBytes: rowBytes, scale: scale, quietZone: quiet)
        // A window of at least two rows lets deflate find each repeated row in the one above it.
        let windowBits: Int32 = rowBytes <= 2048 ? 12 : 15
        let (status, data) = rows.withUnsafeBytes { backend.deflate($0, 1, windowBits, windowBits - 8) }
        guard status == Z_OK else {
            throw QRCodeError.pngWriteFailed("zlib deflate failed: \(Self.zlibMessage(status)) (\(status))")
        }

        return PNGContainer.file(width: side, height: side, bitDepth: 1, colourType: 0, idat: data)
    }

    /// The PNG rows before compression: each is a filter byte (0, None) and `side` one-bit samples, most
    /// significant bit first, 1 for light; `side` rows of `rowBytes` bytes. Each row of modules is packed once
    /// and copied to the other `scale - 1` pixel rows.
    private func filteredRows(side: Int, rowBytes: Int, scale: Int, quietZone: Int) -> [UInt8] {
        var rows = [UInt8](repeating: 0xFF, count: rowBytes * side)
        rows.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<side { buffer[row * rowBytes] = 0 }
            for y in 0..<size {
                let first = (y + quietZone) * scale * rowBytes
                for x in 0..<size where self[x, y] {
                    let left = (x + quietZone) * scale
                    for pixel in left..<left + scale {
                        buffer[first + 1 + (pixel >> 3)] &= ~(0x80 >> UInt8(pixel & 7))
                    }
                }
                let packed = UnsafeMutableBufferPointer(rebasing: buffer[first..<first + rowBytes])
                for copy in 1..<scale {
                    let start = first + copy * rowBytes
                    _ = UnsafeMutableBufferPointer(rebasing: buffer[start..<start + rowBytes]).update(
                        fromContentsOf: packed)
                }
            }
        }
        return rows
    }

    /// zlib's text for a status code (`zError`).
    private static func zlibMessage(_ status: Int32) -> String {
        guard let text = zError(status) else { return "unknown error" }
        return String(cString: text)
    }
}
