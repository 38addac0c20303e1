import Foundation
import HubCore
import KioskAPI
import Logging
import PledgeKit
import PostgresNIO

extension HubStore {
    /// The pledge with `code`, or nil. Reads asked for while others run are grouped into one
    /// statement (``ReadBatcher``). Its event is not read with it: the certificate routes keep
    /// every event they read (decoding the event's columns with every pledge was 1.5 % of a
    /// first view at the hub: BENCHMARKS.md, H2).
    public func certificate(code: CertificateCode) async throws(HubError) -> Pledge? {
        let outcome = try await certificateReads.value(code) { batches in await self.certificateSession(batches) }
        return try outcome?.get()
    }

    /// A session of ``ReadBatcher``'s: one leased connection for a runner's reads, closed when
    /// the runner is cancelled (the watchdog's deadline), which ends the statement under way. With
    /// a standby, no connection to the primary is held: the standby answers first, and the primary
    /// is asked, call by call, only for what it lacks (a primary that is down must not stop the
    /// standby's pages).
    func certificateSession(_ batches: (ReadBatcher<CertificateCode, Result<Pledge, HubError>>.Read) async -> Void)
        async
    {
        if standby != nil {
            await batches { codes, deadline throws(HubError) in
                let start = ContinuousClock.now
                return try await self.certificates(codes, deadline: deadline) { statement throws(HubError) in
                    try await self.call(
                        "read certificate", deadline: Self.left(of: deadline, since: start),
                        Self.readRows(statement, logger: self.logger))
                }
            }
            return
        }
        do {
            try await client.withConnection { connection in
                await withTaskCancellationHandler {
                    await batches { codes, deadline throws(HubError) in
                        try await self.certificates(codes, deadline: deadline) { statement throws(HubError) in
                            do { return try await Self.readRows(statement, logger: self.logger)(connection) } catch {
                                throw self.failure(error, "read certificate")
                            }
                        }
                    }
                } onCancel: {
                    let _: EventLoopFuture<Void> = connection.close()
                }
            }
        } catch {
            let error = failure(error, "read certificate")
            await batches { _, _ throws(HubError) in throw error }
        }
    }

    /// Runs a prepared statement and reads every row; a failure closes the connection: postgres-nio
    /// keeps a prepared statement whose preparation failed (a statement timeout while a lock held
    /// it) failed on its connection for good, and a new connection prepares it again.
    static func readRows<Statement: PostgresPreparedStatement>(_ statement: Statement, logger: Logger)
        -> @Sendable (PostgresConnection) async throws -> [PostgresRow] where Statement.Row == PostgresRow
    {
        { connection in
            do {
                var rows: [PostgresRow] = []
                for try await row in try await connection.execute(statement, logger: logger) { rows.append(row) }
                return rows
            } catch {
                let _: EventLoopFuture<Void> = connection.close()
                throw error
            }
        }
    }

    /// The pledges with `codes`, in one statement (two with a standby that lacks some): each
    /// code's pledge, or `unreadable` for its row alone (a row that breaks the rules fails no other page).
    /// `fromPrimary` reads the codes the standby lacks (all of them without one); the caller keeps
    /// the deadline (``ReadBatcher``'s watchdog), and `deadline`, what is left of it, bounds the
    /// standby's part.
    func certificates(
        _ codes: [CertificateCode], deadline: Duration,
        fromPrimary: (CertificatesByCode) async throws(HubError) -> [PostgresRow]
    ) async throws(HubError) -> [CertificateCode: Result<Pledge, HubError>] {
        var asked: [String: CertificateCode] = [:]
        for code in codes { asked[code.rawValue] = code }
        // The standby first (once it has replayed every change this process knows of); the codes
        // it lacks (a pledge it has not replayed yet), or all of them when it fails, from the primary.
        var rows: [PostgresRow] = []
        if let standby {
            let statement = CertificatesByCode.OnStandby(
                codes: Array(asked.keys), replayedThrough: standby.replayedThrough)
            rows =
                await readFromStandby("read certificate", deadline: deadline, Self.readRows(statement, logger: logger))
                ?? []
        }
        let missing = Set(asked.keys).subtracting(rows.compactMap { try? $0.decode(String.self) })
        if !missing.isEmpty {
            rows += try await fromPrimary(CertificatesByCode(codes: missing.sorted()))
        }
        var found: [CertificateCode: Result<Pledge, HubError>] = [:]
        for row in rows {
            guard let text = try? row.decode(String.self), let code = asked[text] else {
                // The statement returns only the codes asked for.
                throw HubError.unreadable
            }
            found[code] = Result { () throws(HubError) in try Self.pledge(row, code: code) }
        }
        return found
    }

    /// The pledge of a row of ``CertificatesByCode`` (its first column, the code, read already).
    static func pledge(_ row: PostgresRow, code: CertificateCode) throws(HubError) -> Pledge {
        do {
            let (_, id, kiosk, number, name, band, provinceName, consent, createdAt, eventID) = try row.decode(
                (String, UUID, String, Int, String?, String, String?, Bool, Date, String).self)
            guard let ageBand = AgeBand(rawValue: band) else { throw HubError.unreadable }
            let province = provinceName.flatMap { Province(matching: $0) }
            return Pledge(
                id: id, eventID: eventID, kioskID: kiosk, number: number, name: name, ageBand: ageBand,
                province: province, school: nil, guardianConsent: consent, createdAt: createdAt, code: code)
        } catch {
            throw HubError.unreadable
        }
    }

