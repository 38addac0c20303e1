import Foundation
import HubCore
import Logging
import PledgeKit
import PostgresNIO

/// The reconciliation of the hub's counters (issue 15): recounts them from `hub_pledge`, reports
/// every key that differs and, when asked, repairs it.
extension HubStore {
    /// The key of the session advisory lock a reconciliation holds (`pg_try_advisory_lock`): two
    /// hub processes on one database never reconcile at once.
    static let reconcileLock: Int64 = 0x6B6D_6D5F_7265_6331  // "kmm_rec1"

    /// The longest a reconciliation may take: it counts every pledge.
    public static let reconcileDeadline = Duration.seconds(600)

    /// Recounts both counter tables from the pledges, in one snapshot (REPEATABLE READ: a batch
    /// commits its pledges and its counters together, so in any snapshot they agree unless the
    /// counters drifted), and returns the keys that differ. With `repair`, then moves each drifted
    /// counter by its difference in one transaction: a batch committed meanwhile added to its
    /// pledges and its counters alike, so the difference still holds, and writers are never
    /// blocked. Runs under a session advisory lock (``reconcileLock``): returns nil at once,
    /// doing nothing, when another process holds it.
    /// - Throws: ``HubError`` `unavailable` (the database did not answer within ``reconcileDeadline``).
    public func reconcile(repair: Bool) async throws(HubError) -> HubReconciliation? {
        let logger = logger
        let timeout = Int(Self.reconcileDeadline.components.seconds * 1000)
        return try await call("reconcile counts", deadline: Self.reconcileDeadline) { connection in
            let locked = try await Self.rows(
                "SELECT pg_try_advisory_lock(\(Self.reconcileLock))", on: connection, logger: logger
            ).first?.decode(Bool.self)
            guard locked == true else { return nil }
            do {
                let found = try await Self.transaction(connection, logger: logger, snapshot: true) {
                    try await Self.execute(
                        "SET LOCAL statement_timeout = \(unescaped: "\(timeout)")", on: connection, logger: logger)
                    return try await Self.drift(on: connection, logger: logger)
                }
                if repair, !found.drift.isEmpty {
                    try await Self.transaction(connection, logger: logger) {
                        try await Self.execute(
                            "SET LOCAL statement_timeout = \(unescaped: "\(timeout)")", on: connection, logger: logger)
                        try await Self.repair(found.drift, on: connection, logger: logger)
                    }
                }
                try await Self.execute(
                    "SELECT pg_advisory_unlock(\(Self.reconcileLock))", on: connection, logger: logger)
                return HubReconciliation(drift: found.drift, repaired: repair && !found.drift.isEmpty, keys: found.keys)
            } catch {
                // The lock is the session's: a connection closed releases it.
                let _: EventLoopFuture<Void> = connection.close()
                throw error
            }
        }
    }

    /// The names of `hub_tally`'s key columns, in the order of a drift's key.
    static let tallyKey = ["event", "day", "age-band", "province", "channel"]

