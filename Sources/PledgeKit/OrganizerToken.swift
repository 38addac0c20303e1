import Foundation

/// An organizer's token at the national hub, printed once by `kiosk hub add-organizer`:
/// `kmo1.<secret>`, the secret 43 characters of base64url without padding (RFC 4648, 5) of 32
/// random bytes. The organizer sends it as an RFC 6750 bearer token; the hub keeps only
/// ``storageHash`` (as it keeps an event's sync token: ``SyncToken/storageHash(of:)``).
public struct OrganizerToken: Hashable, Sendable, CustomStringConvertible {
    /// The whole token, as printed.
    public let text: String

    /// The version prefix of the token's text.
    public static let prefix = "kmo1"

    /// Reads a token as `kiosk hub add-organizer` printed it (surrounding whitespace ignored);
    /// nil when it is not of that shape.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == Self.prefix,
            let secret = SyncToken.base64URLDecoded(String(parts[1])), secret.count == 32
        else { return nil }
        self.text = trimmed
    }

    private init(secret: [UInt8]) {
        text = "\(Self.prefix).\(SyncToken.base64URLEncoded(secret))"
    }

    /// A new token, its 32 secret bytes from the system's secure generator.
    public static func random() -> OrganizerToken {
        var generator = SystemRandomNumberGenerator()
        return OrganizerToken(
            secret: (0..<4).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64) { Array($0) } })
    }

    /// What the hub stores to find the organizer of a token: SHA-256 of ``text``, 64 hex digits.
    public var storageHash: String { SyncToken.storageHash(of: text) }

    /// The token without its secret, fit for a log or an error message.
    public var description: String { "\(Self.prefix).…" }
}