    /// The pledge with `code` (PledgeLookup: the certificate routes read the hub through it).
    /// - Throws: ``PledgeError`` `unavailable` with the ``HubError``'s message.
    public func pledge(code: CertificateCode) async throws(PledgeError) -> Pledge? {
        do {
            return try await certificate(code: code)
        } catch {
            throw PledgeError(.unavailable, vi: error.message.vi, en: error.message.en)
        }
    }

    /// Erases at the hub (the signer asked at the official domain): a tombstone with the event's
    /// next erasure cursor, sent to the event in its next acknowledgement, and the name blanked
    /// if the pledge is here. Erasing a code twice changes nothing the second time.
    public func erase(code: CertificateCode, at date: Date) async throws(HubError) -> Bool {
        let logger = logger
        let text = code.rawValue
        var eventID = try await call("find erased code") { connection in
            try await Self.rows("SELECT event_id FROM hub_pledge WHERE code = \(text)", on: connection, logger: logger)
                .first?.decode(String.self)
        }
        if eventID == nil, let tag = code.codeTag {
            // A code of the issued form whose pledge has not arrived: its tag names the event.
            if let event = try await event(codeTag: tag), Self.isIssued(code, by: event) {
                eventID = event.id.rawValue
            }
        }
        guard let eventID else { return false }
        try await call("erase") { connection in
            try await Self.transaction(connection, logger: logger) {
                // The event's row, locked: cursors are given, and committed, in order.
                try await Self.execute(
                    "SELECT 1 FROM hub_event WHERE id = \(eventID) FOR UPDATE", on: connection, logger: logger)
                let known = try await Self.rows(
                    "SELECT 1 FROM hub_erasure WHERE event_id = \(eventID) AND code = \(text)",
                    on: connection, logger: logger)
                if known.isEmpty {
                    try await Self.execute(
                        """
                        WITH cursor AS (
                            UPDATE hub_event SET erasures_made = erasures_made + 1 WHERE id = \(eventID)
                            RETURNING erasures_made)
                        INSERT INTO hub_erasure (event_id, code, erased_at, cursor)
                        SELECT \(eventID), \(text), \(date), erasures_made FROM cursor
                        """, on: connection, logger: logger)
                }
                try await Self.execute(
                    "UPDATE hub_pledge SET name = NULL WHERE event_id = \(eventID) AND code = \(text) AND name IS NOT NULL",
                    on: connection, logger: logger)
            }
        }
        // Committed: this process's pages drop their copies now, not when the notification comes.
        changes.bump()
        return true
    }

    /// The most names one statement of ``purgeExpired(at:)`` blanks (each within the deadline).
    static let purgeChunk = 10_000

    /// Blanks, in steps of ``purgeChunk`` pledges, the names of the pledges of every event whose
    /// retention limit (``HubEvent/retainPersonalDataUntil``, a day in Vietnam) is before the day
    /// `date` falls on in Vietnam; a pledge of such an event that arrives later is stored without
    /// its name. Returns how many names were blanked.
    public func purgeExpired(at date: Date) async throws(HubError) -> Int {
        let logger = logger
        let today = CivilDate(inVietnamAt: date).description
        var total = 0
        while true {
            let blanked = try await call("purge expired") { connection in
                try await Self.rows(
                    """
                    WITH blanked AS (
                        UPDATE hub_pledge SET name = NULL WHERE id IN (
                            SELECT p.id FROM hub_pledge p JOIN hub_event e ON e.id = p.event_id
                            WHERE e.retain_until < \(today)::date AND p.name IS NOT NULL
                            LIMIT \(Self.purgeChunk))
                        RETURNING 1)
                    SELECT count(*)::int8 FROM blanked
                    """, on: connection, logger: logger
                ).first?.decode(Int.self) ?? 0
            }
            total += blanked
            if blanked > 0 { changes.bump() }
            if blanked < Self.purgeChunk { return total }
        }
    }

    /// ``purgeExpired(at:)`` unless `date` and the database's clock (`now()`) differ by more than
    /// `tolerance`: a hub whose clock ran years ahead would blank every name for good (the event's
    /// `kiosk purge` asks `--clock-is-right` for the same reason).
    /// - Throws: ``HubError`` `misconfigured` naming the difference, nothing blanked; `unavailable`.
    public func purgeExpired(at date: Date, clockTolerance tolerance: Duration) async throws(HubError) -> Int {
        let offset = try await clockOffset(from: date)
        guard abs(offset) <= Int(tolerance.components.seconds) else {
            throw HubError(
                .misconfigured,
                vi:
                    "Đồng hồ của máy này lệch \(offset) giây so với đồng hồ của cơ sở dữ liệu: không xóa tên nào cho đến khi chỉnh lại.",
                en: "This machine's clock is \(offset) s off the database's: no name is erased until it is set right.")
        }
        return try await purgeExpired(at: date)
    }

    /// How far the database's clock (`now()`) is ahead of `date`, in whole seconds (negative: behind).
    func clockOffset(from date: Date) async throws(HubError) -> Int {
        let logger = logger
        let database = try await call("read the database's clock") { connection in
            try await Self.rows("SELECT now()", on: connection, logger: logger).first?.decode(Date.self)
        }
        return Int(((database ?? date).timeIntervalSince(date)).rounded())
    }

    /// How many rows the event holds (sent as held: refused for good, kept at the event).
    public func heldRows(event: EventID) async throws(HubError) -> Int {
        let logger = logger
        return try await call("read held rows") { connection in
            try await Self.rows(
                "SELECT held_rows FROM hub_event WHERE id = \(event.rawValue)", on: connection, logger: logger
            ).first?.decode(Int.self) ?? 0
        }
    }
}
