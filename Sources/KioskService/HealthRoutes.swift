import Foundation
import HTTPTypes
import Hummingbird
import KioskHTTP
import LiveWeb
import NIOCore
import PledgeKit

/// Probes and numbers: `GET /livez` (liveness: the process answers; reads no database),
/// `GET /readyz` (readiness: 200 when a pledge could be stored right now, else 503 with the
/// reason, ``StorageReadiness``), `GET /healthz` (the older name of `/readyz`, same answer), and
/// `GET /metrics` (Prometheus text format, ``ServiceMetrics``) behind the organizer token.
struct HealthRoutes: Sendable {
    /// Asked by `/readyz`; nil (a service without a store of its own): a read of the counts.
    let readiness: (any StorageReadiness)?
    let counter: any PledgeCounter
    let metrics: ServiceMetrics
    let organizer: OrganizerAccess
    let live: LiveCounter?
    let kiosks: (any KioskRegistry)?
    /// Whether a kiosk token is set, so that kiosk ids come from the fronts only.
    let kioskIDsAreAuthenticated: Bool

    func add(to router: Router<KioskRequestContext>) {
        // Liveness answers from the process alone (for a probe that must not depend on the disk,
        // and the baseline of benchmark B3).
        router.get("/livez") { _, _ in
            try jsonResponse(["status": "ok"])
        }
        router.get("/readyz", use: ready)
        // Kept for probes set up with it: it read the database before /readyz existed, and now
        // answers as /readyz does, so a disk that refuses pledges no longer says ok here.
        router.get("/healthz", use: ready)
        // The organizer token, as every organizer route: counts of a running event are the
        // organizers' to see, and a token works through a proxy where "loopback only" would not.
        router.get("/metrics") { request, _ in
            try organizer.check(request)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            headers[.cacheControl] = "no-store"
            let text = await metrics.exposition(live: live, kiosks: kiosks, perKiosk: kioskIDsAreAuthenticated)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }
    }

    @Sendable func ready(_ request: Request, context: KioskRequestContext) async throws -> Response {
        if let readiness {
            if let problem = await readiness.readiness() { throw ProblemDetails.notReady(problem) }
        } else {
            do throws(PledgeError) { _ = try await counter.counts() } catch { throw ProblemDetails(error) }
        }
        return try jsonResponse(["status": "ok"])
    }
}

extension ProblemDetails {
    /// 503 from `/readyz`: why a pledge could not be stored right now; `code` is the problem's.
    static func notReady(_ problem: StorageProblem) -> ProblemDetails {
        let (vi, en): (String, String) =
            switch problem {
            case .databaseGone:
                (
                    "Tệp cơ sở dữ liệu đã bị xóa, di chuyển hoặc thay thế; không lưu được lời cam kết cho đến khi khởi động lại dịch vụ.",
                    "The database file was deleted, moved or replaced; no pledge can be stored until the service is restarted."
                )
            case .diskFull:
                (
                    "Ổ đĩa chứa cơ sở dữ liệu đã đầy hoặc sắp đầy, nên lời cam kết có thể không lưu được. Hãy giải phóng dung lượng.",
                    "The disk holding the database is full or nearly full, so pledges may not be stored. Free some space."
                )
            case .databaseReadOnly:
                (
                    "Cơ sở dữ liệu chỉ đọc được, không ghi được, nên lời cam kết không lưu được.",
                    "The database is read-only, so pledges cannot be stored."
                )
            case .writeFailed:
                (
                    "Lần ghi gần nhất vào cơ sở dữ liệu bị lỗi, nên lời cam kết có thể không lưu được lúc này.",
                    "The latest write to the database failed, so pledges may not be stored right now."
                )
            case .databaseUnreadable:
                (
                    "Không đọc được cơ sở dữ liệu, nên lời cam kết không lưu được lúc này.",
                    "The database cannot be read, so pledges cannot be stored right now."
                )
            }
        return ProblemDetails(status: .serviceUnavailable, code: problem.rawValue, vi: vi, en: en)
    }
}
