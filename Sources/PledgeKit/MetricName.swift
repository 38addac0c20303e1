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
    /// Counter, label `result`: scheduled backups (`backup:` in `event.yaml`) taken (`ok`) or not
    /// (`failed`), and backups an erasure or purge could not reach (`erasure_failed`: the stick
    /// unplugged or read-only; they are brought in line at the next scheduled backup).
    public static let backups = "kiosk_backups_total"
    /// Gauge, seconds since 1970 (UTC): when the newest scheduled backup was written and verified;
    /// 0 until one is.
    public static let backupLastSuccess = "kiosk_backup_last_success_timestamp_seconds"
}
