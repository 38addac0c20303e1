import QRCode
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Encoding text to a module matrix")
struct EncodingTests {
    @Test(
        "Level letters parse in either case",
        arguments: [
            ("L", ErrorCorrectionLevel.low), ("l", .low), ("M", .medium), ("m", .medium),
            ("Q", .quartile), ("q", .quartile), ("H", .high), (" h ", .high),
        ])
    func levelLetters(letter: String, level: ErrorCorrectionLevel) {
        #expect(ErrorCorrectionLevel(letter: letter) == level)
        #expect(level.letter == level.rawValue)
    }

    @Test("Unknown level letters are rejected", arguments: ["", "X", "LM", "low", "7"])
    func badLevelLetters(letter: String) {
        #expect(ErrorCorrectionLevel(letter: letter) == nil)
    }

    @Test("Default level is M; size is 17 + 4 × version")
    func defaults() throws {
        let code = try QRCode(encoding: Samples.mixedCaseURL)
        #expect(code.level == .medium)
        #expect((1...40).contains(code.version))
        #expect(code.size == 17 + 4 * code.version)
        #expect(QRCode.minimumQuietZone == 4)
    }

    @Test("An all-capitals certificate URL uses alphanumeric mode: version ≤ 3 at M")
    func capitalsURLIsSmall() throws {
        #expect(Samples.certificateURL.count == 46)
        let code = try QRCode(encoding: Samples.certificateURL, level: .medium)
        #expect(code.version <= 3)

        let base = "HTTP://10.0.0.1:8080/KIOSK/ABC"
        #expect(base.count == 30)
        let longer = try QRCode(encoding: base + "/C/" + "7KQ2MX4P9TZAB3CD", level: .medium)
        #expect(longer.version <= 3)
    }

    @Test("Higher levels never give a smaller version")
    func levelsGrow() throws {
        let versions = try ErrorCorrectionLevel.allCases.map { try QRCode(encoding: Samples.vietnamese, level: $0) }
            .map(\.version)
        #expect(versions == versions.sorted())
    }

    @Test("Same text and level give equal, hashable values; different text does not")
    func valueSemantics() throws {
        let first = try QRCode(encoding: "Không một mình")
        let second = try QRCode(encoding: "Không một mình")
        let other = try QRCode(encoding: "không một mình")
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        #expect(first != other)
    }

    @Test("Out-of-range coordinates read as light; finder pattern corners are dark")
    func subscriptBounds() throws {
        let code = try QRCode(encoding: "A")
        #expect(code[-1, 0] == false)
        #expect(code[0, code.size] == false)
        #expect(code[0, 0] && code[code.size - 1, 0] && code[0, code.size - 1])
    }

    @Test("Real libqrencode: empty text is EINVAL → invalidInput")
    func emptyText() {
        #expect(throws: QRCodeError.invalidInput) { try QRCode(encoding: "") }
    }

    @Test("Text containing NUL is rejected before reaching C")
    func nulText() {
        #expect(throws: QRCodeError.invalidInput) { try QRCode(encoding: "ab\u{0}cd") }
    }

    @Test("Real libqrencode: 8000 bytes is ERANGE → tooLong")
    func tooLongText() throws {
        let error = try #require(throws: QRCodeError.self) {
            try QRCode(encoding: String(repeating: "a", count: 8000))
        }
        #expect(error == .tooLong)
        #expect(error.code == .tooLong)
        #expect(error.errno == ERANGE)
        #expect(error.message.contains("too long for a QR code"))
        #expect(error.description == error.message)
    }

    @Test("Errors map errno values and compare by code")
    func errorMapping() {
        #expect(QRCodeError(errno: EINVAL) == .invalidInput)
        #expect(QRCodeError(errno: ENOMEM) == .outOfMemory)
        #expect(QRCodeError(errno: ERANGE) == .tooLong)
        #expect(QRCodeError(errno: EIO) == .other(errno: EIO))
        #expect(QRCodeError(errno: EIO) != .other(errno: EPERM))
        #expect(QRCodeError(errno: EIO).message.contains("errno \(EIO)"))
        #expect(QRCodeError.pngWriteFailed("disk") == .pngWriteFailed())
        #expect(QRCodeError.pngWriteFailed("disk").message.contains("disk"))
        #expect(QRCodeError.pngWriteFailed().errno == nil)
        #expect(Set([QRCodeError.tooLong, QRCodeError(code: .tooLong, message: "x")]).count == 1)
    }
}
