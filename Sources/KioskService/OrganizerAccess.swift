import Foundation
import HTTPTypes
import Hummingbird
import KioskHTTP

/// Who may use the organizer routes: whoever presents the organizer token as an RFC 6750 bearer
/// token (`Authorization: Bearer <token>`). On `/admin`, a browser may also give it as the
/// password of HTTP Basic authentication (RFC 7617, any user name), so the page opens without
/// tools.
///
/// Tokens are compared as SHA-256 digests in constant time (``BearerToken``). Without a
/// configured token every organizer route answers 403 `organizer-access-not-configured`: the
/// routes are never open by default.
public struct OrganizerAccess: Sendable {
    let token: BearerToken?

    public init(token: String?) {
        self.token = BearerToken(token)
    }

    /// Whether the token was configured at all.
    public var isConfigured: Bool { token != nil }

    /// Whether `presented` is the organizer token.
    public func accepts(_ presented: String) -> Bool {
        token?.accepts(presented) ?? false
    }

    /// Throws the problem detail of a refused request unless the request carries the token.
    /// - Parameter allowBasic: accept the token as a Basic password too (the `/admin` page).
    func check(_ request: Request, allowBasic: Bool = false) throws {
        guard let token else {
            throw ProblemDetails(
                status: .forbidden, code: "organizer-access-not-configured",
                vi:
                    "Chưa đặt mã truy cập của ban tổ chức (organizer.token hoặc KIOSK_ORGANIZER_TOKEN), nên các trang quản lý đóng.",
                en:
                    "No organizer token is configured (organizer.token or KIOSK_ORGANIZER_TOKEN), so organizer routes are closed."
            )
        }
        if token.isPresented(in: request) { return }
        if allowBasic, let password = request.basicPassword, token.accepts(password) { return }
        var problem = ProblemDetails(
            status: .unauthorized, code: "organizer-token-required",
            vi: "Cần mã truy cập của ban tổ chức (Authorization: Bearer …).",
            en: "The organizer token is required (Authorization: Bearer …)."
        )
        problem.challenge =
            (allowBasic ? "Basic realm=\"organizer\", charset=\"UTF-8\", " : "")
            + "Bearer realm=\"organizer\""
            + ((request.headers[.authorization] ?? "").isEmpty ? "" : ", error=\"invalid_token\"")
        throw problem
    }
}
