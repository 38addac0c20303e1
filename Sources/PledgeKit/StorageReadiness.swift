/// Why a pledge could not be stored right now: what readiness (`GET /readyz`) answers 503 with.
/// The raw value is the problem's `code`.
public enum StorageProblem: String, Sendable, Hashable, CaseIterable {
    /// The database files left their path while open: deleted, moved, replaced, or overwritten in
    /// place (``PledgeError/Code/databaseGone``; latched until the service is restarted).
    case databaseGone = "database-gone"
    /// The database's file system has less free space than the reserve, or a write failed with
    /// `SQLITE_FULL`.
    case diskFull = "disk-full"
    /// The database's file system is mounted read-only, or a write failed with `SQLITE_READONLY`.
    case databaseReadOnly = "database-read-only"
    /// The latest write failed for another reason (`SQLITE_IOERR`, a lock held past the busy timeout…).
    case writeFailed = "write-failed"
    /// The database does not answer a read (closed, damaged).
    case databaseUnreadable = "database-unreadable"
}

/// Tells whether a pledge could be stored right now. The store implements it.
public protocol StorageReadiness: Sendable {
    /// nil when a pledge could be stored now; else the first problem found. Cheap enough to be
    /// asked every second: no scan, at most one small write (only while a write is failing).
    func readiness() async -> StorageProblem?
}
