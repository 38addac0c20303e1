import Foundation
import HTTPTypes
import Hummingbird
import KioskHTTP

/// Who may record pledges and send heartbeats (`POST /api/pledges`,
/// `POST /api/kiosks/{id}/heartbeat`): with a kiosk token configured (`service.kioskToken` or
/// `KIOSK_KIOSK_TOKEN`, or generated in the data folder by `kiosk serve` and `kiosk run` when
/// neither is set), only a request that presents it as its bearer token; without one (a service
/// built in a test), anyone.
///
/// The `Kiosk-Id` header is only a name: without this token any phone on the venue's Wi-Fi could
/// post pledges, make up kiosks and spend a real kiosk's rate limit. The organizer token is a
/// different secret and is not accepted here (nor this one on organizer routes): the kiosk token
/// sits on every front machine, the organizer token opens personal data.
public struct KioskAccess: Sendable {
    let token: BearerToken?

    public init(token: String?) {
        self.token = BearerToken(token)
    }

    /// Whether a kiosk token is configured, so that these routes are closed without it.
    public var isConfigured: Bool { token != nil }

    /// Whether `presented` is the configured kiosk token (false when none is): the tablet kiosk
    /// mode's setup page asks for it.
    @Sendable public func accepts(_ presented: String) -> Bool { token?.accepts(presented) ?? false }

    /// Throws a 401 problem detail (`kiosk-token-required`, with `WWW-Authenticate: Bearer`)
    /// unless no token is configured or the request carries it.
    func check(_ request: Request) throws {
        guard let token, !token.isPresented(in: request) else { return }
        var problem = ProblemDetails(
            status: .unauthorized, code: "kiosk-token-required",
            vi: "Cần mã truy cập của kiosk (Authorization: Bearer …) để gửi lời cam kết và nhịp tim.",
            en: "The kiosk token is required (Authorization: Bearer …) to send pledges and heartbeats."
        )
        problem.challenge =
            "Bearer realm=\"kiosk\""
            + ((request.headers[.authorization] ?? "").isEmpty ? "" : ", error=\"invalid_token\"")
        throw problem
    }
}
