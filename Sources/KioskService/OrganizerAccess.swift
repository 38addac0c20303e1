import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// Who may use the organizer routes: whoever presents the organizer token as an RFC 6750 bearer
/// token (`Authorization: Bearer <token>`). On `/admin`, a browser may also give it as the
/// password of HTTP Basic authentication (RFC 7617, any user name), so the page opens without
/// tools.
///
/// Tokens are compared in constant time: both sides are hashed with SHA-256 and every byte of
/// the digests is compared without an early exit, so the time taken says nothing about how much
/// of a guess was right. Without a configured token every organizer route answers 503: the
/// routes are never open by default.
public struct OrganizerAccess: Sendable {
    let digest: [UInt8]?

    public init(token: String?) {
        digest = token.flatMap { $0.isEmpty ? nil : Array(SHA256.hash(data: Data($0.utf8))) }
    }

    /// Whether the token was configured at all.
    public var isConfigured: Bool { digest != nil }

    /// Equal in constant time for equal-length inputs.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// Whether `presented` is the organizer token.
    public func accepts(_ presented: String) -> Bool {
        guard let digest else { return false }
        return Self.constantTimeEqual(Array(SHA256.hash(data: Data(presented.utf8))), digest)
    }

    /// Throws the problem detail of a refused request unless the request carries the token.
    /// - Parameter allowBasic: accept the token as a Basic password too (the `/admin` page).
    func check(_ request: Request, allowBasic: Bool = false) throws {
        guard isConfigured else {
            throw ProblemDetails(
                status: .forbidden, code: "organizer-access-not-configured",
                vi:
                    "Chưa đặt mã truy cập của ban tổ chức (organizer.token hoặc KIOSK_ORGANIZER_TOKEN), nên các trang quản lý đóng.",
                en:
                    "No organizer token is configured (organizer.token or KIOSK_ORGANIZER_TOKEN), so organizer routes are closed."
            )
        }
        let header = request.headers[.authorization] ?? ""
        let parts = header.split(separator: " ", maxSplits: 1).map(String.init)
        if parts.count == 2 {
            let scheme = parts[0].lowercased()
            if scheme == "bearer", accepts(parts[1].trimmingCharacters(in: .whitespaces)) { return }
            if allowBasic, scheme == "basic", let data = Data(base64Encoded: parts[1]),
                let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":"),
                accepts(String(text[text.index(after: colon)...]))
            {
                return
            }
        }
        var problem = ProblemDetails(
            status: .unauthorized, code: "organizer-token-required",
            vi: "Cần mã truy cập của ban tổ chức (Authorization: Bearer …).",
            en: "The organizer token is required (Authorization: Bearer …)."
        )
        problem.challenge =
            (allowBasic ? "Basic realm=\"organizer\", charset=\"UTF-8\", " : "")
            + "Bearer realm=\"organizer\"" + (header.isEmpty ? "" : ", error=\"invalid_token\"")
        throw problem
    }
}
