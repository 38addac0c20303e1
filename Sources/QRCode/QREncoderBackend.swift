import CQRencode
import CZlib

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The seam between the module and libqrencode: every call into the C library goes through one of these closures.
///
/// ``system`` calls the real functions; tests build their own value (through `@testable import QRCode`) to force
/// `NULL` results and chosen `errno` values, in the style of swift-system's syscall mocking.
struct QREncoderBackend: Sendable {
    /// `QRcode_encodeString(string, version, level, hint, casesensitive)`.
    var encodeString:
        @Sendable (
            _ string: UnsafePointer<CChar>, _ version: Int32, _ level: QRecLevel, _ hint: QRencodeMode,
            _ caseSensitive: Int32
        ) -> UnsafeMutablePointer<QRcode>?

    /// `QRcode_free(code)`.
    var free: @Sendable (_ code: UnsafeMutablePointer<QRcode>) -> Void

    /// Reads the calling thread's `errno`, right after a failed call.
    var errno: @Sendable () -> Int32

    /// The real libqrencode.
    static let system = QREncoderBackend(
        encodeString: { string, version, level, hint, caseSensitive in
            QRcode_encodeString(string, version, level, hint, caseSensitive)
        },
        free: { code in QRcode_free(code) },
        errno: { currentErrno() }
    )
}

/// The seam between the module and zlib, for the PNG writer.
struct PNGWriterBackend: Sendable {
    /// Compresses `input` into one zlib stream (RFC 1950) at `level` with a window of 2^`windowBits` bytes and
    /// `memLevel` (zlib's `deflateInit2`, `deflate` with `Z_FINISH`, `deflateEnd`). Returns `Z_OK` and the
    /// stream, or zlib's failing status and no bytes.
    var deflate:
        @Sendable (_ input: UnsafeRawBufferPointer, _ level: Int32, _ windowBits: Int32, _ memLevel: Int32) -> (
            status: Int32, bytes: [UInt8]
        )

    /// The real zlib.
    static let system = PNGWriterBackend { input, level, windowBits, memLevel in
        var stream = z_stream()
        var status = deflateInit2_(
            &stream, level, Z_DEFLATED, windowBits, memLevel, Z_DEFAULT_STRATEGY, zlibVersion(),
            Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { return (status, []) }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        let bytes = [UInt8](unsafeUninitializedCapacity: bound) { output, count in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = output.baseAddress
            stream.avail_out = uInt(output.count)
            status = CZlib.deflate(&stream, Z_FINISH)
            count = status == Z_STREAM_END ? Int(stream.total_out) : 0
        }
        return status == Z_STREAM_END ? (Z_OK, bytes) : (status, [])
    }
}

/// The calling thread's `errno`.
private func currentErrno() -> Int32 {
    #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
        return errno
    #else
        return 0
    #endif
}
