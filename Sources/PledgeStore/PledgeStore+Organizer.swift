import Foundation
import GRDB
import GRDBSQLite
import KioskAPI
import PledgeExport
import PledgeKit

extension PledgeStore: OrganizerService {
    /// The SQL expression of a dimension over `pledge_count`. Day and hour are Vietnam time:
    /// `hour` is stored in UTC, and Vietnam is UTC+7 all year.
    static func expression(_ dimension: CountDimension) -> String {
        switch dimension {
        case .event: "event_id"
        case .kiosk: "kiosk_id"
        case .day: "date(hour * 3600 + \(VietnamTime.offsetSeconds), 'unixepoch')"
        case .hour: "strftime('%Y-%m-%dT%H:00', hour * 3600 + \(VietnamTime.offsetSeconds), 'unixepoch')"
        case .ageBand: "age_band"
        case .province: "CASE province WHEN '' THEN '\(Breakdown.unknown)' ELSE province END"
        case .channel: channelExpression("kiosk_id")
        }
    }

    public func breakdown(by dimensions: [CountDimension]) async throws(PledgeError) -> Breakdown {
        do {
            return try await pool.read { db in try Self.breakdown(by: dimensions, in: db) }
        } catch {
            throw Self.unreadable(error)
        }
    }

    /// The total and the groups, read in one transaction so they always agree. One dimension
    /// (with or without the event) and the total come from `pledge_tally`, a few hundred rows;
    /// other combinations group `pledge_count`.
    static func breakdown(by dimensions: [CountDimension], in db: Database) throws -> Breakdown {
        // Every pledge is in exactly one age band: that dimension's tally adds up to the total.
        let total =
            try Int.fetchOne(db, sql: "SELECT coalesce(sum(count), 0) FROM pledge_tally WHERE dimension = 'age-band'")
            ?? 0
        guard !dimensions.isEmpty else { return Breakdown(dimensions: [], total: total, buckets: []) }
        let groups = (1...dimensions.count).map(String.init).joined(separator: ", ")
        let sql: String
        let others = dimensions.filter { $0 != .event }
        if others.count <= 1 {
            let tallied = tallyExpression(others.first ?? .event)
            let columns = dimensions.map { $0 == .event ? "event_id" : tallied.value }.joined(separator: ", ")
            sql = """
                SELECT \(columns), sum(count) FROM pledge_tally WHERE dimension = '\(tallied.dimension)'
                GROUP BY \(groups) HAVING sum(count) > 0
                """
        } else {
            let columns = dimensions.map(expression).joined(separator: ", ")
            sql = "SELECT \(columns), sum(count) FROM pledge_count GROUP BY \(groups) HAVING sum(count) > 0"
        }
        let rows = try Row.fetchCursor(db, sql: sql)
        var buckets: [Breakdown.Bucket] = []
        while let row = try rows.next() {
            buckets.append(
                Breakdown.Bucket(
                    values: (0..<dimensions.count).map { row[$0] as String }, count: row[dimensions.count] as Int))
        }
        let order = BucketOrder(dimensions: dimensions)
        buckets.sort(by: order.precedes)
        return Breakdown(dimensions: dimensions, total: total, buckets: buckets)
    }

