import Foundation
import HTTPTypes
import Hummingbird
import PledgeKit

/// The routes fronts and organizers use to see kiosks:
/// `GET /api/kiosk-config`, `POST /api/kiosks/{id}/heartbeat`, `GET /api/organizer/kiosks`.
struct KioskRoutes: Sendable {
    let registry: (any KioskRegistry)?
    let answer: KioskConfigAnswer
    let organizer: OrganizerCheck

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
    @Sendable func heartbeat(_ request: Request, context: KioskRequestContext) async throws -> Response {
        do {
            let id = try KioskID.validated(context.parameters.get("id") ?? "")
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            let beat: KioskHeartbeat
            do {
                beat = try JSONDecoder().decode(KioskHeartbeat.self, from: Data(buffer.readableBytesView))
            } catch {
                throw PledgeError(
                    .invalidRequest, vi: "Nhịp tim của kiosk không đúng định dạng.",
                    en: "The kiosk heartbeat is malformed.")
            }
            try await registry?.heartbeat(kioskID: id, beat, at: Date())
            return try jsonResponse(answer)
        } catch let error as PledgeError {
            throw ProblemDetails(error)
        }
    }
}

// MARK: - Organizer token (a stand-in until issue #5's bearer-token middleware replaces it)

/// Checks `Authorization: Bearer <token>` against the organizers' token from the configuration
/// (`organizer.token`) or the environment (`KIOSK_ORGANIZER_TOKEN`), in constant time.
/// TODO(merge with #5): replace with the organizer middleware of issue #5.
public struct OrganizerCheck: Sendable {
    let token: String?

    public init(configured: String?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let fromEnvironment = environment["KIOSK_ORGANIZER_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        token = fromEnvironment ?? configured
    }

    func check(_ request: Request) throws {
        let given = request.headers[.authorization].flatMap { value -> String? in
            let parts = value.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
            return String(parts[1]).trimmingCharacters(in: .whitespaces)
        }
        guard let token, let given, Self.constantTimeEqual(Array(given.utf8), Array(token.utf8)) else {
            var problem = ProblemDetails(
                status: .unauthorized, code: "organizer-token-required",
                vi: "Cần mã của ban tổ chức (Authorization: Bearer …).",
                en: "The organizers' token is required (Authorization: Bearer …)."
            )
            problem.headers[.wwwAuthenticate] = "Bearer"
            throw problem
        }
    }

    /// Compares every byte whatever differs, so the time taken tells nothing of the token.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(lhs.count == rhs.count ? 0 : 1)
        for index in 0..<max(lhs.count, rhs.count) {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}
