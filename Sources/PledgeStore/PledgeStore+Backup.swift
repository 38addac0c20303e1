import Foundation
import GRDB
import PledgeKit

#if canImport(Glibc)
    import Glibc
#endif

/// A verified copy of a pledge database, made by ``PledgeStore/backup(database:to:beforePublishing:)``.
public struct DatabaseCopy: Sendable, Equatable {
    /// Where the copy is (the path asked for).
    public let path: String
    /// Pledges in the copy (rows of `pledge`, erased ones included).
    public let pledges: Int
    /// The copy's size, bytes.
    public let bytes: Int64
}

extension PledgeStore {
    /// The path of the database file this store opened.
    public var databasePath: String { files.path }

    /// Copies the database at `source` to a new file at `destination`, consistently, while other
    /// processes (a running `kiosk serve`) keep writing to it in WAL mode; the source is opened
    /// read-only and never written.
    ///
    /// The copy is `VACUUM INTO` on a read-only connection, not the online backup API: one
    /// statement reads one snapshot in one read transaction (which in WAL mode never blocks the
    /// writer), whereas `sqlite3_backup_step` in increments starts over whenever another process
    /// commits, and in one step is the same snapshot with free pages copied too. The result is a
    /// compact rollback-journal file (no `-wal` needed beside it), and it is how the service already
    /// rescues a database that left its path (``DatabaseGone``).
    ///
    /// In order: a hidden temporary file beside `destination` (mode 0600: it holds children's
    /// names), the copy into it, fsync, ``verifyCopy(at:)``, `beforePublishing`, then `link(2)` to
    /// `destination` (never over a file, even one made meanwhile), and fsync of the folder. On any
    /// failure the temporary file is removed: `destination` is whole or absent.
    /// - Parameter beforePublishing: runs once the copy is verified, before it is named (a restore
    ///   moves the old database aside there); nil: an existing `destination` is refused up front.
    /// - Throws: ``StoreError`` (an existing `destination`, a missing folder, a copy SQLite could not
    ///   write, a full disk), ``DatabaseDamage`` (the copy did not verify), or what
    ///   `beforePublishing` throws.
    public static func backup(
        database source: String, to destination: String, beforePublishing: (() throws -> Void)? = nil
    ) throws -> DatabaseCopy {
        let queue: DatabaseQueue
        do {
            queue = try readOnlyQueue(source, label: "backup")
        } catch let error as DatabaseError {
            throw StoreError(reason: "cannot open \(source): SQLite: \(error.message ?? "\(error.resultCode)")")
        }
        defer { try? queue.close() }
        return try copy(queue, to: destination, beforePublishing: beforePublishing)
    }

    /// A copy of this store's database (the scheduled backups), by the same steps as
    /// ``backup(database:to:beforePublishing:)``, through one of the store's own read-only
    /// connections. Refused once the database left its path (``DatabaseGone``): the file there is
    /// not the one this store writes.
    /// - Throws: as ``backup(database:to:beforePublishing:)``.
    public func backup(to destination: String) throws -> DatabaseCopy {
        guard !files.isGone else {
            throw StoreError(reason: "the database left its path (DATABASE GONE): no backup is taken")
        }
        return try Self.copy(pool, to: destination, beforePublishing: nil)
    }

