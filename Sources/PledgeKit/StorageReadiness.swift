/// Why a pledge could not be stored right now: what readiness (`GET /readyz`) answers 503 with.
/// The raw value is the problem's `code`.
public enum StorageProblem: String, Sendable, Hashable, CaseIterable {
    /// The database file (or its `-wal`) was deleted, moved or replaced while open (latched until
    /// the service is restarted).
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

/// The names of the service's metrics (`GET /metrics`, Prometheus text format), one place for the
/// store that counts and the service that exposes them. Labels never carry personal data.
public enum MetricName {
    /// Counter: new pledges committed by this process (idempotent retries not counted).
    public static let pledgesRecorded = "kiosk_pledges_recorded_total"
    /// Counter, label `reason` (the refusal's code, e.g. `name-empty`, `unavailable`): pledges refused.
    public static let pledgesRefused = "kiosk_pledges_refused_total"
    /// Histogram, seconds: one group commit's transaction, from `BEGIN IMMEDIATE` to `COMMIT` done.
    public static let commitDuration = "kiosk_commit_duration_seconds"
    /// Histogram: pledges in one group commit.
    public static let commitGroupSize = "kiosk_commit_group_size"
    /// Gauge: viewers of the live counter (`/live/events`).
    public static let liveViewers = "kiosk_live_viewers"
    /// Gauge: open HTTP connections.
    public static let openConnections = "kiosk_open_connections"
    /// Gauge, label `kiosk` (its id): pledges waiting in the kiosk's outbox at its last heartbeat.
    public static let outboxWaiting = "kiosk_outbox_waiting"
}
