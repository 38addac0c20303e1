import CoreMetrics
import Foundation
import GRDB
import PledgeKit

#if canImport(Glibc)
    import Glibc
#endif

/// Pledges in one SQLite file: the one place in the project that speaks SQL.
///
/// A `DatabasePool` in WAL mode with `synchronous=FULL`, so a pledge whose ``record(_:idempotencyKey:kioskID:)``
/// has returned survives a crash or a power cut: SQLite syncs the WAL on every commit
/// (sqlite.org/pragma.html#pragma_synchronous). Every write is one `BEGIN IMMEDIATE` transaction,
/// which takes the write lock up front so two writers never deadlock on a lock upgrade; a busy
/// timeout makes a second process wait for the lock instead of failing at once.
public struct PledgeStore: PledgeLookup, PledgeCounter, RecordedKeys, ChangeStamping {
    let pool: DatabasePool
    /// The event new pledges belong to.
    public let eventID: String
    /// The kiosk id used when a caller gives none.
    public let defaultKioskID: String
    /// The certificate links of receipts and pages. In a store that feeds a hub they follow
    /// ``hubBase``: the hub's certificate base once it is known (cached in `hub_state`).
    public let links: CertificateLinks
    /// Makes the codes of new pledges in the issued form (27 characters) when the event is linked
    /// to the national hub; nil: the first form (16 random characters).
    public let codeIssuer: CodeIssuer?
    /// The event's retention deadline (``EventConfiguration/retentionDeadline``): a pledge signed
    /// from then on is recorded only without a name or school (``PledgeDraft/checkRetention(deadline:at:)``),
    /// whichever front it comes from. nil: none.
    public let retentionDeadline: Date?
    /// Whether every pledge, erasure and purge of the event gets a hub outbox row in its own
    /// transaction: the event has a hub (`EventConfiguration.hub`), now or when the database was
    /// first opened with one. A linked database stays linked, so an erasure or a purge made by a
    /// command run without the hub's settings (`KIOSK_HUB_URL` only in the service's environment)
    /// still reaches the hub.
    public let feedsHub: Bool
    /// The hub's certificate base, once the hub has given it (``PledgeStore/hubAcknowledged(_:sentThrough:at:)``).
    let hubBase: CertificateBaseOverride
    /// Batches concurrent pledges into one transaction each (see ``GroupCommitter``).
    let committer: GroupCommitter
    /// A read-only connection of its own for ``changeStamp()``.
    let watcher: DataVersion
    /// Whether the files opened are still the database at `path` (checked once per commit).
    let files: DatabaseFiles
    /// The outcome of the latest writes, for ``readiness()``.
    let writes: WriteOutcomes
    /// Pledges recorded and refused, commit latency and group size (``MetricName``).
    let metrics: StoreMetrics
    /// Free bytes below which ``readiness()`` says `disk-full`.
    public let diskReserve: Int64
    /// Empties the WAL in the background after an erasure whose checkpoint readers blocked.
    let walRetry: WALRetry

    /// How long a write waits for another connection's lock before failing.
    public static let busyTimeout: TimeInterval = 5

