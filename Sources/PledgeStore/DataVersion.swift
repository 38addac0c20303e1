import GRDBSQLite
import Synchronization

/// SQLite's `PRAGMA data_version` (sqlite.org/pragma.html#pragma_data_version) on a read-only
/// connection of its own: the number changes whenever any other connection commits, the pool's
/// writer and other processes alike. Read under a lock with one prepared statement: GRDB's
/// serialized queue would cost more than the rest of serving a warm certificate page.
final class DataVersion: Sendable {
    private struct Connection {
        let database: OpaquePointer
        let statement: OpaquePointer
    }

    private let connection: Mutex<Connection?>

    /// Opens `path` read-only. - Throws: ``StoreError`` when SQLite cannot open it.
    init(path: String) throws {
        var database: OpaquePointer?
        guard sqlite3_open_v2(path, &database, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let database else {
            sqlite3_close_v2(database)
            throw StoreError(reason: "cannot open the database to watch it for changes")
        }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(database, "PRAGMA data_version", -1, &statement, nil) == SQLITE_OK,
            let statement
        else {
            sqlite3_close_v2(database)
            throw StoreError(reason: "SQLite refused PRAGMA data_version")
        }
        connection = Mutex(Connection(database: database, statement: statement))
    }

    /// The current value; nil when it cannot be read now (busy, or closed).
    func read() -> Int? {
        connection.withLock { connection -> Int? in
            guard let connection else { return nil }
            defer { sqlite3_reset(connection.statement) }
            guard sqlite3_step(connection.statement) == SQLITE_ROW else { return nil }
            return Int(sqlite3_column_int64(connection.statement, 0))
        }
    }

    func close() {
        connection.withLock { connection in
            if let open = connection.take() {
                sqlite3_finalize(open.statement)
                sqlite3_close_v2(open.database)
            }
        }
    }

    deinit { close() }
}
