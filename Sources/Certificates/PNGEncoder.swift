import CRsvg

/// Encodes a cairo RGB24 image as an 8-bit RGB PNG (ISO/IEC 15948) with fast settings: the Up
/// filter and zlib level 1. cairo's own writer (libpng defaults, level 6 with adaptive filters)
/// spends about four times as long on a certificate as drawing it does. The corresponding C
/// functions are zlib's `compress2` and `crc32`.
enum PNGEncoder {
    /// - Parameters:
    ///   - pixels: cairo's `CAIRO_FORMAT_RGB24` data: 32 bits per pixel, native-endian `0xXXRRGGBB`.
    ///   - rowStride: bytes per row of `pixels`.
    static func encode(
        pixels: UnsafePointer<UInt8>, width: Int, height: Int, rowStride: Int
    ) throws(RenderError) -> [UInt8] {
        let rowBytes = 1 + width * 3
        var raw = [UInt8](repeating: 0, count: rowBytes * height)
        raw.withUnsafeMutableBufferPointer { out in
            var previous: UnsafeMutablePointer<UInt8>?
            for y in 0..<height {
                let row = pixels + y * rowStride
                let target = out.baseAddress! + y * rowBytes
                target[0] = 2  // filter: Up
                let rgb = target + 1
                for x in 0..<width {
                    // Little-endian 0xXXRRGGBB is stored B, G, R, X.
                    let pixel = row + 4 * x
                    rgb[3 * x] = pixel[2]
                    rgb[3 * x + 1] = pixel[1]
                    rgb[3 * x + 2] = pixel[0]
                }
                if let previous {
                    // Up: each byte minus the byte above; done from the end so `previous` keeps raw values.
                    for index in stride(from: width * 3 - 1, through: 0, by: -1) {
                        let above = previous[index]
                        let current = rgb[index]
                        previous[index] = current
                        rgb[index] = current &- above
                    }
                } else {
                    previous = UnsafeMutablePointer<UInt8>.allocate(capacity: width * 3)
                    previous!.initialize(from: rgb, count: width * 3)
                }
            }
            previous?.deallocate()
        }
        var compressedSize = compressBound(uLong(raw.count))
        var compressed = [UInt8](repeating: 0, count: Int(compressedSize))
        let status = compressed.withUnsafeMutableBufferPointer { out in
            raw.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &compressedSize, input.baseAddress, uLong(input.count), 1)
            }
        }
        guard status == Z_OK else { throw RenderError(.surfaceFailed, "zlib compress2 failed (\(status))") }
        compressed.removeSubrange(Int(compressedSize)...)

        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header += [8, 2, 0, 0, 0]  // 8 bits, truecolour, deflate, adaptive filtering, no interlace
        png.appendChunk("IHDR", header)
        png.appendChunk("IDAT", compressed)
        png.appendChunk("IEND", [])
        return png
    }
}

extension Array where Element == UInt8 {
    fileprivate mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [
            UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF),
        ])
    }

    fileprivate mutating func appendChunk(_ type: String, _ data: [UInt8]) {
        appendBigEndian(UInt32(data.count))
        let typeAndData = Array(type.utf8) + data
        append(contentsOf: typeAndData)
        let crc = typeAndData.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        appendBigEndian(UInt32(crc))
    }
}