    public func eventTotals() async throws(PledgeError) -> [EventTotal] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT event_id, sum(count) FROM pledge_tally WHERE dimension = 'age-band'
                        GROUP BY 1 ORDER BY 2 DESC, 1
                        """
                ).map { EventTotal(eventID: $0[0], count: $0[1]) }
            }
        } catch {
            throw Self.unreadable(error)
        }
    }

    public func kioskActivity() async throws(PledgeError) -> [KioskActivity] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM kiosk_activity ORDER BY event_id, kiosk_id"
                ).map {
                    KioskActivity(
                        eventID: $0["event_id"], kioskID: $0["kiosk_id"], pledges: $0["pledges"],
                        lastPledgeAt: $0["last_pledge_at"])
                }
            }
        } catch {
            throw Self.unreadable(error)
        }
    }

    /// Erases the name and school of the pledge with `code`, then empties the WAL into the
    /// database file (``emptyWAL(_:attempts:)``), so the name's bytes are in neither the
    /// `.sqlite` nor the `-wal` file when this returns: `secure_delete` zeroes the old row in its
    /// page, and the checkpoint overwrites the page in the file and truncates the WAL that held its
    /// earlier versions. No VACUUM: the page is rewritten in place (tested in ErasureTests).
    /// When the name was already erased, the WAL is emptied again only while a background retry
    /// is pending (an earlier emptying failed), so a repeated request finishes the job and
    /// otherwise costs one read.
    /// - Returns: false when no pledge has the code.
    /// - Throws: ``PledgeError`` `unavailable` when the erasure could not be written, or when it
    ///   was committed but readers kept the WAL from being emptied: then the store empties it again
    ///   in the background every ``WALRetry/interval`` until it succeeds or the store closes.
    public func erasePersonalData(code: CertificateCode) async throws(PledgeError) -> Bool {
        try await files.verify(pool)
        let (eventID, feedsHub) = (eventID, feedsHub)
        let found: Bool
        let changed: Bool
        do {
            (found, changed) = try await pool.write { db in
                let erased = try Self.eraseName(code: code.rawValue, at: Date(), in: db)
                // The hub learns it in the same transaction; a pledge of another event in this
                // file is not this event's to report.
                if erased.changed, feedsHub, erased.eventID == eventID {
                    try Self.enqueueHub(
                        kind: "erasure", body: SyncErasure(code: code.rawValue, erasedAt: SyncBatch.text(Date())),
                        in: db)
                }
                return (erased.eventID != nil, erased.changed)
            }
        } catch {
            throw Self.unavailable(error)
        }
        guard found else { return false }
        // Erased before, and its WAL emptied then (no retry pending): nothing to do, so a repeated
        // request cannot keep the writer, and the pledges behind it, waiting on readers.
        guard changed || walRetry.isPending else { return true }
        try await emptyWALAfterErasure()
        return true
    }

    /// Erases the name and school of the pledge with `code` in the current transaction, and the
    /// name in its hub outbox row if it still waits there: the one erasure of a signer's request,
    /// an organizer's and the hub's (``hubAcknowledged(_:sentThrough:at:)``).
    /// - Returns: the pledge's event (nil: no pledge has the code), and whether anything changed.
    static func eraseName(code: String, at date: Date, in db: Database) throws -> (eventID: String?, changed: Bool) {
        guard
            let eventID = try String.fetchOne(db, sql: "SELECT event_id FROM pledge WHERE code = ?", arguments: [code])
        else { return (nil, false) }
        try db.execute(
            sql: """
                UPDATE pledge SET name = NULL, school = NULL, search_key = NULL, sort_key = NULL, erased_at = ?
                WHERE code = ? AND (name IS NOT NULL OR school IS NOT NULL)
                """,
            arguments: [date, code])
        let changed = db.changesCount > 0
        if changed { try blankErasedNamesInOutbox(code: code, in: db) }
        return (eventID, changed)
    }

    /// After an erasure committed: empties the WAL (``emptyWAL(_:attempts:waitingAtMost:)``), so
    /// the erased bytes are in neither file.
    /// - Throws: ``PledgeError`` `unavailable` when readers kept the WAL from being emptied; the
    ///   store then tries again in the background (``WALRetry``).
    func emptyWALAfterErasure() async throws(PledgeError) {
        do {
            // Pledges wait behind this on the writer: 3 × 1 s at most (a reader that holds on
            // longer is left to the background retry), not 3 × the 5 s busy timeout.
            try await pool.writeWithoutTransaction { db in
                try Self.emptyWAL(db, attempts: 3, waitingAtMost: .seconds(1))
            }
        } catch {
            walRetry.schedule(pool, files: files)
            throw PledgeError(
                .unavailable,
                vi:
                    "Tên đã được xóa khỏi giấy chứng nhận nhưng chưa xóa hẳn khỏi tệp dữ liệu. Vui lòng thử lại sau giây lát.",
                en:
                    "The name was erased from the certificate but not yet from the data file. Please try again in a moment."
            )
        }
    }
}

extension PledgeStore: ExportSource {
    public func exportPage<Output: Sendable>(
        after cursor: Int64?, limit: Int, includePersonalData: Bool, into output: Output,
        _ append: @Sendable (inout Output, ExportRecord) -> Void
    ) async throws(PledgeError) -> ExportPage<Output> {
        do {
            return try await pool.read { db in
                try Self.exportPage(
                    after: cursor, limit: limit, includePersonalData: includePersonalData, into: output, append,
                    in: db)
            }
        } catch {
            throw Self.unreadable(error)
        }
    }

    /// Reads a page with one cached statement and hands each row's columns to `append` as the
    /// bytes SQLite holds (`sqlite3_column_text`): a million-row export spends most of its time
    /// here, and a String or a `Pledge` per row would triple it.
    static func exportPage<Output>(
        after cursor: Int64?, limit: Int, includePersonalData: Bool, into output: Output,
        _ append: (inout Output, ExportRecord) -> Void, in db: Database
    ) throws -> ExportPage<Output> {
        let statement = try db.cachedStatement(
            sql: """
                SELECT rowid, number, event_id, kiosk_id, unixepoch(created_at), age_band, province, guardian_consent\(
                    includePersonalData ? ", name, school, code" : "")
                FROM pledge WHERE rowid > ? ORDER BY rowid LIMIT ?
                """)
        let rows = try Row.fetchCursor(statement, arguments: [cursor ?? 0, limit])
        let raw = statement.sqliteStatement
        // nil for NULL; sqlite3_column_bytes must come after sqlite3_column_text (SQLite docs).
        func text(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
            guard let start = sqlite3_column_text(raw, column) else { return nil }
            return UnsafeBufferPointer(start: start, count: Int(sqlite3_column_bytes(raw, column)))
        }
        var output = output
        var (count, last): (Int, Int64) = (0, 0)
        while try rows.next() != nil {
            last = sqlite3_column_int64(raw, 0)
            // unixepoch: SQLite reads the date text GRDB wrote; NULL when it is no date.
            guard let event = text(2), let kiosk = text(3), let band = text(5),
                sqlite3_column_type(raw, 4) == SQLITE_INTEGER
            else {
                throw StoreError(reason: "pledge row \(last) cannot be read")
            }
            let record = ExportRecord(
                number: Int(sqlite3_column_int64(raw, 1)), eventID: event, kioskID: kiosk,
                createdAt: Int(sqlite3_column_int64(raw, 4)),
                ageBand: band, province: text(6), guardianConsent: sqlite3_column_int64(raw, 7) != 0,
                name: includePersonalData ? text(8) : nil, school: includePersonalData ? text(9) : nil,
                code: includePersonalData ? text(10) : nil)
            if includePersonalData && record.code == nil {
                throw StoreError(reason: "pledge row \(last) cannot be read")
            }
            append(&output, record)
            count += 1
        }
        return ExportPage(output: output, rows: count, next: count < limit ? nil : last)
    }
}
