import Foundation
import HubCore
import Logging
import PledgeKit
import PostgresNIO
import ServiceLifecycle

/// The hub's records (``HubRecords``) in PostgreSQL 15, through postgres-nio's `PostgresClient`
/// (a pool of at most ``HubStoreConfiguration/maximumConnections`` connections).
///
/// Every call has a deadline (``HubStoreConfiguration/deadline``) and throws ``HubError``; every
/// write commits with `synchronous_commit=on` before it returns. The pool works while ``run()``
/// runs: pass the store to a ServiceLifecycle `ServiceGroup` (Hummingbird's `services:`), or use
/// ``withHubStore(_:logger:migrate:_:)``. Call ``prepare(migrate:)`` at start: it says clearly
/// what is wrong with the host, port, database or user, and brings the schema up to date.
///
/// The store logs no personal data: no name, and no detail of a database error (it may quote a row).
public final class HubStore: HubRecords, Service {
    public let configuration: HubStoreConfiguration
    let client: PostgresClient
    let logger: Logger
    /// Asked by calls that wait: whether the database's address accepts connections at all.
    let reachability: DatabaseReachability
    /// This process's ``changeStamp()``.
    let changes = HubChanges()
    /// Certificate reads, grouped under load (``certificate(code:)``).
    let certificateReads: ReadBatcher<CertificateCode, Result<Pledge, HubError>>
    /// The hot standby that certificate reads and public counts ask first, if any (``HubStandby``).
    let standby: HubStandby?

    /// A store on `configuration`'s database; nothing is connected until a call needs it (and
    /// ``run()`` runs).
    /// - Parameter standby: a read-only copy of the database (a PostgreSQL hot standby) that
    ///   certificate reads (``certificate(code:)``) and public counts
    ///   (``tally(by:event:withholding:)`` withholding) ask first, within its configuration's
    ///   ``HubStoreConfiguration/deadline``; a miss, a failure or a slow answer is asked of the
    ///   primary. Writes, notifications, migrations and organizers' reads use the primary only.
    public init(configuration: HubStoreConfiguration, standby: HubStoreConfiguration? = nil, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.standby = standby.map { HubStandby(configuration: $0, logger: logger) }
        self.reachability = DatabaseReachability(configuration)
        self.certificateReads = ReadBatcher(
            maximumInFlight: max(1, configuration.certificateReadsInFlight), maximumBatch: 256,
            deadline: configuration.deadline,
            askAfter: DatabaseReachability.askAfter,
            expired: { [logger] in
                logger.warning("hub database call timed out", metadata: ["hub.call": "read certificate"])
                return Self.unavailable
            },
            stalled: { [reachability, logger, hasStandby = self.standby != nil] in
                // With a standby, each part keeps its own deadline and asks its own address.
                guard !hasStandby, await reachability.answer() == .refused else { return nil }
                logger.warning("hub database refused the connection", metadata: ["hub.call": "read certificate"])
                return Self.unreachable
            })
        self.client = PostgresClient(
            configuration: Self.clientConfiguration(configuration), backgroundLogger: logger)
        if let standby = self.standby {
            // A copy kept under the new stamp must not come from a standby that has not replayed the change.
            let (client, reachability, deadline) = (client, reachability, configuration.deadline)
            changes.observeStamp {
                standby.fence {
                    try await Self.primaryPosition(
                        client: client, reachability: reachability, deadline: deadline, logger: logger)
                }
            }
        }
    }

    /// Runs the connection pool until the task is cancelled or a graceful shutdown is triggered.
    /// Call it once per store (postgres-nio's `PostgresClient.run()` traps on a second call); calls
    /// that need the pool wait for it, up to their deadline.
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.client.run() }
            if let standby = self.standby { group.addTask { await standby.client.run() } }
        }
    }

    /// Checks that the database answers as configured (``checkConnection()``), then, when
    /// `migrate`, applies the migrations it lacks (``migrate()``).
    /// - Throws: ``HubError`` `misconfigured` (wrong host, database, user or password; a schema
    ///   newer than this hub), `unavailable` (nothing answers at the host and port in time).
    public func prepare(migrate: Bool = true) async throws(HubError) {
        try await checkConnection()
        if migrate { _ = try await self.migrate() }
    }

    /// The settings every connection starts with (PostgreSQL runtime parameters in the startup
    /// message, so no pooled connection ever runs without them).
    static func startupParameters(_ configuration: HubStoreConfiguration) -> [(String, String)] {
        let (seconds, attoseconds) = configuration.deadline.components
        let deadline = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return [
            // A write is acknowledged only once it is on disk (the sync protocol's rule).
            ("synchronous_commit", "on"),
            // The server gives up on a statement or a lock wait the caller no longer waits for.
            ("statement_timeout", "\(deadline)"),
            ("lock_timeout", "\(deadline)"),
            ("idle_in_transaction_session_timeout", "\(deadline * 2)"),
            ("application_name", "kiosk-hub"),
            ("TimeZone", "UTC"),
        ]
    }

    static func clientConfiguration(_ configuration: HubStoreConfiguration) -> PostgresClient.Configuration {
        var client: PostgresClient.Configuration
        if let socketPath = configuration.socketPath {
            client = .init(
                unixSocketPath: socketPath, username: configuration.user, password: configuration.password,
                database: configuration.database)
        } else {
            client = .init(
                host: configuration.host, port: configuration.port, username: configuration.user,
                password: configuration.password, database: configuration.database,
                tls: clientTLS(configuration.tls))
        }
        client.options.connectTimeout = configuration.connectTimeout
        client.options.maximumConnections = configuration.maximumConnections
        client.options.additionalStartupParameters = startupParameters(configuration)
        return client
    }

    static func clientTLS(_ mode: HubStoreConfiguration.TLSMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .require:
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            return .require(tls)
        case .verifyFull: return .require(.makeClientConfiguration())
        }
    }
}

/// Runs `body` with a store on `configuration`'s database: the pool runs for the body's duration,
/// the connection is checked and, when `migrate`, the schema brought up to date first
/// (``HubStore/prepare(migrate:)``); with `listen`, ``HubStore/listenForChanges()`` runs too, from
/// after the migrations (the hub's service: its pages keep pledges while nothing changed); with
/// `standby`, certificate reads and public counts ask that hot standby first (``HubStore/init(configuration:standby:logger:)``).
/// For the CLI, the service and tests.
/// - Throws: ``HubError`` from ``HubStore/prepare(migrate:)``, or what `body` throws.
public func withHubStore<Result: Sendable>(
    _ configuration: HubStoreConfiguration, standby: HubStoreConfiguration? = nil,
    logger: Logger = Logger(label: "kiosk-hub-store"), migrate: Bool = true,
    listen: Bool = false, _ body: (HubStore) async throws -> Result
) async throws -> Result {
    let store = HubStore(configuration: configuration, standby: standby, logger: logger)
    let pool = Task { try await store.run() }
    var listener: Task<Void, Never>?
    // The pool is stopped, and awaited for at most a deadline: a store never hangs its caller.
    func stop() async {
        let listening = listener
        listening?.cancel()
        pool.cancel()
        _ = try? await HubStore.withDeadline(configuration.deadline) {
            try await pool.value
            await listening?.value
        }
    }
    do {
        try await store.prepare(migrate: migrate)
        if listen { listener = Task { await store.listenForChanges() } }
        let result = try await body(store)
        await stop()
        return result
    } catch {
        await stop()
        throw error
    }
}
