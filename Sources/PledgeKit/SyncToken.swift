import Crypto
import Foundation

/// An event's sync token for the national hub, printed by `kiosk hub add-event`:
/// `kmm1.<TAG>.<secret>`, where TAG is the event's 4-character code tag (``CertificateCode/randomTag()``)
/// and secret 43 characters of base64url without padding (RFC 4648, 5) of 32 random bytes.
///
/// The event sends it as its bearer token and derives its code key from it (``codeKey``); the hub
/// keeps only ``storageHash`` and the code key, never the token.
public struct SyncToken: Hashable, Sendable, CustomStringConvertible {
    /// The whole token, as printed.
    public let text: String
    /// The event's code tag: the first 4 characters of every code it issues (``CodeIssuer``).
    public let codeTag: String
    /// The key of the MAC in the event's codes: HMAC-SHA256(key: the 32 secret bytes,
    /// message: ``codeKeyLabel``), 32 bytes.
    public let codeKey: [UInt8]

    /// The version prefix of the token's text.
    public static let prefix = "kmm1"
    /// The message from which the code key is derived: a new version of codes gets a new label.
    public static let codeKeyLabel = "khong-mot-minh certificate codes v1"

    /// Reads a token as `kiosk hub add-event` printed it (surrounding whitespace ignored).
    /// - Throws: ``PledgeError`` `invalid-sync-token` when it is not of that shape.
    public init(parsing text: String) throws(PledgeError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == Self.prefix, CertificateCode.isTag(String(parts[1])),
            let secret = Self.base64URLDecoded(String(parts[2])), secret.count == 32
        else {
            throw PledgeError(
                .invalidSyncToken,
                vi: "Mã đồng bộ không đúng dạng: cần kmm1.<4 ký tự>.<43 ký tự>, đúng như kiosk hub add-event đã in.",
                en: "The sync token is not well formed: kmm1.<4 characters>.<43 characters>, exactly as "
                    + "kiosk hub add-event printed it.")
        }
        self.init(tag: String(parts[1]), secret: secret)
    }

    private init(tag: String, secret: [UInt8]) {
        self.text = "\(Self.prefix).\(tag).\(Self.base64URLEncoded(secret))"
        self.codeTag = tag
        let key = HMAC<SHA256>.authenticationCode(for: Array(Self.codeKeyLabel.utf8), using: SymmetricKey(data: secret))
        self.codeKey = Array(key)
    }

    /// A new token for an event with code tag `tag` (``CertificateCode/randomTag()``), its 32
    /// secret bytes from the system's secure generator.
    public static func random(tag: String) -> SyncToken {
        precondition(CertificateCode.isTag(tag), "a code tag is 4 characters of Crockford's base32")
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<4).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64) { Array($0) } }
        return SyncToken(tag: tag, secret: secret)
    }

    /// What the hub stores to find the event of a token: SHA-256 of ``text`` (its UTF-8), 64
    /// lowercase hex digits.
    public var storageHash: String { Self.storageHash(of: text) }

    /// SHA-256 of `text`'s UTF-8 in 64 lowercase hex digits: what the hub stores of every token it
    /// issues (an event's sync token, an organizer's token), and looks a presented token up by.
    public static func storageHash(of text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The issuer of this event's codes.
    public var codeIssuer: CodeIssuer { CodeIssuer(self) }

    /// The token without its secret, fit for a log or an error message.
    public var description: String { "\(Self.prefix).\(codeTag).…" }

    static func base64URLEncoded(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    /// The bytes of unpadded base64url `text`; nil unless it is their one canonical spelling.
    static func base64URLDecoded(_ text: String) -> [UInt8]? {
        guard !text.contains("+"), !text.contains("/"), !text.contains("=") else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.utf8.count % 4 != 0 { standard += "=" }
        guard let data = Data(base64Encoded: standard) else { return nil }
        let bytes = Array(data)
        // Unused low bits of the last character set: another spelling of the same bytes.
        guard base64URLEncoded(bytes) == text else { return nil }
        return bytes
    }
}
