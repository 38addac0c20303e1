import Foundation
import GRDB
import PledgeKit

#if canImport(Glibc)
    import Glibc
#endif

/// What erasure has done to a pledge database, as far as copies of it need to follow: read from
/// one database by ``PledgeStore/erasureState(retentionDeadline:now:)`` or
/// ``PledgeStore/erasureState(database:eventID:retentionDeadline:now:)``, applied to a copy by
/// ``PledgeStore/reconcile(copy:eventID:links:with:)``.
public struct ErasureState: Sendable, Equatable {
    /// Set when the database had its retention purge (``PledgeStore/purgePersonalData(createdBefore:)``):
    /// the retention deadline; a copy gets the same purge of its pledges of the event made before it.
    public var purgedBefore: Date?
    /// Certificate codes of the erased pledges (`erased_at` set) the purge above does not cover,
    /// of any event: each is erased in a copy by ``PledgeStore/erasePersonalData(code:)``.
    public var erasedCodes: [String]

    public init(purgedBefore: Date? = nil, erasedCodes: [String] = []) {
        self.purgedBefore = purgedBefore
        self.erasedCodes = erasedCodes
    }
}

extension PledgeStore {
    /// This store's ``ErasureState``: see ``erasureState(_:eventID:retentionDeadline:now:)``.
    /// - Throws: SQLite's error when the database cannot be read.
    public func erasureState(retentionDeadline: Date?, now: Date = Date()) async throws -> ErasureState {
        let eventID = eventID
        return try await pool.read { db in
            try Self.erasureState(db, eventID: eventID, retentionDeadline: retentionDeadline, now: now)
        }
    }

    /// The ``ErasureState`` of the database at `path` (a database moved aside by a restore), read
    /// on a read-only connection.
    /// - Throws: ``StoreError`` when it cannot be opened or read.
    public static func erasureState(
        database path: String, eventID: String, retentionDeadline: Date?, now: Date = Date()
    ) throws -> ErasureState {
        do {
            let queue = try readOnlyQueue(path, label: "erasure-state")
            defer { try? queue.close() }
            return try queue.read { db in
                try erasureState(db, eventID: eventID, retentionDeadline: retentionDeadline, now: now)
            }
        } catch let error as DatabaseError {
            throw StoreError(reason: "cannot read \(path): SQLite: \(error.message ?? "\(error.resultCode)")")
        }
    }

