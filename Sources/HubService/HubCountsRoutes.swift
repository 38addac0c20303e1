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
/// With `channels`, the body also has `byChannel` (`kiosk`, `phone`; issue 16), published by the
/// same rule.
struct HubCountsRoutes: Sendable {
    let records: any HubRecords
    var channels: (any HubWebPledges)? = nil

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
            let published = counts.published(withholding: [])
            guard let channels else { return try jsonResponse(published) }
            let byChannel: [String: Int]
            do throws(HubError) { byChannel = try await channels.channelCounts(event: event) } catch {
                throw ProblemDetails(error)
            }
            let breakdown = Breakdown(
                dimensions: [.channel], total: counts.total,
                buckets: byChannel.sorted { $0.key < $1.key }.map {
                    Breakdown.Bucket(values: [$0.key], count: $0.value)
                }
            ).published(withholding: [])
            return try jsonResponse(
                ChannelCounts(
                    total: published.total, byAgeBand: published.byAgeBand, byProvince: published.byProvince,
                    byChannel: Dictionary(breakdown.buckets.map { ($0.values[0], $0.count) }, uniquingKeysWith: +)))
        }
    }
}

/// The hub's counts with channels: ``PledgeCounts``'s members and `byChannel`.
struct ChannelCounts: Encodable {
    var total: Int
    var byAgeBand: [String: Int]
    var byProvince: [String: Int]
    var byChannel: [String: Int]
}
