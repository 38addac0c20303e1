import CZlib

/// The PNG file around already compressed image data (ISO/IEC 15948): the signature
/// `89 50 4E 47 0D 0A 1A 0A`, an `IHDR` chunk, one `IDAT` chunk and `IEND`. Each chunk is its
/// length, type, data and the CRC-32 of type and data (5.3). The one PNG writer of the project:
/// the QR writer (`QRCode.png`, zlib) and the certificate writer (`Certificates`' PNG encoder,
/// ISA-L) differ only in how they filter and compress their rows.
public enum PNGContainer {
    /// - Parameters:
    ///   - width, height: in pixels, each at most 2³¹ − 1.
    ///   - bitDepth, colourType: as in `IHDR` (1 and 0 for 1-bit grayscale, 8 and 2 for RGB).
    ///   - idat: the zlib stream (RFC 1950) of the filtered scanlines.
    /// - Returns: the bytes of the PNG file.
    public static func file(width: Int, height: Int, bitDepth: UInt8, colourType: UInt8, idat: [UInt8]) -> [UInt8] {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png.reserveCapacity(png.count + 25 + 12 + idat.count + 12)
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header += [bitDepth, colourType, 0, 0, 0]  // deflate, adaptive filtering, no interlace
        png.appendChunk("IHDR", header)
        png.appendChunk("IDAT", idat)
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
        let start = count
        append(contentsOf: type.utf8)
        append(contentsOf: data)
        let crc = self[start...].withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        appendBigEndian(UInt32(crc))
    }
}
