import Foundation
import HubCore
import Logging
import PledgeKit
import PostgresNIO
import Synchronization

/// The change stamp of one hub process (``HubStore/changeStamp()``): a counter bumped whenever a
/// pledge or an event already at the hub may have changed, and whether the process can tell.
final class HubChanges: Sendable {
    struct State {
        /// Whether this process's LISTEN connection is up (notifications reach it).
        var listening = false
        var stamp = 0
        /// Bumped on every count notification, every (re)connection and every own commit of pledges.
        var countStamp = 0
        /// ``CountVersions``: the generation moves on every (re)connection and every count
        /// notification naming no event; an event's version on each naming it, and on each own
        /// commit of its pledges.
        var countVersions = CountVersions(generation: 0, events: [:])
        /// Told of new counts (``HubStore/observeCounts(_:)``).
        var countObservers: [@Sendable () -> Void] = []
        /// Told before the stamp moves (the standby's fence: ``HubStandby/fence()``).
        var stampObservers: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())

    /// The stamp while listening; nil while not (every read goes to the store).
    var stamp: Int? {
        state.withLock { $0.listening ? $0.stamp : nil }
    }

    /// The count stamp while listening (``HubStore/countStamp()``); nil while not.
    var countStamp: Int? {
        state.withLock { $0.listening ? $0.countStamp : nil }
    }

    /// The count versions while listening (``HubStore/countVersions()``); nil while not.
    var countVersions: CountVersions? {
        state.withLock { $0.listening ? $0.countVersions : nil }
    }

    /// A count notification: its event's version moves (every version, through the generation,
    /// when it names none), then every observer is told.
    func countsNotified(event: String) {
        state.withLock {
            if event.isEmpty {
                $0.countVersions.generation &+= 1
            } else {
                $0.countVersions.events[event, default: 0] &+= 1
            }
        }
        countsChanged()
    }

    /// This process committed pledges of `event`: counts kept from before are stale, whether or
    /// not its own notification has come back yet.
    func countsCommitted(event: String) {
        state.withLock { $0.countVersions.events[event, default: 0] &+= 1 }
        countsCommitted()
    }

    /// Counts may be stale (a notification, or an own commit): the count stamp moves.
    func countsCommitted() {
        state.withLock { $0.countStamp &+= 1 }
    }

    /// Something already at the hub may have changed: copies read under an older stamp are stale.
    func bump() {
        stampMoves()
        state.withLock { $0.stamp &+= 1 }
    }

    /// The LISTEN connection is up (again): anything committed while it was down is unknown, so
    /// the stamp moves on.
    func listening() {
        stampMoves()
        state.withLock {
            $0.listening = true
            $0.stamp &+= 1
            $0.countStamp &+= 1
            $0.countVersions.generation &+= 1
        }
    }

    /// The LISTEN connection is down: notifications may be lost, so nothing may be kept.
    func notListening() {
        state.withLock { $0.listening = false }
    }

    /// `observer` is told each time the stamp is about to move, before any read can see the new stamp.
    func observeStamp(_ observer: @escaping @Sendable () -> Void) {
        state.withLock { $0.stampObservers.append(observer) }
    }

    private func stampMoves() {
        for observer in state.withLock({ $0.stampObservers }) { observer() }
    }

    func observeCounts(_ observer: @escaping @Sendable () -> Void) {
        state.withLock { $0.countObservers.append(observer) }
    }

    /// Counts may have changed (a notification, or listening again after a gap): every observer
    /// is told, outside the lock.
    func countsChanged() {
        countsCommitted()
        for observer in state.withLock({ $0.countObservers }) { observer() }
    }
}

extension HubStore: ChangeStamping {
    /// The PostgreSQL notification channel of changes to pledges and events already at the hub
    /// (the triggers of schema version 2 notify it; the payload is empty).
    static let changeChannel = "hub_changed"

    /// The `application_name` of the LISTEN connection (`pg_stat_activity` tells it from the pool's).
    static let changeApplicationName = "kiosk-hub-changes"

