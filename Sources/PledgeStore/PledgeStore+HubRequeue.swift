import Foundation
import GRDB
import KioskAPI
import PledgeKit

extension PledgeStore {
    /// Queues again, from sequence `expected` on, what the hub no longer has: the hub lost rows it
    /// had acknowledged (restored from a backup, an asynchronous failover that lost its last
    /// commits, or the event linked to a new hub database), and the rows were deleted here once
    /// acknowledged. The relay calls it on a 409 `sequence-gap` whose `expected` is below its
    /// batch's first row; ``hubAcknowledged(_:sentThrough:at:)`` on an acknowledgement below the
    /// one stored here.
    ///
    /// In one transaction: every row at or after `expected` is taken out; then, numbered from
    /// `expected` on, a pledge row for each of the event's pledges no longer in the outbox (number
    /// order, as it stands now: an erased name stays erased), an erasure row for each erased or
    /// purged one (the hub may still hold its name), and the rows taken out, in their order (held
    /// rows unacknowledged again, so their placeholders reach the new hub). The hub applies a
    /// pledge it has by its id, unchanged, so nothing is counted twice. The cursor of the hub's
    /// erasures goes back to 0, as a restored hub numbers its erasures again, and the stored
    /// acknowledgement to `expected` − 1.
    ///
    /// The sequences from `expected` on are used again: the hub has none of them.
    /// - Returns: how many rows wait for the hub after it.
    /// - Throws: SQLite's error; then nothing of it was applied.
    @discardableResult
    public func requeueForHub(from expected: Int) async throws -> Int {
        let eventID = eventID
        return try await pool.write { db in try Self.requeueForHub(from: expected, eventID: eventID, in: db) }
    }

    /// ``requeueForHub(from:)`` in the current transaction.
    static func requeueForHub(from expected: Int, eventID: String, in db: Database) throws -> Int {
        let start = max(1, expected)
        // Read before anything is taken out: a pledge whose row waits keeps that row.
        let pledges = try PledgeRow.fetchAll(
            db,
            sql: """
                SELECT * FROM pledge WHERE event_id = ?
                AND code NOT IN (SELECT code FROM hub_outbox WHERE code IS NOT NULL) ORDER BY number
                """,
            arguments: [eventID])
        let erased = try Row.fetchAll(
            db, sql: "SELECT code, erased_at FROM pledge WHERE event_id = ? AND erased_at IS NOT NULL ORDER BY number",
            arguments: [eventID])
        let waiting = try Row.fetchAll(
            db,
            sql: "SELECT kind, body, code, state, held_reason FROM hub_outbox WHERE sequence >= ? ORDER BY sequence",
            arguments: [start])
        try db.execute(sql: "DELETE FROM hub_outbox WHERE sequence >= ?", arguments: [start])
        // AUTOINCREMENT numbers the next row after the larger of this and the highest row left,
        // which is below `start` now (SQLite's documentation, "SQLite Autoincrement").
        try db.execute(
            sql: "UPDATE sqlite_sequence SET seq = ? WHERE name = 'hub_outbox'", arguments: [start - 1])
        for row in pledges {
            try enqueueHub(try row.pledge(), in: db)
        }
        try enqueueErasures(erased, in: db)
        for row in waiting {
            try db.execute(
                sql: "INSERT INTO hub_outbox (kind, body, code, state, held_reason) VALUES (?, ?, ?, ?, ?)",
                arguments: [row["kind"], row["body"], row["code"], row["state"], row["held_reason"]])
        }
        try db.execute(
            sql: "UPDATE hub_state SET acknowledged = ?, erasures_seen = 0, erasures_seen_code = NULL WHERE id = 1",
            arguments: [start - 1])
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM hub_outbox WHERE acknowledged = 0") ?? 0
    }

    /// Queues an erasure row for each erased or purged pledge of the event, after the rows
    /// waiting: the hub numbered its erasures again (restored from a backup), so it may hold
    /// names erased since. Returns how many.
    static func requeueErasures(eventID: String, in db: Database) throws -> Int {
        let erased = try Row.fetchAll(
            db, sql: "SELECT code, erased_at FROM pledge WHERE event_id = ? AND erased_at IS NOT NULL ORDER BY number",
            arguments: [eventID])
        try enqueueErasures(erased, in: db)
        return erased.count
    }

    /// An erasure row for each of `rows` (`code`, `erased_at`).
    static func enqueueErasures(_ rows: [Row], in db: Database) throws {
        for row in rows {
            let at: Date = row["erased_at"]
            try enqueueHub(kind: "erasure", body: SyncErasure(code: row["code"], erasedAt: SyncBatch.text(at)), in: db)
        }
    }
}
