import CoreMetrics
import Foundation
import GRDB
import PledgeKit
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The store's numbers, through swift-metrics (``MetricName``): made once from the factory the
/// store was given (none: swift-metrics' no-op factory). Each costs an atomic increment or a short
/// lock on the commit path, never a lock held across I/O.
struct StoreMetrics: Sendable {
    let factory: any MetricsFactory
    let recorded: CoreMetrics.Counter
    let commitDuration: CoreMetrics.Timer
    let groupSize: Recorder

    init(factory: (any MetricsFactory)?) {
        let factory = factory ?? NOOPMetricsHandler.instance
        self.factory = factory
        recorded = Counter(label: MetricName.pledgesRecorded, factory: factory)
        commitDuration = Timer(label: MetricName.commitDuration, factory: factory)
        groupSize = Recorder(label: MetricName.commitGroupSize, factory: factory)
    }

    /// One transaction committed: `groupSize` pledges in it, `added` of them new rows.
    func committed(groupSize: Int, added: Int, duration: Duration) {
        let (seconds, attoseconds) = duration.components
        commitDuration.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        self.groupSize.record(groupSize)
        if added > 0 { recorded.increment(by: added) }
    }

    /// One pledge refused, by its code (never anything the signer typed).
    func refused(_ code: PledgeError.Code) {
        // The factory hands back the counter already made for this reason (a dictionary look-up).
        Counter(label: MetricName.pledgesRefused, dimensions: [("reason", code.rawValue)], factory: factory).increment()
    }
}

/// The outcome of the most recent writes: a write that failed with an SQLite error marks the store
/// not ready (``StorageProblem``), the next write that commits marks it ready again.
final class WriteOutcomes: Sendable {
    private struct State {
        var failure: StorageProblem?
        /// When readiness last tried a write of its own while writes were failing.
        var lastProbe: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    var failure: StorageProblem? { state.withLock { $0.failure } }

    /// A transaction that wrote something has committed.
    func succeeded() {
        state.withLock { $0.failure = nil }
    }

    /// A write failed: only SQLite's own errors count (a refused pledge never reaches here).
    func failed(_ error: any Error) {
        guard let error = error as? DatabaseError else { return }
        let problem: StorageProblem =
            switch error.resultCode.primaryResultCode {
            case .SQLITE_FULL: .diskFull
            case .SQLITE_READONLY: .databaseReadOnly
            default: .writeFailed
            }
        state.withLock { $0.failure = problem }
    }

    /// Whether readiness may try a write now: at most once per `interval`, so a prober asking
    /// often does not add writes to a failing disk.
    func claimProbe(interval: Duration) -> Bool {
        let now = ContinuousClock.now
        return state.withLock { state in
            if let last = state.lastProbe, now < last + interval { return false }
            state.lastProbe = now
            return true
        }
    }
}

extension PledgeStore: StorageReadiness {
    /// Free space the database's file system keeps beyond what is in use before readiness says
    /// `disk-full` (16 MiB): room for the WAL to grow up to its checkpoint (about 4 MiB) and for the
    /// checkpoint itself, so the disk is reported before a pledge is refused, not after.
    public static let defaultDiskReserve: Int64 = 16 << 20

    /// Whether a pledge could be stored right now, checked in this order, cheapest first:
    /// 1. the database files are still at their path (``DatabaseFiles``; latched `database-gone`);
    /// 2. the file system is writable and has ``diskReserve`` bytes free (`statvfs`, no I/O);
    /// 3. the most recent write committed; while it failed (`SQLITE_FULL`, `SQLITE_READONLY`,
    ///    `SQLITE_IOERR`…), one small write transaction of its own (at most once a second) that
    ///    changes a row and changes it back, so it commits real pages: its success marks the store
    ///    ready again even when no pledge comes to prove it;
    /// 4. the database answers a read (one row of the event).
    public func readiness() async -> StorageProblem? {
        do { try await files.verify(pool) } catch { return .databaseGone }
        if let problem = Self.fileSystemProblem(at: files.path, reserve: diskReserve) { return problem }
        if let failure = writes.failure {
            guard writes.claimProbe(interval: .seconds(1)) else { return failure }
            let eventID = eventID
            do {
                try await pool.write { db in
                    // An UPDATE to the same value writes nothing (SQLite compares the record); this
                    // pair dirties the page, so the COMMIT appends it to the WAL and syncs it.
                    try db.execute(
                        sql: "UPDATE event SET last_number = last_number + 1 WHERE id = ?", arguments: [eventID])
                    try db.execute(
                        sql: "UPDATE event SET last_number = last_number - 1 WHERE id = ?", arguments: [eventID])
                }
                writes.succeeded()
            } catch {
                writes.failed(error)
                return writes.failure ?? failure
            }
        }
        let eventID = eventID
        do {
            _ = try await pool.read { db in
                try Int.fetchOne(db, sql: "SELECT last_number FROM event WHERE id = ?", arguments: [eventID])
            }
        } catch {
            return .databaseUnreadable
        }
        return nil
    }

    /// `database-read-only` when the file system holding `path` is mounted read-only, `disk-full`
    /// when it has fewer than `reserve` bytes free (the blocks root may use when running as root,
    /// else those available to others); nil when it cannot be told (statvfs failed).
    static func fileSystemProblem(at path: String, reserve: Int64) -> StorageProblem? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        if info.f_flag & UInt(ST_RDONLY) != 0 { return .databaseReadOnly }
        let blocks = geteuid() == 0 ? info.f_bfree : info.f_bavail
        let free = Int64(clamping: UInt64(blocks).multipliedReportingOverflow(by: UInt64(info.f_frsize)).partialValue)
        return free < reserve ? .diskFull : nil
    }
}