    private static func copy(
        _ reader: some DatabaseReader, to destination: String, beforePublishing: (() throws -> Void)?
    ) throws -> DatabaseCopy {
        guard !destination.isEmpty else { throw StoreError(reason: "no file name for the copy") }
        var status = stat()
        // lstat: a dangling symbolic link is a file that exists, too.
        if beforePublishing == nil, lstat(destination, &status) == 0 {
            throw StoreError(reason: "\(destination) already exists; a backup never replaces a file")
        }
        let url = URL(fileURLWithPath: destination)
        let folder = url.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw StoreError(reason: "the folder \(folder) does not exist")
        }
        let temporary = temporaryPath(of: destination)
        // A file left by an interrupted copy of this same name and process id.
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError(reason: "cannot create a file in \(folder): \(String(cString: strerror(errno)))")
        }
        // Owner only whatever the umask; SQLite keeps the mode of the empty file it writes into.
        fchmod(descriptor, 0o600)
        Glibc.close(descriptor)
        var published = false
        defer {
            if !published {
                unlink(temporary)
                unlink(temporary + "-journal")
            }
        }
        do {
            // Outside a transaction: VACUUM refuses to run in one, and reads its own snapshot.
            try reader.unsafeRead { db in try db.execute(sql: "VACUUM INTO ?", arguments: [temporary]) }
        } catch let error as DatabaseError {
            throw StoreError(
                reason: "the copy into \(folder) failed: SQLite: \(error.message ?? "\(error.resultCode)")")
        }
        // VACUUM INTO does not sync its output (sqlite.org/lang_vacuum.html).
        try DatabaseFiles.sync(temporary)
        let pledges = try verifyCopy(at: temporary)
        try beforePublishing?()
        guard link(temporary, destination) == 0 else {
            throw StoreError(reason: "cannot name the copy \(destination): \(String(cString: strerror(errno)))")
        }
        published = true
        unlink(temporary)
        try syncFolder(of: destination)
        let bytes = lstat(destination, &status) == 0 ? Int64(status.st_size) : 0
        return DatabaseCopy(path: destination, pledges: pledges, bytes: bytes)
    }

    /// The hidden temporary file a copy to `destination` is written to in this process:
    /// `.<name>.<pid>.partial` beside it (SQLite may add `-journal` to it).
    static func temporaryPath(of destination: String) -> String {
        let url = URL(fileURLWithPath: destination)
        return "\(url.deletingLastPathComponent().path)/.\(url.lastPathComponent).\(getpid()).partial"
    }

    /// Deletes in `folder` the temporary files of copies (``temporaryPath(of:)``: `.<name>.<pid>.partial`
    /// and its `-journal` or `-wal`) whose process no longer runs (killed, or a power cut during the
    /// copy): they hold names, and repeated they would fill a stick. A copy under way in a live
    /// process is left alone. Used by the scheduled backups (for their own names) and `kiosk backup`.
    /// - Parameter name: which destination names to consider (the `<name>` part).
    /// - Returns: the deleted paths.
    public static func removeAbandonedCopies(in folder: String, name: (String) -> Bool = { _ in true }) -> [String] {
        var removed: [String] = []
        for file in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where file.hasPrefix(".") {
            guard let suffix = [".partial", ".partial-journal", ".partial-wal"].first(where: file.hasSuffix)
            else { continue }
            let stem = file.dropFirst().dropLast(suffix.count)
            guard let dot = stem.lastIndex(of: "."), let pid = Int32(stem[stem.index(after: dot)...]), pid > 0,
                pid != getpid(), name(String(stem[..<dot]))
            else { continue }
            // ESRCH: no such process.
            guard kill(pid, 0) != 0, errno == ESRCH else { continue }
            let path = URL(fileURLWithPath: folder).appendingPathComponent(file).path
            if unlink(path) == 0 { removed.append(path) }
        }
        return removed.sorted()
    }

    /// Whether the file at `path` is a SQLite database (its 16-byte header) whose `event` table
    /// holds `eventID`: a cheap test that a file named like a backup is one, read-only; false when
    /// it cannot be read.
    public static func holdsEvent(database path: String, eventID: String) -> Bool {
        guard hasSQLiteHeader(path) else { return false }
        do {
            let queue = try readOnlyQueue(path, label: "backup-owner")
            defer { try? queue.close() }
            return try queue.read { db in
                try db.tableExists("event")
                    && Bool.fetchOne(db, sql: "SELECT 1 FROM event WHERE id = ?", arguments: [eventID]) == true
            }
        } catch {
            return false
        }
    }

    /// Checks that the file at `path` is a whole copy of a pledge database: ``check(path:depth:)``
    /// with `PRAGMA integrity_check`, then, read-only, that its schema is this program's (the
    /// `pledge` and `event` tables, no migration this program does not know).
    /// - Returns: the number of pledges in it.
    /// - Throws: ``DatabaseDamage``, saying what was wrong.
    public static func verifyCopy(at path: String) throws(DatabaseDamage) -> Int {
        try check(path: path, depth: .full)
        do {
            let queue = try readOnlyQueue(path, label: "verify")
            defer { try? queue.close() }
            return try queue.read { db in
                guard try db.tableExists("pledge"), try db.tableExists("event") else {
                    throw DatabaseDamage(
                        vi: "không phải cơ sở dữ liệu cam kết (thiếu bảng pledge hoặc event)",
                        en: "is not a pledge database (no pledge or event table)")
                }
                guard try !migrator.hasBeenSuperseded(db) else {
                    throw DatabaseDamage(
                        vi: "do một phiên bản kiosk mới hơn ghi (có bước chuyển đổi lược đồ mà bản này không biết)",
                        en: "was written by a newer kiosk (it has schema migrations this one does not know)")
                }
                return try Int.fetchOne(db, sql: "SELECT count(*) FROM pledge") ?? 0
            }
        } catch let damage as DatabaseDamage {
            throw damage
        } catch let error as DatabaseError {
            throw DatabaseDamage(
                vi: "không đọc được (SQLite: \(error.message ?? "\(error.resultCode)"))",
                en: "cannot be read (SQLite: \(error.message ?? "\(error.resultCode)"))")
        } catch {
            throw DatabaseDamage.unreadable(vi: "không kiểm tra được (\(error))", en: "cannot be checked (\(error))")
        }
    }

    /// The id of a process that has the database at `path` open, or nil when none has (or none
    /// can be told). SQLite holds POSIX advisory locks while a connection is open: in WAL mode a
    /// shared lock on the `-shm` index for as long as the connection lives, and locks on the
    /// database file itself while it reads or writes; `fcntl(F_GETLK)` over each file reports the
    /// owner of a lock that would conflict with a write lock. Locks of the calling process are not
    /// reported (POSIX), so call it from a process that has not opened the database.
    public static func processHolding(database path: String) -> Int32? {
        for file in [path + "-shm", path] {
            let descriptor = open(file, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            defer { Glibc.close(descriptor) }
            var lock = flock()
            lock.l_type = Int16(F_WRLCK)
            lock.l_whence = Int16(SEEK_SET)
            lock.l_start = 0
            lock.l_len = 0  // to the end of the file, and past it (SQLite locks bytes past the end)
            if fcntl(descriptor, F_GETLK, &lock) == 0, lock.l_type != Int16(F_UNLCK) {
                return lock.l_pid
            }
        }
        return nil
    }
}
