import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import KioskHTTP

/// A configured secret that a request presents as an RFC 6750 bearer token
/// (`Authorization: Bearer <token>`): the organizer token (``OrganizerAccess``) and the kiosk
/// token (``KioskAccess``) are each one.
///
/// Only the SHA-256 digest of the token is kept. A presented token is hashed too and every byte
/// of the two digests is compared without an early exit, so the time taken says nothing about
/// how much of a guess was right.
public struct BearerToken: Sendable {
    let digest: [UInt8]

    /// Nil for a missing or empty token: nothing is configured.
    public init?(_ token: String?) {
        guard let token, !token.isEmpty else { return nil }
        digest = Self.hash(token)
    }

    static func hash(_ text: String) -> [UInt8] { Array(SHA256.hash(data: Data(text.utf8))) }

    /// Equal in constant time for equal-length inputs.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// Whether `presented` is this token.
    public func accepts(_ presented: String) -> Bool {
        Self.constantTimeEqual(Self.hash(presented), digest)
    }

    /// Whether the request carries this token as its bearer token.
    func isPresented(in request: Request) -> Bool {
        request.bearerCredentials.map(accepts) ?? false
    }
}