    /// A number that changes whenever a pledge or an event already at the hub may have changed,
    /// in this process or in any other hub process on the same database; nil while this process
    /// cannot tell (``listenForChanges()`` is not running or its connection is down), so a copy
    /// is never used then.
    ///
    /// Source: every transaction that changes a stored pledge (a name blanked by an erasure or a
    /// purge in a batch, an erasure at the hub, the retention sweep, a hand edit) or an event's
    /// shown columns runs `pg_notify` through the triggers of schema version 2, so the
    /// notification is delivered only on commit; each process bumps its stamp on each one, on each
    /// (re)connection of its LISTEN connection, and right after its own ``erase(code:at:)`` and
    /// ``purgeExpired(at:)`` commit (the signer who erased never sees the old page). New pledges
    /// do not move it: a code not found is never kept.
    ///
    /// Window: another process's change is seen once its notification arrives here, which is
    /// normally within milliseconds of the commit; a LISTEN connection that dies silently (a
    /// network cut) is found by its heartbeat (``HubStoreConfiguration/changeHeartbeat``, then at
    /// most ``HubStoreConfiguration/deadline``), which bounds how long a change can go unseen.
    public func changeStamp() -> Int? {
        changes.stamp
    }

    /// A number that changes whenever the counts may have changed: on every notification of
    /// ``countsChannel`` (any hub process's commit of pledges), on each (re)connection of the LISTEN
    /// connection, and right after this process's own commits of pledges (a batch, a pledge made
    /// at the hub), so a copy of counts read under one value is current while the value is; nil
    /// while this process cannot tell (not listening), so nothing is kept then. The window is
    /// ``changeStamp()``'s: another process's commit is seen once its notification arrives.
    public func countStamp() -> Int? {
        changes.countStamp
    }

    /// Which events' counts may have changed: each notification of ``countsChannel`` names its
    /// event (schema v8) and moves its version, as this process's own commits of an event's
    /// pledges do; one naming none (a repair, ``reconcile(repair:)``, or a hand edit) and each
    /// (re)connection of the LISTEN connection move the generation. Nil while not listening.
    public func countVersions() -> CountVersions? {
        changes.countVersions
    }

    /// Holds one LISTEN connection on ``changeChannel`` and ``countsChannel`` (outside the pool)
    /// until the task is cancelled, bumping ``changeStamp()`` on every notification of the first
    /// and telling the observers of ``observeCounts(_:)`` of each of the second; reconnects after
    /// ``HubStoreConfiguration/changeRetryDelay`` whenever it fails, its heartbeat included.
    /// Never throws: failures are logged (without detail: a database error may quote a row).
    public func listenForChanges() async {
        while !Task.isCancelled {
            do {
                try await listenOnce()
            } catch {
                if !Task.isCancelled {
                    logger.warning(
                        "hub change notifications lost; pages read the database until they are back",
                        metadata: ["postgres.sqlstate": "\((error as? PSQLError)?.serverInfo?[.sqlState] ?? "-")"])
                }
            }
            changes.notListening()
            try? await Task.sleep(for: configuration.changeRetryDelay)
        }
    }

    /// One LISTEN connection, until it fails, its heartbeat fails, or the task is cancelled.
    private func listenOnce() async throws {
        let configuration = configuration
        let logger = logger
        let changes = changes
        var connectionConfiguration = try Self.connectionConfiguration(configuration)
        connectionConfiguration.options.additionalStartupParameters = Self.startupParameters(configuration).map {
            $0.0 == "application_name" ? ($0.0, Self.changeApplicationName) : $0
        }
        // Bounded by the connect timeout (a deadline around it would leave a late connection open).
        let connection = try await PostgresConnection.connect(
            configuration: connectionConfiguration, id: 0, logger: logger)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // Both channels on the one connection, each heard from its LISTEN on.
                    try await connection.listen(on: Self.countsChannel) { counts in
                        try await connection.listen(on: Self.changeChannel) { notifications in
                            // Listening (again): the count observers read once, as a commit while
                            // no one here listened was not heard; then the stamp says listening.
                            changes.countsChanged()
                            changes.listening()
                            do {
                                try await withThrowingTaskGroup(of: Void.self) { channels in
                                    channels.addTask { for try await _ in notifications { changes.bump() } }
                                    channels.addTask {
                                        for try await notification in counts {
                                            changes.countsNotified(event: notification.payload)
                                        }
                                    }
                                    defer { channels.cancelAll() }
                                    _ = try await channels.next()
                                }
                            } catch {
                                // At once: a copy kept from now on could miss a commit.
                                changes.notListening()
                                throw error
                            }
                        }
                    }
                    throw CancellationError()
                }
                group.addTask {
                    // A connection cut without a word (no FIN) would lose notifications unseen.
                    while true {
                        try await Task.sleep(for: configuration.changeHeartbeat)
                        try await Self.withDeadline(configuration.deadline) {
                            try await Self.execute("SELECT 1", on: connection, logger: logger)
                        }
                    }
                }
                // The first to end (always by an error) ends the other.
                defer { group.cancelAll() }
                _ = try await group.next()
            }
        } catch {
            changes.notListening()
            try? await connection.close()
            throw error
        }
    }
}
