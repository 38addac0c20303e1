import CIsal
import CRsvg
import PNG

/// Encodes a cairo RGB24 image as an 8-bit RGB PNG (ISO/IEC 15948) with fast settings: the Up
/// filter on every row and DEFLATE by Intel ISA-L's igzip at level 1.
///
/// Measured on a 1080×1350 certificate: cairo's own writer (libpng defaults, zlib level 6 with
/// adaptive filters) takes about 60 ms, zlib's `compress2` at level 1 about 12 ms (even all-zero
/// rows run at only ~500 MB/s), igzip level 1 about 1.6 ms for a file about 10 % larger
/// (160 KB instead of 145 KB; cairo's is 133 KB). The compressor is ISA-L's
/// `isal_deflate_stateless`; ``PNGContainer`` writes the chunks.
enum PNGEncoder {
    /// - Parameters:
    ///   - pixels: cairo's `CAIRO_FORMAT_RGB24` data: 32 bits per pixel, native-endian `0xXXRRGGBB`.
    ///   - rowStride: bytes per row of `pixels` (a multiple of 4).
    /// - Throws: ``RenderError`` `surface-failed` when the compressor fails.
    static func encode(
        pixels: UnsafePointer<UInt8>, width: Int, height: Int, rowStride: Int
    ) throws(RenderError) -> [UInt8] {
        let raw = filtered(pixels: pixels, width: width, height: height, rowStride: rowStride)
        let compressed = try deflate(raw)

        return PNGContainer.file(width: width, height: height, bitDepth: 8, colourType: 2, idat: compressed)
    }

    /// The PNG scanlines: each row a filter byte (2, Up) then R, G, B of each pixel minus the
    /// same byte of the row above (the first row has zeros above it, so it is its own values).
    static func filtered(pixels: UnsafePointer<UInt8>, width: Int, height: Int, rowStride: Int) -> [UInt8] {
        let rowBytes = 1 + width * 3
        return [UInt8](unsafeUninitializedCapacity: rowBytes * height) { out, count in
            let base = UnsafeRawPointer(pixels)
            for y in 0..<height {
                let row = (base + y * rowStride).assumingMemoryBound(to: UInt32.self)
                // The first row subtracts nothing: it reads itself as "above" and masks it out.
                let above = (base + max(y - 1, 0) * rowStride).assumingMemoryBound(to: UInt32.self)
                let keep: UInt32 = y == 0 ? 0 : 0xFFFF_FFFF
                let target = out.baseAddress! + y * rowBytes
                target[0] = 2  // filter: Up
                var index = 1
                for x in 0..<width {
                    let pixel = row[x]
                    let up = above[x] & keep
                    target[index] = UInt8(truncatingIfNeeded: pixel >> 16) &- UInt8(truncatingIfNeeded: up >> 16)
                    target[index + 1] = UInt8(truncatingIfNeeded: pixel >> 8) &- UInt8(truncatingIfNeeded: up >> 8)
                    target[index + 2] = UInt8(truncatingIfNeeded: pixel) &- UInt8(truncatingIfNeeded: up)
                    index += 3
                }
            }
            count = rowBytes * height
        }
    }

    /// `input` as a zlib stream (RFC 1950) compressed by igzip at level 1.
    static func deflate(_ input: [UInt8]) throws(RenderError) -> [UInt8] {
        // Stored blocks (the worst case) add 5 bytes per 64 KiB; plus the zlib header and trailer.
        let capacity = input.count + (input.count / 65_535 + 1) * 5 + 64
        let workSize = Int(cisal_level1_buffer_size())
        let work = UnsafeMutableRawPointer.allocate(byteCount: workSize, alignment: 64)
        defer { work.deallocate() }
        var status: Int32 = 0
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { out, count in
            var stream = isal_zstream()
            isal_deflate_stateless_init(&stream)
            stream.level = 1
            stream.level_buf = work.assumingMemoryBound(to: UInt8.self)
            stream.level_buf_size = UInt32(workSize)
            stream.gzip_flag = UInt16(IGZIP_ZLIB)
            stream.end_of_stream = 1
            stream.flush = UInt16(NO_FLUSH)
            stream.avail_out = UInt32(capacity)
            stream.next_out = out.baseAddress
            status = input.withUnsafeBufferPointer { bytes in
                stream.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress)
                stream.avail_in = UInt32(bytes.count)
                return isal_deflate_stateless(&stream)
            }
            count = status == COMP_OK ? Int(stream.total_out) : 0
        }
        guard status == COMP_OK, !output.isEmpty else {
            throw RenderError(.surfaceFailed, "ISA-L isal_deflate_stateless failed (\(status))")
        }
        return output
    }
}
