import Foundation
import GRDB
import KioskAPI
import PledgeKit

extension PledgeStore {
    /// Erases names and schools (and their search and sort keys) of this event's pledges made
    /// before `date`, keeping every count: the retention limit of Decree 13/2023/NĐ-CP.
    ///
    /// Then makes the old bytes leave the file (``compact()``): `secure_delete` already zeroes
    /// freed space; a WAL checkpoint (TRUNCATE) moves the changes into the database file and
    /// empties the WAL, and VACUUM rewrites the file, so no page still holds an erased name.
    /// Whether a purge is due is ``RetentionDecision``'s to say, not this function's.
    /// - Returns: how many pledges had personal data erased.
    /// - Throws: ``ErasedBytesRemain`` when the erasure committed but the old bytes could not be
    ///   made to leave the file (it carries the count; the WAL is emptied again in the background,
    ///   ``WALRetry``); SQLite's error when nothing was erased.
    public func purgePersonalData(createdBefore date: Date) async throws -> Int {
        try await files.verify(pool)
        let (eventID, feedsHub) = (eventID, feedsHub)
        let erased = try await pool.write { db in
            let now = Date()
            try db.execute(
                sql: """
                    UPDATE pledge SET name = NULL, school = NULL, search_key = NULL, sort_key = NULL, erased_at = ?
                    WHERE event_id = ? AND created_at < ? AND (name IS NOT NULL OR school IS NOT NULL)
                    """,
                arguments: [now, eventID, date])
            let erased = db.changesCount
            if erased > 0 {
                try Self.blankErasedNamesInOutbox(in: db)
                if feedsHub {
                    try Self.enqueueHub(
                        kind: "purge",
                        body: SyncPurge(
                            createdBefore: SyncBatch.text(
                                try Self.purgeLimit(date, now: now, eventID: eventID, in: db)),
                            purgedAt: SyncBatch.text(now)),
                        in: db)
                }
            }
            return erased
        }
        if erased > 0 {
            do {
                try await compact()
            } catch {
                walRetry.schedule(pool, files: files)
                throw ErasedBytesRemain(erased: erased, reason: "\(error)")
            }
        }
        return erased
    }

    /// The `createdBefore` the hub is told for a purge before `date`: a purge "before the end of
    /// time" (`kiosk purge --clock-is-right`, whose pledges carry dates after the clock) is sent as
    /// just after the event's newest pledge, or now, so the hub reads an ordinary date.
    static func purgeLimit(_ date: Date, now: Date, eventID: String, in db: Database) throws -> Date {
        guard date > now else { return date }
        let newest = try DatabaseValue.fetchOne(
            db, sql: "SELECT max(created_at) FROM pledge WHERE event_id = ?", arguments: [eventID]
        ).flatMap(Date.fromDatabaseValue)
        return min(date, max(now, (newest ?? now).addingTimeInterval(0.001)))
    }

    /// When the newest pledge in the file (of any event) was made, or nil when there is none.
    /// Read from `kiosk_activity.last_pledge_at`, which each pledge's own transaction keeps at
    /// the latest `created_at` of its kiosk: one small table, not a scan of every pledge.
    public func newestPledgeDate() async throws -> Date? {
        try await pool.read { db in
            let value = try DatabaseValue.fetchOne(db, sql: "SELECT max(last_pledge_at) FROM kiosk_activity")
            return value.flatMap(Date.fromDatabaseValue)
        }
    }

    /// Checkpoints the WAL into the file, rewrites the file (VACUUM) and truncates the WAL.
    /// - Throws: ``StoreError`` when readers kept a checkpoint from completing (see
    ///   ``emptyWAL(_:attempts:)``), SQLite's error when VACUUM failed (it needs free space about
    ///   the size of the file).
    public func compact() async throws {
        try await pool.writeWithoutTransaction { db in
            try Self.emptyWAL(db)
            try db.execute(sql: "VACUUM")
            try Self.emptyWAL(db)
        }
    }

