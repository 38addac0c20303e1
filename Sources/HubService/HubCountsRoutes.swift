import HTTPTypes
import HubCore
import Hummingbird
import KioskHTTP
import PledgeKit

/// `GET /api/counts`: the national totals, in the event service's shape (``PledgeCounts``), and
/// `GET /api/counts?event=ID`: one event's. The hub keeps counter tables updated in each batch's
/// transaction, so a request reads them, never counts pledges. As at an event, the public sees
/// no group of fewer than k pledges (``PledgeCounts/published(withholding:minimumGroupSize:)``:
/// smaller ones are merged into `other`), so one signer's age band or province is never shown.
struct HubCountsRoutes: Sendable {
    let records: any HubRecords

    func add(to router: Router<KioskRequestContext>) {
        router.get("/api/counts") { request, _ in
            var event: EventID? = nil
            if let text = request.uri.queryParameters.get("event") {
                guard let id = EventID(String(text)) else {
                    throw ProblemDetails(
                        status: .badRequest, code: "invalid-request", field: "event",
                        vi: "Mã sự kiện không hợp lệ (\(IdentifierRule.text.vi)).",
                        en: "Invalid event id (\(IdentifierRule.text.en)).")
                }
                event = id
            }
            let counts: PledgeCounts
            do throws(HubError) { counts = try await records.counts(event: event) } catch {
                throw ProblemDetails(error)
            }
            return try jsonResponse(counts.published(withholding: []))
        }
    }
}
