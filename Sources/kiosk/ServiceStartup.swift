import CertificateWeb
import Certificates
import Foundation
import HubRelay
import KioskPages
import KioskService
import Logging
import NIOCore
import PledgeKit
import PledgeStore
import ServerHardening
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
    import Glibc
#endif

/// The parts of a running kiosk service, opened from the command-line options.
struct ServiceStartup {
    let configuration: EventConfiguration
    let store: PledgeStore
    let parts: KioskServiceParts
    let host: String
    let port: Int
    let logger: Logger

    init(_ options: ServiceOptions, logger: Logger) throws {
        var configuration = try options.store.loadConfiguration()
        let host = options.host ?? configuration.host
        var port = options.port ?? configuration.port
        let reservation: PortReservation?
        do { reservation = port == 0 ? try PortReservation(host: host) : nil } catch {
            throw CLIError(
                "Không tìm được cổng trống trên \(host) · cannot find a free port on \(host): "
                    + error.localizedDescription)
        }
        if let reservation { port = reservation.port }
        let base = configuration.publicBaseURL ?? "http://\(NetworkAddress.reachableHost(listeningOn: host)):\(port)"
        let links: CertificateLinks
        do { links = try CertificateLinks(baseURL: base) } catch { throw CLIError(error) }
        let pages: PageTemplates
        do { pages = try PageTemplates(folder: configuration.templatesFolder) } catch {
            throw CLIError("template: \(error)")
        }
        let certificates = try CertificateTemplates.loadForCommand(configuration)
        for warning in configuration.warnings(today: Date()) {
            FileHandle.standardError.write(Data("kiosk: warning: \(warning)\n".utf8))
        }
        // Names of children live in this file and its log: readable by the owner and group only.
        umask(0o027)
        let openFiles = Result { try OpenFilesLimit.raiseSoftToHard() }
        let metrics = ServiceMetrics()
        // With a hub, codes of the issued form, which the hub recognizes before their pledge arrives.
        var codeIssuer: CodeIssuer?
        if let token = configuration.hub?.token {
            do throws(PledgeError) { codeIssuer = try SyncToken(parsing: token).codeIssuer } catch {
                throw CLIError(error.message.vi + " · " + error.message.en)
            }
        }
        let store = try options.store.openForService(
            configuration: configuration, links: links, newDatabase: options.newDatabase,
            whenGone: { gone in Self.logDatabaseGone(gone, logger: logger) }, metrics: metrics.factory,
            codeIssuer: codeIssuer)
        // One service per database: two (each on its own port) would each run a hub relay, the
        // retention purge and the backups over the same rows (breaker: relays raced, "acknowledged
        // 8829" for 2508 pledges). Taken once the database is open (its folder exists: a first
        // use makes it), before this service writes or sends anything.
        let serviceLock: ExclusiveFileLock
        do { serviceLock = try Self.lockDatabase(options.store.database) } catch {
            try? store.close()
            throw error
        }
        if configuration.kioskToken == nil {
            // Never an open LAN: a token from the data folder, made on the first start.
            do {
                configuration.kioskToken = try KioskTokenFile.tokenForService(
                    database: options.store.database, organizerToken: configuration.organizerToken)
            } catch {
                try? store.close()
                throw error
            }
        }
        self.configuration = configuration
        self.store = store
        let backups = configuration.backup.map {
            Self.scheduledBackups($0, store: store, retentionDeadline: configuration.retentionDeadline, logger: logger)
        }
        // The recorder the HTTP routes and `kiosk run`'s front share: the store, observed by the
        // log of recorded pledges (and the live counter, which the parts add).
        var parts = KioskServiceParts(
            pledges: store, observers: [PledgeLog(logger: logger, defaultKioskID: configuration.kioskID)],
            // The store's links: the hub's certificate base once an event linked to a hub knows it.
            recordedKeys: store, changes: store, configuration: configuration, links: store.links, pages: pages,
            certificates: CertificateRenderer(templates: certificates), kiosks: store, organizer: store,
            organizerToken: configuration.organizerToken, metrics: metrics, readiness: store)
        parts.codeIssuer = codeIssuer
        parts.hub = store
        parts.signers = store
        // Linked: the presence key derived from the code key, so the hub's flow takes the codes too.
        do throws(PledgeError) {
            if let codeIssuer {
                parts.presence = PresenceCodes(linkedTo: codeIssuer)
            } else {
                parts.presence = try store.presenceCodes()
            }
        } catch {
            try? store.close()
            throw CLIError(error, "database")
        }
        if let backups {
            parts.afterErasure = { @Sendable () async -> ErasureCopies in
                await Self.reconcile(backups, logger: logger)
            }
        }
        self.parts = parts
        self.backups = backups
        self.host = host
        self.port = port
        self.portReservation = reservation
        self.serviceLock = serviceLock
        self.logger = logger
        self.openFiles = openFiles
    }

    /// This service's lock on its database (``lockDatabase(_:)``), held until the process ends.
    let serviceLock: ExclusiveFileLock

    /// The port `--port 0` picked, held until the process ends; nil: a port was named.
    let portReservation: PortReservation?

    /// The scheduled backups (`backup:` in the configuration); nil: none.
    let backups: ScheduledBackups?

