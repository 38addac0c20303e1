import GRDB
import PledgeKit

extension PledgeStore {
    /// v4: `pledge_tally`, the count of each value of each dimension on its own (the margins of
    /// `pledge_count`), upserted with it in the pledge's transaction.
    ///
    /// `pledge_count` has a row per event, kiosk, hour, age band and province: over weeks of
    /// kiosks it grows to hundreds of thousands of rows (B5 in BENCHMARKS.md), too many to group
    /// in a few milliseconds. A breakdown by one dimension (with or without the event), the
    /// total and the public counts read this table instead: a row per kiosk, hour, age band and
    /// province of each event. `value` is the kiosk id, the age band, the province ('' when
    /// unknown), or for `hour` the whole hours since 1970-01-01 UTC as text.
    static func registerV4(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4: counts per dimension") { db in
            try db.execute(
                sql: """
                    CREATE TABLE pledge_tally (
                        event_id TEXT NOT NULL REFERENCES event(id),
                        dimension TEXT NOT NULL CHECK (dimension IN ('kiosk', 'hour', 'age-band', 'province')),
                        value TEXT NOT NULL,
                        count INTEGER NOT NULL CHECK (count >= 0),
                        PRIMARY KEY (dimension, event_id, value)
                    ) WITHOUT ROWID;
                    INSERT INTO pledge_tally (event_id, dimension, value, count)
                        SELECT event_id, 'kiosk', kiosk_id, sum(count) FROM pledge_count GROUP BY 1, 3;
                    INSERT INTO pledge_tally (event_id, dimension, value, count)
                        SELECT event_id, 'hour', hour, sum(count) FROM pledge_count GROUP BY 1, 3;
                    INSERT INTO pledge_tally (event_id, dimension, value, count)
                        SELECT event_id, 'age-band', age_band, sum(count) FROM pledge_count GROUP BY 1, 3;
                    INSERT INTO pledge_tally (event_id, dimension, value, count)
                        SELECT event_id, 'province', province, sum(count) FROM pledge_count GROUP BY 1, 3;
                    """
            )
        }
    }

    /// Adds `pledges` to the tally of each dimension's value; called by ``count(_:pledges:lastPledgeAt:in:)``.
    static func tally(_ key: CountKey, pledges: Int, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO pledge_tally (event_id, dimension, value, count)
                VALUES (?1, 'kiosk', ?2, ?6), (?1, 'hour', ?3, ?6), (?1, 'age-band', ?4, ?6), (?1, 'province', ?5, ?6)
                ON CONFLICT DO UPDATE SET count = count + excluded.count
                """
        ).execute(arguments: [key.eventID, key.kioskID, String(key.hour), key.ageBand, key.province, pledges])
    }

    /// The SQL expression of a dimension over `pledge_tally` rows of that dimension (`day` reads
    /// the `hour` rows), the same values as ``expression(_:)`` gives over `pledge_count`.
    static func tallyExpression(_ dimension: CountDimension) -> (dimension: String, value: String) {
        switch dimension {
        case .event: ("age-band", "event_id")
        case .kiosk: ("kiosk", "value")
        case .day: ("hour", "date((CAST(value AS INTEGER) + 7) * 3600, 'unixepoch')")
        case .hour: ("hour", "strftime('%Y-%m-%dT%H:00', (CAST(value AS INTEGER) + 7) * 3600, 'unixepoch')")
        case .ageBand: ("age-band", "value")
        case .province: ("province", "CASE value WHEN '' THEN '\(Breakdown.unknown)' ELSE value END")
        case .channel: ("kiosk", channelExpression("value"))
        }
    }

    /// The channel (``PledgeChannel``) of the kiosk id in `column`, in SQL.
    static func channelExpression(_ column: String) -> String {
        "CASE \(column) WHEN '\(KioskID.phone.rawValue)' THEN '\(PledgeChannel.phone.rawValue)' "
            + "ELSE '\(PledgeChannel.kiosk.rawValue)' END"
    }
}