    /// The database had its retention purge when `retentionDeadline` has passed at `now`, no
    /// pledge of `eventID` made before it still holds a name or school, and at least one of them
    /// was erased (an event without pledges then is not taken as purged). Erased codes are read in
    /// one pass over `pledge` (no index on `erased_at`: erasures are rare, the scan is once per
    /// erasure and per scheduled backup).
    static func erasureState(
        _ db: Database, eventID: String, retentionDeadline: Date?, now: Date
    ) throws -> ErasureState {
        var state = ErasureState()
        if let deadline = retentionDeadline, now >= deadline {
            let named = try Bool.fetchOne(
                db,
                sql: """
                    SELECT 1 FROM pledge WHERE event_id = ? AND created_at < ?
                    AND (name IS NOT NULL OR school IS NOT NULL) LIMIT 1
                    """,
                arguments: [eventID, deadline])
            let erased = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM pledge WHERE event_id = ? AND created_at < ? AND erased_at IS NOT NULL LIMIT 1",
                arguments: [eventID, deadline])
            if named != true && erased == true { state.purgedBefore = deadline }
        }
        if let purgedBefore = state.purgedBefore {
            state.erasedCodes = try String.fetchAll(
                db,
                sql: "SELECT code FROM pledge WHERE erased_at IS NOT NULL AND NOT (event_id = ? AND created_at < ?)",
                arguments: [eventID, purgedBefore])
        } else {
            state.erasedCodes = try String.fetchAll(db, sql: "SELECT code FROM pledge WHERE erased_at IS NOT NULL")
        }
        return state
    }

    /// Brings the copy of a pledge database at `path` (a scheduled backup, or a backup being
    /// restored) in line with `state`: the purge, then the erasure of each code whose pledge in the
    /// copy still holds a name or school, through the same functions the live database uses
    /// (``purgePersonalData(createdBefore:)``, ``erasePersonalData(code:)``), on the copy opened as
    /// a ``PledgeStore``: `secure_delete`, the emptied WAL and, after a purge, VACUUM, so the old
    /// bytes leave the file. It is then put back in rollback-journal mode (no `-wal` beside it), as
    /// ``backup(database:to:beforePublishing:)`` wrote it.
    ///
    /// Idempotent: what needs doing is read first on a read-only connection, and a copy already in
    /// line is not opened for writing (not one byte changes).
    /// - Parameters:
    ///   - eventID: the event whose pledges a purge covers.
    ///   - links: the certificate links the copy is opened with (nothing is rendered).
    /// - Returns: true when the copy was changed.
    /// - Throws: ``StoreError`` or ``PledgeError`` when the copy cannot be read or written (the
    ///   message names no signer), ``DatabaseDamage`` when it is no longer a whole pledge database.
    @discardableResult
    public static func reconcile(
        copy path: String, eventID: String, links: CertificateLinks, with state: ErasureState
    ) async throws -> Bool {
        guard access(path, R_OK | W_OK) == 0 else {
            throw StoreError(reason: "cannot open \(path) to write: \(String(cString: strerror(errno)))")
        }
        let (purge, codes): (Bool, [String])
        do {
            let queue = try readOnlyQueue(path, label: "reconcile-check")
            defer { try? queue.close() }
            (purge, codes) = try await queue.read { db in
                var purge = false
                if let before = state.purgedBefore {
                    purge =
                        try Bool.fetchOne(
                            db,
                            sql: """
                                SELECT 1 FROM pledge WHERE event_id = ? AND created_at < ?
                                AND (name IS NOT NULL OR school IS NOT NULL) LIMIT 1
                                """,
                            arguments: [eventID, before]) == true
                }
                var codes: [String] = []
                // SQLite allows 32766 parameters; chunks keep each statement small.
                for start in stride(from: 0, to: state.erasedCodes.count, by: 500) {
                    let chunk = Array(state.erasedCodes[start..<min(start + 500, state.erasedCodes.count)])
                    let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                    codes += try String.fetchAll(
                        db,
                        sql: """
                            SELECT code FROM pledge WHERE code IN (\(marks))
                            AND (name IS NOT NULL OR school IS NOT NULL)
                            """,
                        arguments: StatementArguments(chunk))
                }
                return (purge, codes)
            }
        } catch let error as DatabaseError {
            throw StoreError(reason: "cannot read \(path): SQLite: \(error.message ?? "\(error.resultCode)")")
        }
        guard purge || !codes.isEmpty else { return false }
        let copy = try PledgeStore(path: path, eventID: eventID, defaultKioskID: "backup", links: links)
        do {
            if purge, let before = state.purgedBefore {
                do {
                    _ = try await copy.purgePersonalData(createdBefore: before)
                } catch let error as ErasedBytesRemain {
                    throw StoreError(reason: error.description)
                }
            }
            for code in codes {
                guard let certificate = CertificateCode(parsing: code) else { continue }
                _ = try await copy.erasePersonalData(code: certificate)
            }
        } catch {
            try? copy.close()
            throw error
        }
        try copy.close()
        do {
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            try await queue.writeWithoutTransaction { db in
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
            }
        } catch let error as DatabaseError {
            throw StoreError(reason: "cannot finish \(path): SQLite: \(error.message ?? "\(error.resultCode)")")
        }
        try DatabaseFiles.sync(path)
        _ = try verifyCopy(at: path)
        return true
    }
}
