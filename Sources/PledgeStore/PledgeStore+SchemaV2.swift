import Foundation
import GRDB
import PledgeKit

extension PledgeStore {
    /// v2: the aggregate counts, kiosk activity, and the search and sort keys of names.
    ///
    /// `pledge_count` holds one row per (event, kiosk, hour, age band, province) with its count,
    /// upserted in the same transaction as each pledge, so any breakdown is a GROUP BY over this
    /// small table instead of a scan of every pledge. `hour` is whole hours since 1970-01-01 UTC;
    /// breakdowns by day and hour convert to Vietnam time (UTC+7, no daylight saving) when they
    /// group, because organizers report by local day. An unknown province is stored as ''.
    /// Erasing a name never touches this table, so counts survive erasure and purges.
    static func registerV2(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2: aggregate counts, kiosk activity, name search and sort keys") { db in
            try db.execute(
                sql: """
                    ALTER TABLE pledge ADD COLUMN search_key TEXT;
                    ALTER TABLE pledge ADD COLUMN sort_key TEXT;
                    ALTER TABLE pledge ADD COLUMN erased_at TEXT;
                    CREATE TABLE pledge_count (
                        event_id TEXT NOT NULL REFERENCES event(id),
                        kiosk_id TEXT NOT NULL,
                        hour INTEGER NOT NULL,
                        age_band TEXT NOT NULL,
                        province TEXT NOT NULL,
                        count INTEGER NOT NULL CHECK (count >= 0),
                        PRIMARY KEY (event_id, kiosk_id, hour, age_band, province)
                    ) WITHOUT ROWID;
                    CREATE TABLE kiosk_activity (
                        event_id TEXT NOT NULL REFERENCES event(id),
                        kiosk_id TEXT NOT NULL,
                        pledges INTEGER NOT NULL CHECK (pledges >= 0),
                        last_pledge_at TEXT NOT NULL,
                        PRIMARY KEY (event_id, kiosk_id)
                    ) WITHOUT ROWID;
                    INSERT INTO pledge_count (event_id, kiosk_id, hour, age_band, province, count)
                        SELECT event_id, kiosk_id, CAST(strftime('%s', created_at) AS INTEGER) / 3600, age_band,
                               coalesce(province, ''), count(*)
                        FROM pledge GROUP BY 1, 2, 3, 4, 5;
                    INSERT INTO kiosk_activity (event_id, kiosk_id, pledges, last_pledge_at)
                        SELECT event_id, kiosk_id, count(*), max(created_at) FROM pledge GROUP BY 1, 2;
                    DROP INDEX pledge_by_event_age_band;
                    DROP INDEX pledge_by_event_province;
                    CREATE INDEX pledge_by_event_created ON pledge (event_id, created_at);
                    """
            )
            let named = try Row.fetchAll(db, sql: "SELECT id, name FROM pledge WHERE name IS NOT NULL")
            for row in named {
                let name: String = row["name"]
                try db.execute(
                    sql: "UPDATE pledge SET search_key = ?, sort_key = ? WHERE id = ?",
                    arguments: [VietnameseText.searchKey(name), VietnameseText.sortKey(name), row["id"] as String])
            }
        }
    }

    /// Adds one pledge to the aggregate tables; called in the pledge's own transaction.
    static func count(_ pledge: Pledge, in db: Database) throws {
        try count(
            CountKey(pledge), pledges: 1, lastPledgeAt: pledge.createdAt, in: db)
    }

    /// Adds `pledges` pledges of one aggregate group to the aggregate tables (and, since v4, to
    /// `pledge_tally`): the one path of both a recorded pledge (1) and a bulk load (a whole group at once), so they agree.
    static func count(_ key: CountKey, pledges: Int, lastPledgeAt: Date, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO pledge_count (event_id, kiosk_id, hour, age_band, province, count)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT DO UPDATE SET count = count + excluded.count
                """
        ).execute(arguments: [key.eventID, key.kioskID, key.hour, key.ageBand, key.province, pledges])
        try db.cachedStatement(
            sql: """
                INSERT INTO kiosk_activity (event_id, kiosk_id, pledges, last_pledge_at) VALUES (?, ?, ?, ?)
                ON CONFLICT DO UPDATE SET pledges = pledges + excluded.pledges,
                    last_pledge_at = max(last_pledge_at, excluded.last_pledge_at)
                """
        ).execute(arguments: [key.eventID, key.kioskID, pledges, lastPledgeAt])
        try tally(key, pledges: pledges, in: db)
    }
}

/// What the pledges of one transaction add to the aggregate tables, written with one
/// ``PledgeStore/count(_:pledges:lastPledgeAt:in:)`` per group (in the order the groups first
/// appeared) before the transaction commits: the same rows as counting each pledge on its own.
struct CountBatch {
    private var order: [CountKey] = []
    private var groups: [CountKey: (pledges: Int, lastPledgeAt: Date)] = [:]

    mutating func add(_ pledge: Pledge) {
        let key = CountKey(pledge)
        let at = pledge.createdAt
        if let group = groups[key] {
            // As `max(last_pledge_at, excluded.last_pledge_at)`: GRDB's date text has one width,
            // so its byte order is the order of the dates.
            groups[key] = (group.pledges + 1, max(group.lastPledgeAt, at))
        } else {
            order.append(key)
            groups[key] = (1, at)
        }
    }

    func write(in db: Database) throws {
        for key in order {
            let group = groups[key]!
            try PledgeStore.count(key, pledges: group.pledges, lastPledgeAt: group.lastPledgeAt, in: db)
        }
    }
}

/// The group of a pledge in `pledge_count`: event, kiosk, UTC hour, age band, province ('' when
/// unknown).
struct CountKey: Hashable {
    var eventID: String
    var kioskID: String
    /// Whole hours since 1970-01-01 UTC.
    var hour: Int64
    var ageBand: String
    var province: String

    init(_ pledge: Pledge) {
        eventID = pledge.eventID
        kioskID = pledge.kioskID
        hour = Int64((pledge.createdAt.timeIntervalSince1970 / 3600).rounded(.down))
        ageBand = pledge.ageBand.rawValue
        province = pledge.province?.name ?? ""
    }
}
