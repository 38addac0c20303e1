import CQRencode
import CZlib
import Foundation
import Testing

@testable import QRCode

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Counts calls from `@Sendable` closures.
private final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func increment() { lock.withLock { value += 1 } }
    var count: Int { lock.withLock { value } }
}

@Suite("The C seam: libqrencode and zlib failures become typed errors")
struct BackendSeamTests {
    /// A backend whose encoder always fails with `errno`.
    private func failing(errno value: Int32, calls: CallCounter) -> QREncoderBackend {
        QREncoderBackend(
            encodeString: { _, _, _, _, _ in
                calls.increment()
                return nil
            },
            free: { _ in Issue.record("nothing to free after NULL") },
            errno: { value }
        )
    }

    @Test(
        "NULL from QRcode_encodeString with errno becomes the matching error",
        arguments: [
            (EINVAL, QRCodeError.invalidInput), (ENOMEM, .outOfMemory), (ERANGE, .tooLong), (EIO, .other(errno: EIO)),
        ])
    func forcedNull(errno value: Int32, expected: QRCodeError) throws {
        let calls = CallCounter()
        let error = try #require(throws: QRCodeError.self) {
            try QRCode(encoding: "anything", level: .high, backend: failing(errno: value, calls: calls))
        }
        #expect(error == expected)
        #expect(error.errno == value)
        #expect(calls.count == 1)
        if value == ERANGE { #expect(error.message.contains("too long for a QR code")) }
    }

    @Test("Arguments reach C as version 0, the level, QR_MODE_8 and case-sensitive; the result is copied and freed")
    func successCopiesAndFrees() throws {
        let frees = CallCounter()
        let backend = QREncoderBackend(
            encodeString: { string, version, level, hint, caseSensitive in
                #expect(String(cString: string) == "Xin chào")
                #expect(version == 0)
                #expect(level == QR_ECLEVEL_Q)
                #expect(hint == QR_MODE_8)
                #expect(caseSensitive == 1)
                // A fake version-1 symbol: the diagonal is dark (bit 0), other bits are noise to ignore.
                let width = 21
                let data = UnsafeMutablePointer<UInt8>.allocate(capacity: width * width)
                for index in 0..<width * width { data[index] = index % (width + 1) == 0 ? 0xC1 : 0xC0 }
                let code = UnsafeMutablePointer<QRcode>.allocate(capacity: 1)
                code.initialize(to: QRcode(version: 1, width: Int32(width), data: data))
                return code
            },
            free: { code in
                code.pointee.data.deallocate()
                code.deallocate()
                frees.increment()
            },
            errno: {
                Issue.record("errno must only be read after NULL")
                return 0
            }
        )
        let code = try QRCode(encoding: "Xin chào", level: .quartile, backend: backend)
        #expect(frees.count == 1)
        #expect(code.version == 1 && code.size == 21 && code.level == .quartile)
        for y in 0..<21 {
            for x in 0..<21 { #expect(code[x, y] == (x == y)) }
        }
    }

    @Test("A failing deflate becomes pngWriteFailed with zlib's message; level 1 and a window of two rows or more")
    func pngFailure() throws {
        let code = try QRCode(encoding: "PNG")
        let calls = CallCounter()
        let backend = PNGWriterBackend { input, level, windowBits, memLevel in
            calls.increment()
            #expect(level == 1)
            // 2 pixels per module: (21 + 8) * 2 = 58 pixels, 1 filter byte + 8 bytes per row, 58 rows.
            #expect(input.count == 9 * 58)
            #expect((1 << windowBits) >= 2 * 9 && (9...15).contains(windowBits) && (1...9).contains(memLevel))
            return (Z_MEM_ERROR, [])
        }
        let error = try #require(throws: QRCodeError.self) {
            try code.png(moduleSize: 2, quietZone: 4, backend: backend)
        }
        #expect(error == .pngWriteFailed())
        #expect(error.message.contains("zlib") && error.message.contains("insufficient memory"), "\(error.message)")
        #expect(calls.count == 1)
    }

    @Test("An absurd PNG size is refused before allocating")
    func pngTooLarge() throws {
        let code = try QRCode(encoding: "big")
        #expect(throws: QRCodeError.pngWriteFailed()) { try code.png(moduleSize: 1_000_000) }
        #expect(throws: QRCodeError.pngWriteFailed()) { try code.png(moduleSize: Int.max / 2) }
    }
}
