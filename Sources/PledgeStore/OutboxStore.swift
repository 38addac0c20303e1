import Foundation
import GRDB
import KioskAPI
import PledgeKit

/// A front's outbox in its own small SQLite file (`kiosk front --outbox`): pledges shown to their
/// signers but not yet acknowledged by the service, and cached settings.
///
/// Every change commits with `synchronous=FULL` before the call returns, so a pledge whose QR is
/// on screen survives a crash of the front. Delivered rows are deleted with `secure_delete` on,
/// so no name stays on the kiosk's disk.
public struct OutboxStore: PledgeOutbox {
    let queue: DatabaseQueue

    /// Opens (creating when needed) the outbox at `path`.
    /// - Throws: ``StoreError`` when the file cannot be opened as an outbox.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA secure_delete = ON")
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(queue)
        } catch let error as DatabaseError {
            throw StoreError(
                reason: "not a kiosk outbox, or damaged (SQLite: \(error.message ?? "\(error.resultCode)"))")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: outbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE outbox (
                        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                        idempotency_key TEXT NOT NULL UNIQUE,
                        draft TEXT NOT NULL,
                        code TEXT NOT NULL UNIQUE CHECK (length(code) = 16),
                        created_at TEXT NOT NULL
                    );
                    CREATE TABLE setting (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                    """
            )
        }
        // A code of the issued form (``CodeIssuer``) has 27 characters; v1's CHECK allowed 16 only.
        // Rebuilt (SQLite cannot change a CHECK in place), keeping each row's sequence and the
        // highest sequence ever given, so none is reused.
        migrator.registerMigration("v2: certificate codes of 16 or 27 characters") { db in
            let highest = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'") ?? 0
            try db.execute(
                sql: """
                    CREATE TABLE outbox_v2 (
                        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                        idempotency_key TEXT NOT NULL UNIQUE,
                        draft TEXT NOT NULL,
                        code TEXT NOT NULL UNIQUE CHECK (length(code) IN (16, 27)),
                        created_at TEXT NOT NULL
                    );
                    INSERT INTO outbox_v2 (sequence, idempotency_key, draft, code, created_at)
                        SELECT sequence, idempotency_key, draft, code, created_at FROM outbox;
                    DROP TABLE outbox;
                    ALTER TABLE outbox_v2 RENAME TO outbox;
                    """)
            try db.execute(
                sql: "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'outbox'", arguments: [highest])
            if try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_sequence WHERE name = 'outbox'") == 0 {
                try db.execute(
                    sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)", arguments: [highest])
            }
        }
        return migrator
    }

    public func add(key: IdempotencyKey, draft: PledgeDraft, code: CertificateCode, at time: Date) async throws
        -> OutboxEntry
    {
        // The pledge's wire format (the body the client sends, without its code): one format, and
        // the rows of an older outbox (the same members) still read.
        let json = String(decoding: PledgeRequestBody(draft: draft, code: nil).data(), as: UTF8.self)
        let sequence = try await queue.write { db in
            try db.execute(
                sql: "INSERT INTO outbox (idempotency_key, draft, code, created_at) VALUES (?, ?, ?, ?)",
                arguments: [key.rawValue, json, code.rawValue, time])
            return db.lastInsertedRowID
        }
        return OutboxEntry(sequence: sequence, key: key, draft: draft, code: code, createdAt: time)
    }

    /// The waiting pledges that can be read, oldest first. A row that cannot (a damaged file, a
    /// draft the rules no longer accept) is left in place and skipped, so it never holds back the
    /// pledges behind it; ``waitingCount()`` still counts it, and ``unreadable()`` names it.
    public func waiting() async throws -> [OutboxEntry] {
        try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY sequence") }
            .compactMap(Self.entry)
    }

    /// The sequence numbers of the rows ``waiting()`` skips, oldest first.
    public func unreadable() async throws -> [Int64] {
        try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY sequence") }
            .filter { Self.entry($0) == nil }.map { $0["sequence"] }
    }

    private static func entry(_ row: Row) -> OutboxEntry? {
        guard let sequence = row["sequence"] as Int64?, let keyText = row["idempotency_key"] as String?,
            let key = try? IdempotencyKey(keyText), let codeText = row["code"] as String?,
            let code = CertificateCode(parsing: codeText), let draftText = row["draft"] as String?,
            let draft = try? PledgeRequestBody.draft(from: Data(draftText.utf8)),
            let createdAt = row["created_at"] as Date?
        else { return nil }
        return OutboxEntry(sequence: sequence, key: key, draft: draft, code: code, createdAt: createdAt)
    }

    public func remove(sequence: Int64) async throws {
        try await queue.write { db in
            try db.execute(sql: "DELETE FROM outbox WHERE sequence = ?", arguments: [sequence])
        }
    }

    public func waitingCount() async throws -> Int {
        try await queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0 }
    }

    public func setting(_ name: String) async throws -> String? {
        try await queue.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM setting WHERE name = ?", arguments: [name])
        }
    }

    public func setSetting(_ name: String, to value: String) async throws {
        try await queue.write { db in
            try db.execute(
                sql:
                    "INSERT INTO setting (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                arguments: [name, value])
        }
    }

    /// Checkpoints the WAL into the main file and closes it.
    public func close() throws {
        _ = try queue.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        try queue.close()
    }
}
