import Foundation
import HubCore
import Logging
import PostgresNIO
import Synchronization

/// A read-only copy of the hub's database (a PostgreSQL hot standby fed by streaming
/// replication) that certificate reads and the reads of their events ask first (``HubStore/readFromStandby(_:deadline:_:)``).
///
/// Its own pool and ``DatabaseReachability``, on its own ``HubStoreConfiguration`` (whose
/// ``HubStoreConfiguration/deadline`` is how long a read waits for it before the primary is asked).
/// After a failure (refused, too slow, an error) it is not asked for ``restFor``: while it is down
/// a read costs the primary's time only.
///
/// Its certificate reads are used only once it has replayed the primary's WAL up to
/// ``replayedThrough``, the primary's position when this process's change stamp last moved
/// (``fence(_:)``): a page kept under the new stamp (an erasure, a name blanked) is never read
/// from a standby that has not replayed the change yet.
final class HubStandby: Sendable {
    let configuration: HubStoreConfiguration
    let client: PostgresClient
    let reachability: DatabaseReachability
    /// Until when reads skip the standby (after its last failure).
    private let resting = Mutex<ContinuousClock.Instant?>(nil)
    /// The WAL position (`pg_lsn` text) certificate reads need the standby to have replayed, and
    /// the number of the latest ``fence(_:)`` (an older one's answer never lowers a newer one's).
    private let required = Mutex<(position: String, fence: Int)>((HubStandby.start, 0))
    /// Before any change: every replayed position will do.
    static let start = "0/0"
    /// While the primary's position after a change is being read: no standby read will do.
    static let unknown = "FFFFFFFF/FFFFFFFF"

    /// The position certificate reads need the standby to have replayed (``HubStandby/unknown``
    /// while it is being read after a change).
    var replayedThrough: String { required.withLock { $0.position } }

    /// Something at the hub changed: certificate reads go to the primary until the primary's
    /// position, read now by `position` (tried again each second until it answers or another
    /// change comes), is known; from then the standby's once it has replayed that far.
    func fence(_ position: @escaping @Sendable () async throws -> String) {
        let number = required.withLock { required in
            required = (Self.unknown, required.fence &+ 1)
            return required.fence
        }
        Task {
            while true {
                if let known = try? await position() {
                    required.withLock { required in
                        if required.fence == number { required.position = known }
                    }
                    return
                }
                guard required.withLock({ $0.fence == number }), (try? await Task.sleep(for: .seconds(1))) != nil
                else { return }
            }
        }
    }
    /// How long reads skip the standby after it failed one.
    static let restFor = Duration.seconds(1)

    init(configuration: HubStoreConfiguration, logger: Logger) {
        self.configuration = configuration
        self.reachability = DatabaseReachability(configuration)
        self.client = PostgresClient(
            configuration: HubStore.clientConfiguration(configuration), backgroundLogger: logger)
    }

    /// Whether reads may ask the standby now (it has not failed in the last ``restFor``).
    var isAsked: Bool {
        let now = ContinuousClock.now
        return resting.withLock { until in until.map { now >= $0 } ?? true }
    }

    /// Records a failed read: the next ``restFor`` of reads go to the primary.
    func failed() {
        let until = ContinuousClock.now + Self.restFor
        resting.withLock { $0 = until }
    }
}

extension HubStore {
    /// `body`'s answer from the standby, or nil when the store has none, when it rests after a
    /// failure, or when it fails now: refused, past its deadline (the standby configuration's,
    /// within `deadline`), any error. A failure is logged (its kind only) and never thrown: the
    /// caller then asks the primary with ``call(_:deadline:_:)``.
    func readFromStandby<T: Sendable>(
        _ what: StaticString, deadline: Duration,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async -> T? {
        guard let standby, standby.isAsked else { return nil }
        do {
            return try await Self.attempt(
                on: standby.client, reachability: standby.reachability,
                deadline: min(deadline, standby.configuration.deadline), body)
        } catch {
            standby.failed()
            let kind =
                error is DeadlinePassed
                ? "timeout"
                : error is DatabaseRefused
                    ? "refused" : (error as? PSQLError)?.serverInfo?[.sqlState] ?? String(describing: type(of: error))
            logger.warning(
                "hub standby read failed; reading the primary",
                metadata: ["hub.call": "\(what)", "hub.standby": "\(kind)"])
            return nil
        }
    }

    /// The primary's current WAL position (`pg_current_wal_lsn()`, as `pg_lsn` text), on
    /// `client` (the primary's pool) within `deadline`: past every commit this process has been
    /// told of. Static: the store's initializer hands it to ``HubStandby/fence(_:)``.
    static func primaryPosition(
        client: PostgresClient, reachability: DatabaseReachability, deadline: Duration, logger: Logger
    ) async throws -> String {
        try await attempt(on: client, reachability: reachability, deadline: deadline) { connection in
            try await rows("SELECT pg_current_wal_lsn()::text", on: connection, logger: logger).first?
                .decode(String.self) ?? HubStandby.unknown
        }
    }

    /// What is left of `deadline` counted from `start`; at least a tenth of it (a primary read
    /// after a standby that took its whole time still gets a chance).
    static func left(of deadline: Duration, since start: ContinuousClock.Instant) -> Duration {
        max(deadline - (ContinuousClock.now - start), deadline / 10)
    }
}
