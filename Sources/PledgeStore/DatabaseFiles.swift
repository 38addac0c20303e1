import Foundation
import GRDB
import PledgeKit
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Watches that the database file (and its `-wal`) the store opened are still the files at its
/// path: once per group commit, so a pledge is acknowledged only when it reached the database an
/// operator will find there.
///
/// A deleted file stays readable and writable through descriptors already open, so SQLite commits
/// into an inode that no path names and that vanishes when the process exits. The check costs five
/// system calls and no disk I/O: `fstat` of a descriptor opened with the store (link count 0:
/// deleted), `pread` of its first 18 bytes from the page cache (another magic string or page size:
/// truncated or overwritten in place), `stat` of the path, `<path>-wal` and `<path>-shm` (missing,
/// or another device and inode: moved or replaced).
/// The first change found latches: the store refuses every later write and read with
/// ``PledgeError/Code/databaseGone``, and copies the open database through SQLite
/// (`VACUUM INTO`, on the pool's writer, which still holds the old files) to a new file beside the
/// path before anything is answered.
final class DatabaseFiles: Sendable {
    struct Identity: Equatable, Sendable {
        let device: UInt64
        let inode: UInt64
        init(_ status: stat) {
            device = UInt64(status.st_dev)
            inode = UInt64(status.st_ino)
        }
    }

    private enum Condition {
        case present
        /// Latched: the rescue runs once; everyone refused waits for it, so a refusal means the copy is written.
        case gone(Task<DatabaseGone, Never>)
    }

    let path: String
    private let descriptor: Int32
    private let main: Identity
    /// The `-wal` as it was once the store was open; nil when there was none to watch.
    private let wal: Identity?
    /// The `-shm` as it was once the store was open.
    private let shm: Identity?
    private let condition = Mutex(Condition.present)
    /// The rescue's report once it has finished.
    let finished = Mutex<DatabaseGone?>(nil)
    let whenGone: (@Sendable (DatabaseGone) -> Void)?

    /// Opens a descriptor on the database file before SQLite opens it (creating an empty file when
    /// there is none, as SQLite would), so a file swapped in while the store opens is seen as a change.
    static func openDescriptor(_ path: String) throws -> Int32 {
        let descriptor = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StoreError(reason: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        return descriptor
    }

    /// Takes over `descriptor` (from ``openDescriptor(_:)``) and records the `-wal` now at the path.
    init(path: String, descriptor: Int32, whenGone: (@Sendable (DatabaseGone) -> Void)?) throws {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            close(descriptor)
            throw StoreError(reason: "cannot read the status of \(path): \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.descriptor = descriptor
        self.main = Identity(status)
        var walStatus = stat()
        self.wal = stat(path + "-wal", &walStatus) == 0 ? Identity(walStatus) : nil
        self.shm = stat(path + "-shm", &walStatus) == 0 ? Identity(walStatus) : nil
        self.header = Self.header(descriptor)
        self.whenGone = whenGone
    }

    /// The first 18 bytes of a database file: the magic string and the page size
    /// (sqlite.org/fileformat.html, 1.3). SQLite never changes them once the file is made (this
    /// store sets no other page size), so other bytes there mean the file was overwritten or
    /// truncated in place, which its device and inode do not show.
    private let header: [UInt8]?

    static func header(_ descriptor: Int32) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: 18)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 18, 0) }
        return count == 18 ? bytes : nil
    }

    deinit { close(descriptor) }

    /// What changed since the store opened its files; nil when they are still at the path. A path
    /// that cannot be read counts as changed: a pledge is acknowledged only when its file is known
    /// to be there.
    func change() -> String? {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return "the database file cannot be read" }
        if status.st_nlink == 0 { return "the database file was deleted" }
        if let header, Self.header(descriptor) != header {
            return "the database file was truncated or overwritten in place"
        }
        guard stat(path, &status) == 0 else {
            return errno == ENOENT
                ? "the database file was moved away (no file at its path)"
                : "the database path cannot be read (\(String(cString: strerror(errno))))"
        }
        if Identity(status) != main { return "another file replaced the database at its path" }
        if let wal {
            guard stat(path + "-wal", &status) == 0 else { return "the database's -wal file was deleted" }
            if Identity(status) != wal { return "another file replaced the database's -wal file" }
        }
        // A new -shm beside ours: another process would build a second WAL index and write over
        // frames this one still reads.
        if let shm {
            guard stat(path + "-shm", &status) == 0 else { return "the database's -shm file was deleted" }
            if Identity(status) != shm { return "another file replaced the database's -shm file" }
        }
        return nil
    }

    /// Whether a change has been found (and latched).
    var isGone: Bool {
        condition.withLock { if case .gone = $0 { true } else { false } }
    }

    /// Throws ``PledgeError/Code/databaseGone`` once a change has been found, after its rescue
    /// copy is written; does no system call.
    func refuseIfGone() async throws(PledgeError) {
        let rescue: Task<DatabaseGone, Never>? = condition.withLock {
            if case .gone(let task) = $0 { task } else { nil }
        }
        if let rescue {
            _ = await rescue.value
            throw PledgeStore.databaseGone
        }
    }

    /// Checks the files (``change()``); on the first change latches, writes the rescue copy through
    /// `pool`'s writer, reports it to `whenGone`, and throws ``PledgeError/Code/databaseGone``.
    /// Never call it inside a `pool` access: the rescue needs the writer.
    func verify(_ pool: DatabasePool) async throws(PledgeError) {
        try await refuseIfGone()
        guard let reason = change() else { return }
        let rescue = condition.withLock { condition -> Task<DatabaseGone, Never> in
            if case .gone(let task) = condition { return task }
            let task = Task { self.rescue(reason: reason, pool: pool) }
            condition = .gone(task)
            return task
        }
        _ = await rescue.value
        throw PledgeStore.databaseGone
    }

    /// On closing: a change not yet found is found now, with its rescue copy. Returns whether the
    /// files were gone; then nothing is checkpointed. (SQLite unlinks a `-wal` by its name only on
    /// the last close by a connection that can write, and the pool closes its writer before its
    /// readers, so the `-wal` of a file that replaced ours is left alone; a test holds that.)
    func settleBeforeClose(_ pool: DatabasePool) -> Bool {
        let found: String? = isGone ? nil : change()
        if let found {
            let report = rescue(reason: found, pool: pool)
            condition.withLock { $0 = .gone(Task { report }) }
        }
        return isGone
    }

    /// After the pool has closed on files that left their path: removes this store's own `-wal`
    /// and `-shm` still at the path (same device and inode as when it opened them), once their
    /// content is in the rescued copy. Left there, SQLite would replay that `-wal` into the copy
    /// renamed back to the path and damage it. A `-wal` or `-shm` of another file is never touched,
    /// nor ours when no copy was written (it may hold the only trace of a pledge).
    /// - Returns: the paths removed.
    @discardableResult
    func removeOwnLeftovers() -> [String] {
        guard finished.withLock({ $0?.rescuePath }) != nil else { return [] }
        var removed: [String] = []
        for (suffix, identity) in [("-wal", wal), ("-shm", shm)] {
            var status = stat()
            guard let identity, stat(path + suffix, &status) == 0, Identity(status) == identity else { continue }
            if unlink(path + suffix) == 0 { removed.append(path + suffix) }
        }
        return removed
    }
}
