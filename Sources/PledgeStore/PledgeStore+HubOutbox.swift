import Foundation
import GRDB
import KioskAPI
import PledgeKit

/// What one acknowledgement of the hub did to the event's database.
public struct HubAcknowledgementApplied: Sendable, Equatable {
    /// Outbox rows deleted (their sequence acknowledged).
    public var sent: Int
    /// Pledges whose name the hub's erasures erased here.
    public var erased: Int
    /// Whether the hub's certificate base was taken (false: it was not a valid base).
    public var baseTaken: Bool
    /// Rows queued again because the hub acknowledged less than it had before (it lost rows,
    /// ``PledgeStore/requeueForHub(from:)``), or because it numbered its erasures again (its own
    /// erasures were lost: the event's erasures sent again); 0 otherwise.
    public var requeued: Int = 0
}

extension PledgeStore {
    /// The next batch for the hub: rows not yet acknowledged, oldest first, at most `limit`; a held
    /// row goes as its `held` placeholder so the rows after it arrive without a gap. With the
    /// cursor of the last hub erasure applied here and its code (the batch's `erasuresSeen` and
    /// `erasuresSeenCode`).
    ///
    /// A row whose body cannot be read (never written so by this store) is held here with that
    /// reason instead of blocking the rows behind it.
    /// - Throws: SQLite's error when the database cannot be read or written.
    public func hubBatch(limit: Int) async throws -> (rows: [SyncRow], erasuresSeen: Int, erasuresSeenCode: String?) {
        let reason = "the event cannot read this outbox row"
        // A read: the relay asks every second while nothing waits, and must not hold the writer.
        let (rows, seen, seenCode, unreadable) = try await pool.read { db in
            let state = try Row.fetchOne(
                db, sql: "SELECT erasures_seen, erasures_seen_code FROM hub_state WHERE id = 1")
            let seen: Int = state?["erasures_seen"] ?? 0
            let seenCode: String? = state?["erasures_seen_code"]
            let stored = try Row.fetchAll(
                db,
                sql: """
                    SELECT sequence, kind, body, state, held_reason FROM hub_outbox WHERE acknowledged = 0
                    ORDER BY sequence LIMIT ?
                    """,
                arguments: [max(1, limit)])
            var rows: [SyncRow] = []
            var unreadable: [Int] = []
            for row in stored {
                let sequence: Int = row["sequence"]
                if row["state"] as String == "held" {
                    rows.append(SyncRow(sequence: sequence, held: SyncHeld(reason: row["held_reason"])))
                } else if let change = Self.syncRow(sequence: sequence, kind: row["kind"], body: row["body"]) {
                    rows.append(change)
                } else {
                    unreadable.append(sequence)
                    rows.append(SyncRow(sequence: sequence, held: SyncHeld(reason: reason)))
                }
            }
            return (rows, seen, seenCode, unreadable)
        }
        if !unreadable.isEmpty {
            try await pool.write { db in
                for sequence in unreadable {
                    try db.execute(
                        sql:
                            "UPDATE hub_outbox SET state = 'held', held_reason = ? WHERE sequence = ? AND state = 'pending'",
                        arguments: [reason, sequence])
                }
            }
        }
        return (rows, seen, seenCode)
    }

    static func syncRow(sequence: Int, kind: String, body: String) -> SyncRow? {
        let data = Data(body.utf8)
        switch kind {
        case "pledge":
            return (try? WireJSON.decode(SyncPledge.self, from: data)).map { SyncRow(sequence: sequence, pledge: $0) }
        case "erasure":
            return (try? WireJSON.decode(SyncErasure.self, from: data)).map { SyncRow(sequence: sequence, erasure: $0) }
        case "purge":
            return (try? WireJSON.decode(SyncPurge.self, from: data)).map { SyncRow(sequence: sequence, purge: $0) }
        default: return nil
        }
    }

