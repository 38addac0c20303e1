#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An error from encoding a QR code or writing one as PNG.
///
/// Encoding errors come from libqrencode, which returns `NULL` and sets `errno`; the reason is kept as a ``Code``:
///
/// | `errno`  | ``Code``              | meaning                                           |
/// |----------|-----------------------|---------------------------------------------------|
/// | `EINVAL` | ``Code/invalidInput`` | the input is unusable (for example empty text)    |
/// | `ENOMEM` | ``Code/outOfMemory``  | libqrencode could not allocate memory             |
/// | `ERANGE` | ``Code/tooLong``      | the text is too long for a QR code at that level  |
/// | other    | ``Code/other(errno:)``| any other `errno` value                           |
///
/// ``Code/pngWriteFailed`` reports a failure while writing a PNG image (zlib failed, or the image is too large).
///
/// Two errors are equal when their codes are equal; the ``message`` is for people and does not take part in
/// equality or hashing, so `error == .tooLong` works whatever the message says.
public struct QRCodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The machine-readable reason of a ``QRCodeError``.
    public enum Code: Hashable, Sendable {
        /// `EINVAL`: the input is invalid (empty text, a NUL character in the text, bad arguments).
        case invalidInput
        /// `ENOMEM`: memory could not be allocated.
        case outOfMemory
        /// `ERANGE`: the text is too long for a QR code (more than version 40 holds at the level).
        case tooLong
        /// Any other `errno` value reported by libqrencode.
        case other(errno: Int32)
        /// The PNG could not be written: zlib failed, or the image is too large.
        case pngWriteFailed
    }

    /// The machine-readable reason.
    public let code: Code

    /// A human-readable explanation, in English.
    public let message: String

    /// Creates an error with a code and a message (the message defaults to a standard text for the code).
    public init(code: Code, message: String? = nil) {
        self.code = code
        self.message = message ?? Self.defaultMessage(for: code)
    }

    /// Creates the error matching an `errno` value set by libqrencode.
    ///
    /// `EINVAL` becomes ``Code/invalidInput``, `ENOMEM` ``Code/outOfMemory``, `ERANGE` ``Code/tooLong``, and any
    /// other value ``Code/other(errno:)``.
    public init(errno value: Int32) {
        switch value {
        case EINVAL: self.init(code: .invalidInput)
        case ENOMEM: self.init(code: .outOfMemory)
        case ERANGE: self.init(code: .tooLong)
        default: self.init(code: .other(errno: value))
        }
    }

    /// `EINVAL`: the input is invalid.
    public static let invalidInput = QRCodeError(code: .invalidInput)
    /// `ENOMEM`: memory could not be allocated.
    public static let outOfMemory = QRCodeError(code: .outOfMemory)
    /// `ERANGE`: the text is too long for a QR code.
    public static let tooLong = QRCodeError(code: .tooLong)

    /// Another `errno` value.
    public static func other(errno value: Int32) -> QRCodeError {
        QRCodeError(code: .other(errno: value))
    }

    /// A PNG write failure, with the reason (zlib's message, or the size limit) if there is one.
    public static func pngWriteFailed(_ reason: String = "") -> QRCodeError {
        let message = reason.isEmpty ? nil : "PNG writing failed: \(reason)"
        return QRCodeError(code: .pngWriteFailed, message: message)
    }

    /// The `errno` value behind the error, or `nil` for ``Code/pngWriteFailed``.
    public var errno: Int32? {
        switch code {
        case .invalidInput: EINVAL
        case .outOfMemory: ENOMEM
        case .tooLong: ERANGE
        case .other(let value): value
        case .pngWriteFailed: nil
        }
    }

    public var description: String { message }

    public static func == (lhs: QRCodeError, rhs: QRCodeError) -> Bool { lhs.code == rhs.code }

    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    private static func defaultMessage(for code: Code) -> String {
        switch code {
        case .invalidInput: "invalid input for a QR code (EINVAL)"
        case .outOfMemory: "out of memory while encoding a QR code (ENOMEM)"
        case .tooLong: "text too long for a QR code (ERANGE)"
        case .other(let value): "QR encoding failed: \(errnoDescription(value)) (errno \(value))"
        case .pngWriteFailed: "PNG writing failed"
        }
    }

    private static func errnoDescription(_ value: Int32) -> String {
        guard let text = strerror(value) else { return "unknown error" }
        return String(cString: text)
    }
}
