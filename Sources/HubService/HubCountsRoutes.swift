import HTTPTypes
import HubCore
import Hummingbird
import KioskHTTP
import KioskPages
import PledgeKit

/// The hub's public counts (issue 15), read from its counters (``HubCore/HubRecords/tally(by:event:withholding:)``),
/// never from a count of the pledges, and published by the event service's rule
/// (``PledgeKit/Breakdown/published(withholding:minimumGroupSize:)``: groups below k = 5 merged
/// into `other` with complementary suppression, each kiosk's newest `pledges mod k` withheld), so
/// an event's numbers here equal its own service's for the same pledges. Across events (no
/// `event`) every answer is the sum, cell by cell, of the events' own published tables
/// (``HubPublicCounts``, ``HubCore/HubTally/publishedAcrossEvents``): tables published each on
/// its own could be subtracted (the national count of a province minus one event's) to show a
/// group below k; sums of published cells cannot. Totals stay exact.
/// - `GET /api/counts[?event=ID]`: the national totals, or one event's, in the event service's
///   shape (``PledgeCounts``) with `byChannel` (`kiosk`, `phone`; issue 16).
/// - `GET /api/public/counts?by=…[&event=ID]`: the event service's public breakdown
///   (``Breakdown``) by any of `event, day, age-band, province, channel`; without `by`, the total
///   as one bucket. A dimension the hub does not count by (`kiosk`, `hour`), or a day crossed
///   with age band or province, is a 400 problem (field `by`).
/// - `GET /national`: the public national page (``NationalPage``: the total, pledges per day and
///   by province, charts drawn here), its numbers the answers of `/api/public/counts` without
///   `by`, with `by=day` and with `by=province` (``published(by:event:)``, one code for both).
struct HubCountsRoutes: Sendable {
    let records: any HubRecords
    /// The answers across events (no `event`): sums of the events' published tables, kept per count stamp.
    let national: HubPublicCounts

    init(records: any HubRecords) {
        self.records = records
        self.national = HubPublicCounts(records: records)
    }

    func add(to router: Router<KioskRequestContext>) {
        router.get("/api/counts") { request, _ in
            let event = try await registered(try Self.event(request))
            let counts: ChannelCounts
            do throws(HubError) {
                if let event {
                    counts = Self.counts(
                        try await records.tally(by: [.ageBand, .province, .channel], event: event, withholding: true))
                } else {
                    counts = try await national.counts()
                }
            } catch { throw ProblemDetails(error) }
            return try jsonResponse(counts)
        }
        router.get("/api/public/counts") { request, _ in
            let event = try await registered(try Self.event(request))
            let dimensions: [CountDimension]
            do throws(PledgeError) {
                dimensions = try CountDimension.list(request.uri.queryParameters.get("by") ?? "")
                if let refused = HubCountDimensions.refusal(dimensions, public: true) { throw refused }
            } catch { throw ProblemDetails(error) }
            return try jsonResponse(try await published(by: dimensions, event: event))
        }
        router.get("/national") { _, _ in
            // A published breakdown's total is the whole total, whatever its dimensions.
            let byProvince = try await published(by: [.province], event: nil)
            let page = NationalPage(
                total: byProvince.total, byDay: try await published(by: [.day], event: nil), byProvince: byProvince)
            return htmlResponse(page.html, cacheControl: "no-cache")
        }
    }

    /// `event` when the hub has it (or nil for none asked).
    /// - Throws: 404 `unknown-event`, as the organizer API answers: zeros would read as an event
    ///   with no pledges.
    func registered(_ event: EventID?) async throws -> EventID? {
        guard let event else { return nil }
        do throws(HubError) {
            guard try await records.event(id: event) != nil else {
                throw HubError.noSuchEvent(event.rawValue)
            }
        } catch { throw ProblemDetails(error) }
        return event
    }

    /// The public breakdown by `dimensions` of every event (`event` nil) or of one, as
    /// `/api/public/counts` answers it.
    func published(by dimensions: [CountDimension], event: EventID?) async throws -> Breakdown {
        do throws(HubError) {
            guard let event else { return try await national.breakdown(by: dimensions).answered }
            return try await records.tally(by: dimensions, event: event, withholding: true).published.answered
        } catch { throw ProblemDetails(error) }
    }

    /// The `event` query parameter, nil when absent.
    static func event(_ request: Request) throws -> EventID? {
        guard let text = request.uri.queryParameters.get("event") else { return nil }
        guard let id = EventID(String(text)) else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid-request", field: "event",
                vi: "Mã sự kiện không hợp lệ (\(IdentifierRule.text.vi)).",
                en: "Invalid event id (\(IdentifierRule.text.en)).")
        }
        return id
    }

    /// The public counts of a tally by age band, province and channel: the event service's
    /// ``PledgeCounts/published(withholding:minimumGroupSize:)`` and `byChannel` by the same rule.
    static func counts(_ tally: HubTally) -> ChannelCounts {
        var exact = PledgeCounts(total: tally.exact.total, byAgeBand: [:], byProvince: [:])
        var byChannel: [String: Int] = [:]
        for bucket in tally.exact.buckets {
            exact.byAgeBand[bucket.values[0], default: 0] += bucket.count
            exact.byProvince[bucket.values[1], default: 0] += bucket.count
            byChannel[bucket.values[2], default: 0] += bucket.count
        }
        let published = exact.published(withholding: tally.withheld.map { (ageBand: $0[0], province: $0[1]) })
        let channels = Breakdown(
            dimensions: [.channel], total: exact.total,
            buckets: byChannel.sorted { $0.key < $1.key }.map { Breakdown.Bucket(values: [$0.key], count: $0.value) }
        ).published(withholding: tally.withheld.map { [$0[2]] })
        return ChannelCounts(
            total: published.total, byAgeBand: published.byAgeBand, byProvince: published.byProvince,
            byChannel: Dictionary(channels.buckets.map { ($0.values[0], $0.count) }, uniquingKeysWith: +))
    }
}

/// The hub's counts with channels: ``PledgeCounts``'s members and `byChannel`.
struct ChannelCounts: Encodable, Sendable {
    var total: Int
    var byAgeBand: [String: Int]
    var byProvince: [String: Int]
    var byChannel: [String: Int]
}