    /// The open files limit before and after start-up raised it, or why it could not.
    let openFiles: Result<(before: OpenFilesLimit, after: OpenFilesLimit), any Error>

    /// Logs the open files limit (numbers only). Every live viewer, kiosk and phone holds a socket:
    /// thousands of `/live/events` viewers need more than the usual soft limit of 1,024, so start-up
    /// takes what the hard limit allows.
    func logOpenFilesLimit() {
        Self.log(openFiles, logger: logger)
    }

    /// Logs `openFiles` (``OpenFilesLimit/raiseSoftToHard()``'s result; numbers only): `kiosk
    /// serve`, `kiosk run` and `kiosk hub serve` (its live viewers).
    static func log(
        _ openFiles: Result<(before: OpenFilesLimit, after: OpenFilesLimit), any Error>, logger: Logger
    ) {
        switch openFiles {
        case .success(let (before, after)):
            logger.info(
                "open files limit",
                metadata: ["soft": "\(after.soft)", "before": "\(before.soft)", "hard": "\(after.hard)"])
        case .failure(let error):
            logger.warning("open files limit not raised", metadata: ["error": "\(error)"])
        }
    }

    /// The line printed when the service is up; tests read the port from it.
    var listeningLine: String {
        "kiosk: listening on http://\(NetworkAddress.hostInURL(host)):\(port) · certificate links: \(parts.links.qrBaseURL)/C/…"
    }

    private enum Stage: Sendable { case listening, stopped }

    /// Runs the HTTP service. Once it listens, runs `whileListening` and then stops the service
    /// gracefully; without it, runs until one of `signals` asks for a graceful shutdown. Fails
    /// before `whileListening` starts when the address cannot be bound, so a kiosk never hands out
    /// links that nothing answers. The database is closed (and its WAL checkpointed) on every path.
    func run(
        shutdownSignals signals: [UnixSignal], whileListening: (@Sendable () async throws -> Void)? = nil
    ) async throws {
        defer {
            do {
                try store.close()
            } catch {
                logger.error("database not closed cleanly", metadata: ["error": "\(error)"])
            }
        }
        let relay = makeHubRelay()
        if let relay { try await firstHubContact(relay) } else { await warnIfLinkedWithoutHub() }
        let (listening, announce) = AsyncStream.makeStream(of: Void.self)
        let app = buildApplication(parts, host: host, port: port, logger: logger) { _ in
            announce.yield()
            announce.finish()
        }
        // Shut down in reverse order: the live counter's streams close before the server drains.
        let services = ServiceGroup(
            configuration: .init(
                services: [app] + shutdownCompanions(for: parts), gracefulShutdownSignals: signals, logger: logger))
        let (store, configuration, logger) = (store, configuration, logger)
        let line = listeningLine
        let (host, port) = (host, port)
        try await withThrowingTaskGroup(of: Stage.self) { tasks in
            tasks.addTask {
                try await services.run()
                return .stopped
            }
            tasks.addTask {
                for await _ in listening { return .listening }
                return .stopped
            }
            let first: Stage?
            do {
                first = try await tasks.next()
            } catch {
                throw CLIError(
                    "Không mở được cổng \(port) trên \(host): có thể một chương trình khác (hoặc một kiosk khác) "
                        + "đang dùng cổng này; chọn cổng khác bằng --port (make run PORT=8081).\n"
                        + "cannot listen on \(host):\(port): \(Self.reason(error)); another program (or another "
                        + "kiosk) may hold the port: pick another with --port (make run PORT=8081).")
            }
            guard first == .listening else { return }
            FileHandle.standardError.write(Data((line + "\n").utf8))
            warnIfLinksOnLoopback()
            // Only now, holding its port and its database: a second service started by mistake
            // stops at the database's lock (or the bind above) and never purges. Names and schools
            // past the retention date are erased once a day while it runs (see Retention.daily for when).
            let retention = Task { [backups] in
                await Retention.daily(store, configuration: configuration, backups: backups, logger: logger)
            }
            defer { retention.cancel() }
            let backups = Task { [backups] in
                await backups?.run(reconciled: { Self.log($0, logger: logger) }) { Self.log($0, logger: logger) }
            }
            defer { backups.cancel() }
            let uploads = relay.map { relay in Task { await relay.run() } }
            defer { uploads?.cancel() }
            if let whileListening {
                do {
                    try await whileListening()
                } catch {
                    await services.triggerGracefulShutdown()
                    throw error
                }
                await services.triggerGracefulShutdown()
            }
            try await tasks.waitForAll()
            // A purge or a backup under way finishes before the store closes.
            retention.cancel()
            await retention.value
            backups.cancel()
            await backups.value
            uploads?.cancel()
            await uploads?.value
        }
    }

    /// The database file left its path while the service ran: said once, loudly (paths only).
    static func logDatabaseGone(_ gone: DatabaseGone, logger: Logger) {
        logger.error(
            "DATABASE GONE: \(gone.reason); no pledge is acknowledged until the service is restarted on a database at its path",
            metadata: [
                "database": "\(gone.path)", "rescued.copy": "\(gone.rescuePath ?? "none")",
                "rescue.error": "\(gone.rescueError ?? "none")",
            ])
    }

    static func reason(_ error: any Error) -> String {
        if let io = error as? IOError {
            return String(cString: strerror(io.errnoCode))
        }
        return "\(error)"
    }
}
