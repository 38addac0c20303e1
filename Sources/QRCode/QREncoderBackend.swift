import CPNG
import CQRencode

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

/// The seam between the module and libpng's simplified write API.
struct PNGWriterBackend: Sendable {
    /// `png_image_write_to_memory(image, memory, memory_bytes, convert_to_8_bit, buffer, row_stride, colormap)`.
    var writeToMemory:
        @Sendable (
            _ image: UnsafeMutablePointer<png_image>, _ memory: UnsafeMutableRawPointer?,
            _ memoryBytes: UnsafeMutablePointer<Int>, _ convertTo8Bit: Int32, _ buffer: UnsafeRawPointer,
            _ rowStride: Int32, _ colormap: UnsafeRawPointer?
        ) -> Int32

    /// `png_image_free(image)`: releases whatever the image still holds (safe to call more than once).
    var imageFree: @Sendable (_ image: UnsafeMutablePointer<png_image>) -> Void

    /// The real libpng.
    static let system = PNGWriterBackend(
        writeToMemory: { image, memory, memoryBytes, convertTo8Bit, buffer, rowStride, colormap in
            png_image_write_to_memory(image, memory, memoryBytes, convertTo8Bit, buffer, rowStride, colormap)
        },
        imageFree: { image in png_image_free(image) }
    )
}

/// The calling thread's `errno`.
private func currentErrno() -> Int32 {
    #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
        return errno
    #else
        return 0
    #endif
}
