import Foundation
import HubCore
import Logging
import PledgeKit
import PostgresNIO

/// The hub's counts, read from its counters (schema v4: `hub_tally`, `hub_kiosk_tally`; v7:
/// `hub_province_tally` for breakdowns by event and province alone), never from a count of the
/// pledges.
extension HubStore {
    /// A dimension's value in `hub_tally`, as the event service gives it (PledgeStore's
    /// expressions): a day `YYYY-MM-DD` (Vietnam time), `unknown` for no province.
    static func tallyColumn(_ dimension: CountDimension) -> String {
        switch dimension {
        case .event: "event_id"
        case .day: "to_char(day, 'YYYY-MM-DD')"
        case .ageBand: "age_band"
        case .province: "CASE province WHEN '' THEN '\(Breakdown.unknown)' ELSE province END"
        case .channel: "channel"
        // Refused before any read (HubCountDimensions.refusal): the hub counts by neither.
        case .kiosk, .hour: "NULL::text"
        }
    }

    /// The same value read from a row of `hub_pledge`; also by kiosk and by hour (Vietnam time,
    /// `YYYY-MM-DDTHH:00`), which organizers in a scope may ask for and no counter holds.
    static func pledgeColumn(_ dimension: CountDimension) -> String {
        switch dimension {
        case .event: "event_id"
        case .kiosk: "kiosk_id"
        case .day: "to_char(hub_vietnam_day(created_at), 'YYYY-MM-DD')"
        case .hour:
            "to_char(created_at AT TIME ZONE 'UTC' + interval '\(VietnamTime.offsetSeconds) seconds', 'YYYY-MM-DD\"T\"HH24:00')"
        case .ageBand: "age_band"
        case .province: "coalesce(nullif(province, ''), '\(Breakdown.unknown)')"
        case .channel: "hub_channel(kiosk_id)"
        }
    }

    public func tally(by dimensions: [CountDimension], event: EventID?, withholding: Bool) async throws(HubError)
        -> HubTally
    {
        let logger = logger
        let eventID = event?.rawValue
        let columns = dimensions.map(Self.tallyColumn).joined(separator: ", ")
        let groups = dimensions.indices.map { String($0 + 1) }.joined(separator: ", ")
        let values = dimensions.map(Self.pledgeColumn).joined(separator: ", ")
        let width = dimensions.count
        let table = Self.tallyTable(dimensions)
        // Counts read the primary, never the standby: a standby's lag has no bound (replay paused
        // or broken), and counts read from it went backwards between a read of the primary (the
        // standby resting after a failure) and the next (a breaker saw 330, then 55); answers across
        // events are moreover kept per count stamp (HubService's HubPublicCounts), so a stale one
        // stayed after the standby caught up. Reads of the counters are cheap (BENCHMARKS.md, H5).
        let answer = { @Sendable (connection: PostgresConnection) async throws -> HubTally in
            // One snapshot: the groups, the total and the withheld pledges agree.
            try await Self.transaction(connection, logger: logger, snapshot: true) { () async throws -> HubTally in
                var buckets: [Breakdown.Bucket] = []
                var total = 0
                if width > 0 {
                    for row in try await Self.rows(
                        """
                        SELECT \(unescaped: columns), sum(count)::int8 FROM \(unescaped: table)
                        WHERE \(eventID)::text IS NULL OR event_id = \(eventID)
                        GROUP BY \(unescaped: groups) HAVING sum(count) > 0
                        """, on: connection, logger: logger)
                    {
                        let cells = Array(row)
                        let count = try cells[width].decode(Int.self)
                        buckets.append(
                            Breakdown.Bucket(
                                values: try cells.prefix(width).map { try $0.decode(String.self) }, count: count))
                        // Every group but the empty ones: they add up to the total.
                        total += count
                    }
                } else {
                    total =
                        try await Self.rows(
                            """
                            SELECT coalesce(sum(count), 0)::int8 FROM \(unescaped: table)
                            WHERE \(eventID)::text IS NULL OR event_id = \(eventID)
                            """, on: connection, logger: logger
                        ).first?.decode(Int.self) ?? 0
                }
                buckets.sort(by: BucketOrder(dimensions: dimensions).precedes)
                let exact = Breakdown(dimensions: dimensions, total: total, buckets: buckets)
                guard withholding, width > 0 else { return HubTally(exact: exact, withheld: []) }
                return HubTally(
                    exact: exact,
                    withheld: try await Self.withheld(
                        event: eventID, values: values, width: width, on: connection, logger: logger))
            }
        }
        return try await call("read counts", answer)
    }

    /// The pledges public answers withhold (``PledgeKit/PublicCounts``): of each kiosk of the
    /// event (or of every event) with `n` pledges (`hub_kiosk_tally`), the newest
    /// ``PledgeKit/PublicCounts/withheld(of:minimumGroupSize:)`` by number, as the event service
    /// withholds them, read along `hub_pledge_event_kiosk_number`; each as its `values` (SQL over
    /// `hub_pledge`'s columns).
    static func withheld(
        event eventID: String?, values: String, width: Int, on connection: PostgresConnection, logger: Logger
    ) async throws -> [[String]] {
        var events: [String] = []
        var kiosks: [String] = []
        var limits: [Int] = []
        for row in try await rows(
            """
            SELECT event_id, kiosk_id, count FROM hub_kiosk_tally
            WHERE \(eventID)::text IS NULL OR event_id = \(eventID)
            """, on: connection, logger: logger)
        {
            let (event, kiosk, count) = try row.decode((String, String, Int).self)
            let withheld = PublicCounts.withheld(of: count)
            guard withheld > 0 else { continue }
            events.append(event)
            kiosks.append(kiosk)
            limits.append(withheld)
        }
        guard !events.isEmpty else { return [] }
        return try await rows(
            """
            SELECT \(unescaped: values)
            FROM unnest(\(events)::text[], \(kiosks)::text[], \(limits)::int8[]) AS kiosk(event, kiosk, withheld)
            CROSS JOIN LATERAL (
                SELECT event_id, kiosk_id, created_at, age_band, province FROM hub_pledge
                WHERE event_id = kiosk.event AND kiosk_id = kiosk.kiosk ORDER BY number DESC LIMIT kiosk.withheld
            ) AS pledge
            """, on: connection, logger: logger
        ).map { row in try Array(row).prefix(width).map { try $0.decode(String.self) } }
    }

    /// Exact counts by age band and province (the counters, ``tally(by:event:withholding:)``), in
    /// the event service's shape; `unknown` for no province.
    public func counts(event: EventID?) async throws(HubError) -> PledgeCounts {
        let exact = try await tally(by: [.ageBand, .province], event: event, withholding: false).exact
        var counts = PledgeCounts(total: exact.total, byAgeBand: [:], byProvince: [:])
        for bucket in exact.buckets {
            counts.byAgeBand[bucket.values[0], default: 0] += bucket.count
            counts.byProvince[bucket.values[1], default: 0] += bucket.count
        }
        return counts
    }

    public func channelCounts(event: EventID?) async throws(HubError) -> [String: Int] {
        let exact = try await tally(by: [.channel], event: event, withholding: false).exact
        return Dictionary(exact.buckets.map { ($0.values[0], $0.count) }, uniquingKeysWith: +)
    }
}
