import Foundation
import HTTPTypes
import Hummingbird
import PledgeKit

/// The routes fronts and organizers use to see kiosks:
/// `GET /api/kiosk-config`, `POST /api/kiosks/{id}/heartbeat`, `GET /api/organizer/kiosks`
/// (behind ``OrganizerAccess``); heartbeats are behind ``KioskAccess``.
struct KioskRoutes: Sendable {
    let registry: (any KioskRegistry)?
    let answer: KioskConfigAnswer
    let organizer: OrganizerAccess
    var kiosks = KioskAccess(token: nil)

    func add(to router: Router<KioskRequestContext>) {
        router.get("/api/kiosk-config") { _, _ in try jsonResponse(answer) }
        router.post("/api/kiosks/{id}/heartbeat", use: heartbeat)
        router.get("/api/organizer/kiosks") { request, _ in
            try organizer.check(request)
            var kiosks: [KioskStatus] = []
            if let registry {
                do throws(PledgeError) { kiosks = try await registry.kiosks(now: Date()) } catch {
                    throw ProblemDetails(error)
                }
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            headers[.cacheControl] = "no-store"
            return Response(
                status: .ok, headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(["kiosks": kiosks]))))
        }
    }

    /// Notes the heartbeat and answers with what a front caches: the certificate link base.
    /// Without the kiosk token (when one is configured), 401 and nothing noted.
    @Sendable func heartbeat(_ request: Request, context: KioskRequestContext) async throws -> Response {
        try kiosks.check(request)
        do {
            let id = try KioskID.validated(context.parameters.get("id") ?? "")
            let buffer = try await request.collectBody(upTo: context.maxUploadSize)
            let beat = try StrictJSON.decode(
                KioskHeartbeat.self, from: Data(buffer.readableBytesView),
                what: Localized(vi: "nhịp tim của kiosk", en: "a kiosk heartbeat"))
            try await registry?.heartbeat(kioskID: id, beat, at: Date())
            return try jsonResponse(answer)
        } catch let error as PledgeError {
            throw ProblemDetails(error)
        }
    }
}

extension KioskHeartbeat: StrictlyDecodable {
    /// `{"state": "ready"|…, "waiting": integer}`, what ``KioskHeartbeat`` encodes.
    static let members: Set<String> = ["state", "waiting"]
}
