import Foundation

/// The client's key for one pledge attempt (the `Idempotency-Key` request header, IETF draft
/// "The Idempotency-Key HTTP Header Field"). Sending the same key again returns the first pledge.
public struct IdempotencyKey: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts 1 to 128 visible ASCII characters (0x21–0x7E), such as a UUID.
    /// - Throws: ``PledgeError`` `invalid-idempotency-key`.
    public init(_ rawValue: String) throws(PledgeError) {
        guard (1...128).contains(rawValue.utf8.count),
            rawValue.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
        else {
            throw PledgeError(
                .invalidIdempotencyKey, field: "Idempotency-Key",
                vi: "Thiếu khóa Idempotency-Key hợp lệ (1–128 ký tự ASCII nhìn thấy được, ví dụ một UUID).",
                en: "A valid Idempotency-Key header is required (1–128 visible ASCII characters, such as a UUID)."
            )
        }
        self.rawValue = rawValue
    }

    /// A fresh random key (a UUID), for fronts.
    public static func random() -> IdempotencyKey {
        // A UUID string is always valid.
        try! IdempotencyKey(UUID.random().uuidString)
    }

    public var description: String { rawValue }
}