    /// Applies the hub's acknowledgement of a batch whose last row was `sentThrough`, in one
    /// transaction: rows up to `min(acknowledged, sentThrough)` are done (pending ones deleted,
    /// held ones kept for the organizer and no longer sent; a row added after the batch was read
    /// is never touched); the certificate base is cached and from then on used by ``links``; the
    /// hub's erasures newer than the cursor are applied through the event's own erasure
    /// (``eraseName(code:at:in:)``) without a new outbox row, and the cursor kept; the last error
    /// is cleared. Then, when a name was erased, the WAL is emptied (in the background if readers
    /// hold it, ``WALRetry``).
    ///
    /// An acknowledgement below the one stored here means the hub lost rows it had acknowledged:
    /// they are queued again (``requeueForHub(from:)``) and the hub's erasures are asked for again
    /// from the start, not taken from this answer. Erasures listed after a cursor below the one
    /// stored here (`erasuresAfter`) mean the hub numbered its erasures again (restored from a
    /// backup): every one listed is applied, and an erasure row for each erased pledge of the event
    /// is queued, as the hub may hold their names again.
    /// - Throws: SQLite's error; then nothing of it was applied.
    @discardableResult
    public func hubAcknowledged(_ answer: SyncAcknowledgement, sentThrough: Int, at date: Date) async throws
        -> HubAcknowledgementApplied
    {
        let base = try? CertificateLinks(baseURL: answer.certificateBaseUrl)
        let eventID = eventID
        let applied = try await pool.write { db in
            let before = try Int.fetchOne(db, sql: "SELECT acknowledged FROM hub_state WHERE id = 1") ?? 0
            let through = min(answer.acknowledged, sentThrough)
            try db.execute(
                sql: "DELETE FROM hub_outbox WHERE sequence <= ? AND state = 'pending'", arguments: [through])
            let sent = db.changesCount
            try db.execute(
                sql: "UPDATE hub_outbox SET acknowledged = 1 WHERE sequence <= ? AND state = 'held'",
                arguments: [through])
            let lost = answer.acknowledged < before
            var requeued = 0
            if lost {
                requeued = try Self.requeueForHub(from: answer.acknowledged + 1, eventID: eventID, in: db)
            }
            let state = try Row.fetchOne(
                db, sql: "SELECT erasures_seen, erasures_seen_code FROM hub_state WHERE id = 1")
            var seen: Int = state?["erasures_seen"] ?? 0
            var seenCode: String? = state?["erasures_seen_code"]
            if !lost, let after = answer.erasuresAfter, after < seen {
                // The hub's erasures were numbered again: ours may be gone there too.
                seen = after
                seenCode = nil
                requeued += try Self.requeueErasures(eventID: eventID, in: db)
            }
            var erased = 0
            // After a requeue the cursor is 0 and this answer's erasures start at the old one.
            for erasure in answer.erasures.sorted(by: { $0.cursor < $1.cursor })
            where !lost && erasure.cursor > seen {
                let result = try Self.eraseName(code: erasure.code, at: date, in: db)
                if result.changed { erased += 1 }
                if result.eventID == nil {
                    // Its pledge has not reached this database yet: erased as it arrives.
                    try db.execute(
                        sql: "INSERT OR IGNORE INTO hub_erased_code (code) VALUES (?)", arguments: [erasure.code])
                }
                seen = erasure.cursor
                seenCode = erasure.code
            }
            if lost { seenCode = nil }
            try db.execute(
                sql: """
                    UPDATE hub_state SET acknowledged = ?, erasures_seen = ?, erasures_seen_code = ?, last_contact = ?,
                        last_error = NULL, last_error_at = NULL, certificate_base = coalesce(?, certificate_base)
                    WHERE id = 1
                    """,
                arguments: [answer.acknowledged, seen, seenCode, date, base?.baseURL])
            return HubAcknowledgementApplied(sent: sent, erased: erased, baseTaken: base != nil, requeued: requeued)
        }
        if let base { hubBase.set(base) }
        if applied.erased > 0 {
            // Committed; an emptying that readers block is retried in the background.
            try? await emptyWALAfterErasure()
        }
        return applied
    }

    /// Holds the rows the hub refused for good (a 422 `rows-refused`): kept with the hub's reason,
    /// shown to the organizer, and sent from now on as `held` placeholders.
    /// - Returns: how many rows were newly held (0: none of them waits here, so sending again
    ///   would not change the answer).
    /// - Throws: SQLite's error.
    @discardableResult
    public func holdHubRows(_ refused: [SyncRefusedRow]) async throws -> Int {
        try await pool.write { db in
            var held = 0
            for row in refused {
                let reason = row.field.map { "\($0): \(row.detail)" } ?? row.detail
                try db.execute(
                    sql: """
                        UPDATE hub_outbox SET state = 'held', held_reason = ?
                        WHERE sequence = ? AND state = 'pending' AND acknowledged = 0
                        """,
                    arguments: [reason.isEmpty ? "refused by the hub" : reason, row.sequence])
                held += db.changesCount
            }
            return held
        }
    }

    /// Notes an upload that failed: why (no personal data: a status, a problem code, the hub's
    /// words), when, and one more attempt on the oldest waiting row.
    /// - Throws: SQLite's error.
    public func hubFailed(_ reason: String, at date: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE hub_state SET last_error = ?, last_error_at = ? WHERE id = 1", arguments: [reason, date])
            try db.execute(
                sql: """
                    UPDATE hub_outbox SET attempts = attempts + 1
                    WHERE sequence = (SELECT min(sequence) FROM hub_outbox WHERE acknowledged = 0)
                    """)
        }
    }
}

extension PledgeStore: HubLinkReporting {
    /// The hub link as this database holds it (``HubLinkStatus``); `linked` is ``feedsHub``. At
    /// most 200 held rows are listed.
    public func hubLinkStatus() async throws(PledgeError) -> HubLinkStatus {
        let linked = feedsHub
        do {
            return try await pool.read { db in
                var status = HubLinkStatus(linked: linked)
                status.backlog =
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM hub_outbox WHERE state = 'pending'") ?? 0
                status.held = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT sequence, kind, held_reason, json_extract(body, '$.number') AS number FROM hub_outbox
                        WHERE state = 'held' ORDER BY sequence LIMIT 200
                        """
                ).map {
                    HubLinkStatus.HeldRow(
                        sequence: $0["sequence"], kind: $0["kind"], number: $0["number"], reason: $0["held_reason"])
                }
                status.heldCount =
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM hub_outbox WHERE state = 'held'") ?? 0
                status.attempts =
                    try Int.fetchOne(
                        db, sql: "SELECT attempts FROM hub_outbox WHERE acknowledged = 0 ORDER BY sequence LIMIT 1")
                    ?? 0
                if let state = try Row.fetchOne(db, sql: "SELECT * FROM hub_state WHERE id = 1") {
                    status.acknowledged = state["acknowledged"]
                    status.certificateBaseURL = state["certificate_base"]
                    status.lastContact = state["last_contact"]
                    status.lastError = state["last_error"]
                    status.lastErrorAt = state["last_error_at"]
                }
                return status
            }
        } catch {
            throw Self.unreadable(error)
        }
    }
}