    /// Every key of either counter table whose count differs from the pledges', and how many keys
    /// the pledges have.
    static func drift(on connection: PostgresConnection, logger: Logger) async throws -> (
        drift: [HubCountDrift], keys: Int
    ) {
        var drift: [HubCountDrift] = []
        var keys = 0
        for row in try await rows(
            """
            WITH counted AS (
                SELECT event_id, hub_vietnam_day(created_at) AS day, age_band, coalesce(province, '') AS province,
                    hub_channel(kiosk_id) AS channel, count(*)::int8 AS count
                FROM hub_pledge GROUP BY 1, 2, 3, 4, 5
            )
            SELECT event_id, to_char(day, 'YYYY-MM-DD'), age_band, province, channel,
                coalesce(hub_tally.count, 0)::int8, coalesce(counted.count, 0)::int8
            FROM hub_tally FULL JOIN counted USING (event_id, day, age_band, province, channel)
            """, on: connection, logger: logger)
        {
            let (event, day, band, province, channel, counter, pledges) = try row.decode(
                (String, String, String, String, String, Int, Int).self)
            if pledges > 0 { keys += 1 }
            guard counter != pledges else { continue }
            drift.append(
                HubCountDrift(
                    counter: "hub_tally",
                    key: zip(tallyKey, [event, day, band, province, channel]).map { "\($0)=\($1)" },
                    counted: counter, rows: pledges))
        }
        // The two counters keyed by the event and one column of the pledge.
        for (counter, column, name, value) in [
            ("hub_kiosk_tally", "kiosk_id", "kiosk", "kiosk_id"),
            ("hub_province_tally", "province", "province", "coalesce(province, '')"),
        ] {
            for row in try await rows(
                """
                WITH counted AS (
                    SELECT event_id, \(unescaped: value) AS \(unescaped: column), count(*)::int8 AS count
                    FROM hub_pledge GROUP BY 1, 2
                )
                SELECT event_id, \(unescaped: column), coalesce(\(unescaped: counter).count, 0)::int8,
                    coalesce(counted.count, 0)::int8
                FROM \(unescaped: counter) FULL JOIN counted USING (event_id, \(unescaped: column))
                """, on: connection, logger: logger)
            {
                let (event, key, counted, pledges) = try row.decode((String, String, Int, Int).self)
                if pledges > 0 { keys += 1 }
                guard counted != pledges else { continue }
                drift.append(
                    HubCountDrift(
                        counter: counter, key: ["event=\(event)", "\(name)=\(key)"], counted: counted, rows: pledges))
            }
        }
        return (drift, keys)
    }

    /// Moves each drifted counter by `rows - counted` (a key with no pledges left at 0 is removed).
    static func repair(_ drift: [HubCountDrift], on connection: PostgresConnection, logger: Logger) async throws {
        func values(_ item: HubCountDrift) -> [String] {
            item.key.map { String($0[$0.index(after: $0.firstIndex(of: "=")!)...]) }
        }
        let tally = drift.filter { $0.counter == "hub_tally" }
        let kiosks = drift.filter { $0.counter == "hub_kiosk_tally" }
        if !tally.isEmpty {
            let keys = tally.map(values)
            try await execute(
                """
                INSERT INTO hub_tally (event_id, day, age_band, province, channel, count)
                SELECT * FROM unnest(
                    \(keys.map { $0[0] })::text[], \(keys.map { $0[1] })::date[], \(keys.map { $0[2] })::text[],
                    \(keys.map { $0[3] })::text[], \(keys.map { $0[4] })::text[], \(tally.map { -$0.difference })::int8[])
                ON CONFLICT (event_id, day, age_band, province, channel)
                DO UPDATE SET count = hub_tally.count + excluded.count
                """, on: connection, logger: logger)
        }
        if !kiosks.isEmpty {
            let keys = kiosks.map(values)
            try await execute(
                """
                INSERT INTO hub_kiosk_tally (event_id, kiosk_id, count)
                SELECT * FROM unnest(
                    \(keys.map { $0[0] })::text[], \(keys.map { $0[1] })::text[], \(kiosks.map { -$0.difference })::int8[])
                ON CONFLICT (event_id, kiosk_id) DO UPDATE SET count = hub_kiosk_tally.count + excluded.count
                """, on: connection, logger: logger)
        }
        let provinces = drift.filter { $0.counter == "hub_province_tally" }
        if !provinces.isEmpty {
            let keys = provinces.map(values)
            try await execute(
                """
                INSERT INTO hub_province_tally (event_id, province, count)
                SELECT * FROM unnest(
                    \(keys.map { $0[0] })::text[], \(keys.map { $0[1] })::text[], \(provinces.map { -$0.difference })::int8[])
                ON CONFLICT (event_id, province) DO UPDATE SET count = hub_province_tally.count + excluded.count
                """, on: connection, logger: logger)
            try await execute("DELETE FROM hub_province_tally WHERE count = 0", on: connection, logger: logger)
        }
        try await execute("DELETE FROM hub_tally WHERE count = 0", on: connection, logger: logger)
        try await execute("DELETE FROM hub_kiosk_tally WHERE count = 0", on: connection, logger: logger)
        // The counts changed without an insert of pledges: every hub's live counter reads them again
        // (on commit), and, as the notification names no event, every count kept per event too.
        try await execute("SELECT pg_notify(\(countsChannel), '')", on: connection, logger: logger)
    }
}
