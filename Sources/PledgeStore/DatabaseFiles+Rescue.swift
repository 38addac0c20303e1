import Foundation
import GRDB
import PledgeKit
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

// The rescue copy of a database whose files left their path, and the syncs it needs.
extension DatabaseFiles {
    /// Copies the open database to `<path>.rescued-<UTC time>` (a new file, never one that exists,
    /// mode 0640) with `VACUUM INTO` on the writer, syncs it, and reports to `whenGone`.
    /// When the copy cannot be written there (the disk is full, the folder cannot be made), it goes
    /// to the first of ``fallbackFolders`` that takes it: the log says where.
    func rescue(reason: String, pool: DatabasePool) -> DatabaseGone {
        let name = URL(fileURLWithPath: path).lastPathComponent
        var failures: [String] = []
        var copied: String?
        for beside in [path] + fallbackFolders.map({ URL(fileURLWithPath: $0).appendingPathComponent(name).path }) {
            do {
                copied = try Self.copy(pool, toFileBeside: beside)
                break
            } catch let error as DatabaseError {
                failures.append("\(beside): SQLite: \(error.message ?? "\(error.resultCode)")")
            } catch {
                failures.append("\(beside): \(error)")
            }
        }
        let report = DatabaseGone(
            path: path, reason: reason, rescuePath: copied,
            rescueError: failures.isEmpty ? nil : failures.joined(separator: "; "))
        finished.withLock { $0 = report }
        whenGone?(report)
        return report
    }

    /// Folders tried, in order, when the copy cannot be written beside the database.
    static var fallbackFolders: [String] { ["/var/tmp", FileManager.default.temporaryDirectory.path] }
    var fallbackFolders: [String] { Self.fallbackFolders }

    /// `VACUUM INTO` a new file from ``createRescueFile(beside:)``, synced with its folder; the
    /// file is removed again when the copy fails.
    private static func copy(_ pool: DatabasePool, toFileBeside path: String) throws -> String {
        let copy = try createRescueFile(beside: path)
        do {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM INTO ?", arguments: [copy])
            }
            // VACUUM INTO does not sync its output (sqlite.org/lang_vacuum.html).
            try sync(copy)
            try PledgeStore.syncFolder(of: copy)
            return copy
        } catch {
            unlink(copy)
            throw error
        }
    }

    /// A new, empty file `<path>.rescued-<yyyyMMdd'T'HHmmss'Z'>` (then `-2`, `-3`, …): created
    /// with `O_EXCL`, so no existing file is ever overwritten. A folder deleted with the database
    /// (`rm -rf data`) is made again (mode 0750), so the copy is kept where the operator looks.
    static func createRescueFile(beside path: String) throws -> String {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        let base = "\(path).rescued-\(FileStamp.string(Date()))"
        for attempt in 1...100 {
            let candidate = attempt == 1 ? base : "\(base)-\(attempt)"
            let descriptor = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
            if descriptor >= 0 {
                // Names of children: owner and group only, whatever the umask.
                fchmod(descriptor, 0o640)
                close(descriptor)
                return candidate
            }
            guard errno == EEXIST else {
                throw StoreError(reason: "cannot create \(candidate): \(String(cString: strerror(errno)))")
            }
        }
        throw StoreError(reason: "cannot create a new file named \(base)")
    }

    /// fsync of a file or folder.
    static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw StoreError(reason: "cannot open \(path) to sync it: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw StoreError(reason: "cannot sync \(path): \(String(cString: strerror(errno)))")
        }
    }
}

extension PledgeStore {
    /// fsync of the folder holding `path`, so a file just created, linked or renamed there keeps
    /// its name after a power cut.
    /// - Throws: ``StoreError`` when the folder cannot be opened or synced.
    public static func syncFolder(of path: String) throws {
        try DatabaseFiles.sync(URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    /// Where a rescued copy goes when none can be written beside the database (``DatabaseGone``).
    public static var rescueFallbackFolders: [String] { DatabaseFiles.fallbackFolders }
}