    /// Opens (creating when needed) the database at `path` and migrates it.
    /// - Parameter whenGone: called once, off the request that found it, when the database file
    ///   (or its `-wal`) is deleted, moved or replaced while the store is open, after the rescue
    ///   copy is written (``DatabaseGone``); from then on every pledge fails with `database-gone`.
    /// - Parameter metrics: where the store's numbers go (``MetricName``); nil: nowhere.
    /// - Parameter diskReserve: free bytes below which ``readiness()`` says `disk-full`.
    /// - Parameter walRetryInterval: how long to wait between two background tries to empty the
    ///   WAL after an erasure whose checkpoint readers blocked (``WALRetry``).
    /// - Parameter codeIssuer: makes the codes of new pledges when the event has a hub (``codeIssuer``).
    /// - Parameter retentionDeadline: see ``retentionDeadline``.
    /// - Parameter feedsHub: the event has a hub: the database is linked (the event's pledges
    ///   recorded before are queued once) and stays so (``feedsHub``); changes get hub outbox rows
    ///   and `links` follow the hub's cached certificate base.
    /// - Throws: `DatabaseError` when the file cannot be opened or migrated, and ``StoreError``
    ///   when SQLite did not accept the durability settings.
    public init(
        path: String, eventID: String, defaultKioskID: String, links: CertificateLinks,
        whenGone: (@Sendable (DatabaseGone) -> Void)? = nil, metrics: (any MetricsFactory)? = nil,
        diskReserve: Int64 = PledgeStore.defaultDiskReserve, walRetryInterval: Duration = .seconds(10),
        codeIssuer: CodeIssuer? = nil, retentionDeadline: Date? = nil, feedsHub: Bool = false
    ) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.prepareDatabase { db in
            // secure_delete: erased names are overwritten on disk, not just unlinked from the b-tree.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        // Before SQLite opens the file: a file swapped in meanwhile shows as a change at the first commit.
        let descriptor = try DatabaseFiles.openDescriptor(path)
        var descriptorOwned = false
        defer { if !descriptorOwned { Glibc.close(descriptor) } }
        let pool: DatabasePool
        let cachedBase: String?
        let linked: Bool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // DatabasePool sets synchronous=NORMAL on its writer when it enables WAL, after
            // prepareDatabase ran: set FULL again on the one connection that writes.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try Self.migrator.migrate(pool)
            (linked, cachedBase) = try pool.write { db -> (Bool, String?) in
                try db.execute(sql: "INSERT OR IGNORE INTO event (id) VALUES (?)", arguments: [eventID])
                if feedsHub { try Self.linkToHub(eventID: eventID, in: db) }
                guard
                    let state = try Row.fetchOne(
                        db, sql: "SELECT linked, certificate_base FROM hub_state WHERE id = 1"),
                    state["linked"] as Bool
                else { return (false, nil) }
                return (true, state["certificate_base"])
            }
        } catch let error as DatabaseError {
            // SQLite's own words, never the SQL of a statement.
            throw StoreError(
                reason: "not a kiosk database, or damaged (SQLite: \(error.message ?? "\(error.resultCode)"))")
        }
        // A pool opens connections lazily; check the settings on the connection that writes.
        let (journalMode, synchronous) = try pool.write { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            )
        }
        guard journalMode.lowercased() == "wal", synchronous == 2 else {
            throw StoreError(
                reason:
                    "SQLite refused WAL with synchronous=FULL (journal_mode=\(journalMode), synchronous=\(synchronous))"
            )
        }
        self.watcher = try DataVersion(path: path)
        self.pool = pool
        descriptorOwned = true
        self.files = try DatabaseFiles(path: path, descriptor: descriptor, whenGone: whenGone)
        self.writes = WriteOutcomes()
        self.metrics = StoreMetrics(factory: metrics)
        self.diskReserve = diskReserve
        self.committer = GroupCommitter(
            pool: pool, eventID: eventID, files: files, writes: writes, metrics: self.metrics, codeIssuer: codeIssuer,
            feedsHub: linked)
        self.walRetry = WALRetry(interval: walRetryInterval)
        self.eventID = eventID
        self.defaultKioskID = defaultKioskID
        self.feedsHub = linked
        let hubBase = CertificateBaseOverride()
        if let cachedBase, let cached = try? CertificateLinks(baseURL: cachedBase) { hubBase.set(cached) }
        self.hubBase = hubBase
        self.links = linked ? links.following(hubBase) : links
        self.codeIssuer = codeIssuer
        self.retentionDeadline = retentionDeadline
    }

    /// Checkpoints the WAL into the main file and closes the database, so that the one `.sqlite`
    /// file holds every pledge (a copy of it alone is a complete backup).
    ///
    /// When the files left their path while open (``DatabaseGone``), the rescue copy is written if
    /// it was not yet, and nothing is checkpointed. A pending background retry (``WALRetry``) stops:
    /// this checkpoint is its last try.
    public func close() throws {
        walRetry.stop()
        watcher.close()
        if files.settleBeforeClose(pool) {
            try pool.close()
            files.removeOwnLeftovers()
            return
        }
        // The pool closes its writer before its read-only readers, and SQLite only folds the WAL
        // back on the last close by a connection that can write: checkpoint explicitly.
        try pool.writeWithoutTransaction { db in try Self.emptyWAL(db, attempts: 1) }
        try pool.close()
    }

    /// `PRAGMA data_version` of a watching connection (``DataVersion``): it changes when any
    /// other connection commits, in this process or another. Read on the calling thread: the
    /// pragma reads the WAL index in shared memory and never touches the disk or waits for the
    /// writer. nil when it cannot be read, so nothing is kept.
    public func changeStamp() -> Int? {
        watcher.read()
    }
}

extension PledgeStore {
    /// A read that failed (the file is gone, damaged, or locked past the busy timeout): `unavailable`,
    /// in words that do not speak of saving, for the organizer reading counts or an export.
    static func unreadable(_ error: any Error) -> PledgeError {
        PledgeError(
            .unavailable,
            vi: "Không đọc được dữ liệu cam kết lúc này. Vui lòng thử lại sau giây lát.",
            en: "The pledges could not be read right now. Please try again in a moment."
        )
    }
}

/// A storage failure that is not SQLite's own error.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let reason: String
    public var description: String { reason }
}