    /// Moves every committed change from the WAL into the database file and truncates the WAL
    /// to zero bytes (`PRAGMA wal_checkpoint(TRUNCATE)`), so that bytes a transaction overwrote
    /// (an erased name) are in neither file. Call it after the commit.
    ///
    /// A TRUNCATE checkpoint waits, through the busy timeout (``busyTimeout``), until no reader
    /// (the pool's readers, the change watcher, another process) still reads from the WAL; when
    /// the timeout runs out SQLite does what it can and says so in the pragma's first column
    /// (`busy` = 1, sqlite.org/pragma.html#pragma_wal_checkpoint). That result is checked, and
    /// the checkpoint tried again up to `attempts` times.
    /// - Throws: ``StoreError`` when the WAL was still not emptied after `attempts` tries.
    static func emptyWAL(_ db: Database, attempts: Int = 3) throws {
        var last = ""
        for _ in 0..<max(1, attempts) {
            do {
                // Columns: busy (1 when blocked), frames in the WAL, frames checkpointed.
                if let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") {
                    let (busy, frames): (Int, Int) = (row[0], row[1])
                    if busy == 0 && frames <= 0 { return }
                    last = "busy=\(busy), WAL frames=\(frames)"
                }
            } catch let error as DatabaseError
                where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
            {
                last = "\(error.resultCode)"
            }
        }
        throw StoreError(reason: "the WAL could not be emptied: other connections kept reading it (\(last))")
    }

    /// ``emptyWAL(_:attempts:)``, each attempt waiting at most `wait` for readers instead of the
    /// busy timeout (``busyTimeout``), which is set back afterwards: an erasure or the background
    /// retry (``WALRetry``) does not hold the writer, and the pledges queued behind it, for long.
    /// - Throws: ``StoreError`` when readers still kept the WAL from being emptied.
    static func emptyWAL(_ db: Database, attempts: Int = 1, waitingAtMost wait: Duration) throws {
        let milliseconds = wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000
        try db.execute(sql: "PRAGMA busy_timeout = \(milliseconds)")
        defer { try? db.execute(sql: "PRAGMA busy_timeout = \(Int(busyTimeout * 1000))") }
        try emptyWAL(db, attempts: attempts)
    }

    /// Pledges of any event (or only of `eventID`) whose name contains `text`, ignoring case and
    /// diacritics, with đ matching d (``VietnameseText/searchKey(_:)``: SQLite's LIKE and NOCASE
    /// fold ASCII only), in Vietnamese alphabetical order (``VietnameseText/sortKey(_:)``).
    public func find(_ text: String, eventID: String? = nil, limit: Int = 200) async throws(PledgeError) -> [Pledge] {
        let key = VietnameseText.searchKey(VietnameseText.nfc(text))
        // SQLite's text ends at a NUL: the search would be for what comes before it.
        guard !key.isEmpty, !key.unicodeScalars.contains("\u{0}") else { return [] }
        do {
            return try await pool.read { db in
                try PledgeRow.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM pledge WHERE instr(search_key, ?) > 0 AND (?2 IS NULL OR event_id = ?2)
                        ORDER BY sort_key, event_id, number LIMIT ?3
                        """,
                    arguments: [key, eventID, limit]
                ).map { try $0.pledge() }
            }
        } catch {
            throw Self.unavailable(error)
        }
    }
}

/// An erasure committed (its rows are erased for every reader) but its old bytes could not yet be
/// made to leave the database files: the store empties the WAL again in the background once the
/// readers let go (``WALRetry``), and on closing.
public struct ErasedBytesRemain: Error, CustomStringConvertible, Sendable {
    /// How many pledges had personal data erased by the committed transaction.
    public let erased: Int
    public let reason: String
    public var description: String { "\(erased) pledge(s) erased, but the old bytes are still in the file: \(reason)" }
}
