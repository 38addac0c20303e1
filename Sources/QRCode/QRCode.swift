import CQRencode

/// A QR code symbol: a square matrix of dark and light modules, ready to render.
///
/// The matrix is copied out of libqrencode at initialization, so the value is a plain, immutable Swift value:
/// `Sendable`, `Hashable`, and free of C pointers. Render it with ``svg(moduleSize:quietZone:)``,
/// ``png(moduleSize:quietZone:)`` or ``terminalLines(quietZone:)``; every renderer adds a quiet zone of at least
/// ``minimumQuietZone`` light modules on every side, outside the symbol (ISO/IEC 18004 quiet zone).
public struct QRCode: Sendable, Hashable {
    /// The symbol version, 1...40; version *v* has 17 + 4*v* modules per side.
    public let version: Int

    /// The error-correction level the symbol was encoded at.
    public let level: ErrorCorrectionLevel

    /// Modules per side of the symbol, without the quiet zone (21...177).
    public let size: Int

    /// Row-major modules, `size * size` of them; `true` is dark.
    private let modules: [Bool]

    /// The narrowest quiet zone the renderers draw, in modules: 4, as ISO/IEC 18004 requires for QR codes
    /// (the quiet zone is 4X wide on all four sides, X being the module width).
    public static let minimumQuietZone = 4

    /// Encodes text into the smallest QR code version that holds it at `level`.
    ///
    /// The text is encoded as UTF-8 with libqrencode's 8-bit mode as the hint and case-sensitivity on, so
    /// lower-case letters are kept; libqrencode still chooses numeric and alphanumeric segments on its own
    /// where they are shorter (an all-capitals URL such as `HTTP://192.168.100.200:8080/C/7KQ2MX4P9TZAB3CD`
    /// fits version 3 at level M). The corresponding C function is `QRcode_encodeString`.
    ///
    /// - Parameters:
    ///   - text: The text to encode. Must be non-empty and must not contain a NUL character.
    ///   - level: The error-correction level, ``ErrorCorrectionLevel/medium`` by default.
    /// - Throws: ``QRCodeError`` with ``QRCodeError/Code/invalidInput`` for empty text or text containing NUL
    ///   (`EINVAL`), ``QRCodeError/Code/tooLong`` when the text does not fit version 40 at `level` (`ERANGE`),
    ///   ``QRCodeError/Code/outOfMemory`` (`ENOMEM`), or ``QRCodeError/Code/other(errno:)``.
    public init(encoding text: String, level: ErrorCorrectionLevel = .medium) throws(QRCodeError) {
        try self.init(encoding: text, level: level, backend: .system)
    }

    /// Encodes text through an explicit backend; see ``init(encoding:level:)``.
    init(encoding text: String, level: ErrorCorrectionLevel, backend: QREncoderBackend) throws(QRCodeError) {
        if text.utf8.contains(0) {
            throw QRCodeError(code: .invalidInput, message: "text for a QR code must not contain NUL (EINVAL)")
        }
        let result: Result<(version: Int, size: Int, modules: [Bool]), QRCodeError> = text.withCString { string in
            guard let code = backend.encodeString(string, 0, level.cValue, QR_MODE_8, 1) else {
                return .failure(QRCodeError(errno: backend.errno()))
            }
            defer { backend.free(code) }
            return .success(Self.copyModules(of: code.pointee))
        }
        let symbol = try result.get()
        self.version = symbol.version
        self.level = level
        self.size = symbol.size
        self.modules = symbol.modules
    }

    /// Copies the module matrix out of a libqrencode result (bit 0 of each byte set = dark module).
    ///
    /// libqrencode guarantees `width == 17 + 4 * version` and `width * width` bytes of `data`; a result
    /// breaking that contract stops the program rather than read out of bounds.
    private static func copyModules(of code: QRcode) -> (version: Int, size: Int, modules: [Bool]) {
        let version = Int(code.version)
        let width = Int(code.width)
        precondition((1...40).contains(version) && width == 17 + 4 * version, "libqrencode returned a bad symbol")
        guard let data = code.data else { preconditionFailure("libqrencode returned a symbol without data") }
        let bytes = UnsafeBufferPointer(start: data, count: width * width)
        return (version, width, bytes.map { $0 & 1 != 0 })
    }

    /// Whether the module at column `x`, row `y` is dark; `(0, 0)` is the top-left module.
    ///
    /// Coordinates outside `0..<size` read as light, which is what the quiet zone around the symbol is.
    public subscript(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return modules[y * size + x]
    }

    /// The quiet zone a renderer actually draws: at least ``minimumQuietZone``.
    static func effectiveQuietZone(_ requested: Int) -> Int {
        max(requested, minimumQuietZone)
    }
}

extension ErrorCorrectionLevel {
    /// The matching libqrencode level.
    var cValue: QRecLevel {
        switch self {
        case .low: QR_ECLEVEL_L
        case .medium: QR_ECLEVEL_M
        case .quartile: QR_ECLEVEL_Q
        case .high: QR_ECLEVEL_H
        }
    }
}
