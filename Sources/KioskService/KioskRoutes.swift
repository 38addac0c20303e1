import Foundation
import HTTPTypes
import Hummingbird
import KioskAPI
import KioskHTTP
import PledgeKit

/// The routes fronts and organizers use to see kiosks:
/// `GET /api/kiosk-config`, `POST /api/kiosks/{id}/heartbeat`, `GET /api/organizer/kiosks`
/// (behind ``OrganizerAccess``); heartbeats are behind ``KioskAccess``. The event's code issuer
/// (``KioskConfigAnswer/codeIssuer``, a secret of the event) goes only to a request that passes
/// ``KioskAccess``: `GET /api/kiosk-config` without the kiosk token answers the rest.
struct KioskRoutes: Sendable {
    let registry: (any KioskRegistry)?
    /// What a front caches, made for each answer: the certificate base can change while the
    /// service runs (to the hub's, once a linked event learns it).
    let answer: @Sendable () async -> KioskConfigAnswer
    let organizer: OrganizerAccess
    var kiosks = KioskAccess(token: nil)

    func add(to router: Router<KioskRequestContext>) {
        router.get("/api/kiosk-config") { request, _ in
            var open = await answer()
            if (try? kiosks.check(request)) == nil { open.codeIssuer = nil }
            return try jsonResponse(open)
        }
        router.post("/api/kiosks/{id}/heartbeat", use: heartbeat)
        router.get("/api/organizer/kiosks") { request, _ in
            try organizer.check(request)
            var kiosks: [KioskStatus] = []
            if let registry {
                do throws(PledgeError) { kiosks = try await registry.kiosks(now: Date()) } catch {
                    throw ProblemDetails(error)
                }
            }
            return try jsonResponse(["kiosks": kiosks], iso8601Dates: true)
        }
    }

    /// Notes the heartbeat and answers with what a front caches: the certificate link base.
    /// Without the kiosk token (when one is configured), 401 and nothing noted.
    @Sendable func heartbeat(_ request: Request, context: KioskRequestContext) async throws -> Response {
        try kiosks.check(request)
        do {
            guard let id = KioskID(context.parameters.get("id") ?? ""), id.isKioskOwn else {
                throw PledgeError.invalidKioskIDInPath
            }
            let buffer = try await request.collectBody(upTo: context.maxUploadSize)
            let beat = try StrictJSON.decode(
                KioskHeartbeat.self, from: Data(buffer.readableBytesView),
                what: Localized(vi: "nhịp tim của kiosk", en: "a kiosk heartbeat"))
            guard beat.waiting >= 0 else { throw PledgeError.negativeWaiting }
            try await registry?.heartbeat(kioskID: id.rawValue, beat, at: Date())
            return try jsonResponse(await answer())
        } catch let error as PledgeError {
            throw ProblemDetails(error)
        }
    }
}
