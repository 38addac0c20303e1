import ArgumentParser
import Certificates
import Foundation
import HubCore
import HubService
import HubStore
import KioskAPI
import KioskConfiguration
import KioskPages
import LiveWeb
import Logging
import NIOCore
import PledgeKit
import ServerHardening
import ServiceLifecycle
import UnixSignals

/// `kiosk hub`: the national hub on PostgreSQL (issue 14): `serve`, `add-event`, `migrate`,
/// `reconcile`; its organizer accounts (issue 15): `add-organizer`, `organizers`, `remove-organizer`;
/// `export` of a scope's pledges or counts with a manifest.
struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "The national hub: every event's pledges on PostgreSQL, certificates at the official domain.",
        subcommands: [
            HubServe.self, HubAddEvent.self, HubMigrate.self, HubReconcile.self, HubAddOrganizer.self,
            HubListOrganizers.self, HubRemoveOrganizer.self, HubExport.self,
        ]
    )
}

/// Where the hub's database is: `--database-url postgres://…`, or the standard `PG*` variables.
struct HubDatabaseOptions: ParsableArguments {
    @Option(
        help: """
            The hub's database, postgres://user:password@host:port/name; what it leaves out comes from \
            PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (PGHOST may be a socket folder).
            """)
    var databaseURL: String?

    /// The database's connection settings.
    func configuration() throws -> HubStoreConfiguration {
        do {
            return try HubStoreConfiguration(url: databaseURL, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CLIError(Self.text(error))
        }
    }

    /// A hub error as the command line says it, Vietnamese first.
    static func text(_ error: HubError) -> String {
        "\(error.message.vi) · \(error.message.en)"
    }
}

/// `kiosk hub migrate`: applies the hub's forward-only migrations (each once, under an advisory lock).
struct HubMigrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply the hub's database migrations (safe to run again).")

    @OptionGroup var database: HubDatabaseOptions

    func run() async throws {
        let applied = try await HubDatabase.with(try database.configuration(), migrate: false) { store in
            try await store.migrate()
        }
        let versions = applied.isEmpty ? "none" : applied.map(String.init).joined(separator: ", ")
        print("Cơ sở dữ liệu của hub đã cập nhật · The hub's database is up to date (migrations applied: \(versions)).")
    }
}

/// `kiosk hub serve`: the hub's HTTP service.
struct HubServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the national hub: sync batches from events, national counts, every event's certificates.")

    @OptionGroup var database: HubDatabaseOptions

    @Option(
        help:
            "The hub's public base of certificate links, e.g. https://khongmotminh.vn (at most 30 characters keeps QR codes at version 3)."
    )
    var certificateBaseURL: String

    @Option(help: "The campaign's configuration (YAML): its pledge text, safety resources and templates folders.")
    var config: String = "Kiosk/event.yaml"

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "The TCP port to listen on; 0 picks a free port.")
    var port: Int = 8090

    @Option(
        help: ArgumentHelp(
            "Seconds between checks of the counters against the pledges (drift is logged; 0: never).",
            valueName: "seconds"))
    var reconcileEvery: Int = 3600

    @OptionGroup var standby: HubStandbyOptions

    @Option(
        name: .customLong("trusted-proxy"),
        help: ArgumentHelp(
            "The IP address of a reverse proxy in front of the hub (nginx), whose X-Forwarded-For names the client the per-address limits count; repeat for several.",
            valueName: "address"))
    var trustedProxies: [String] = []

    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError(
                "--port phải từ 0 đến 65535, không phải \(port) · --port must be 0–65535, not \(port).")
        }
        // At most a year: a sleep of Int.max seconds traps (found by the breaker).
        guard (0...31_536_000).contains(reconcileEvery) else {
            throw ValidationError(
                "--reconcile-every phải từ 0 (không bao giờ) đến 31536000 giây (một năm), không phải \(reconcileEvery) · "
                    + "--reconcile-every must be 0 (never) to 31536000 seconds (a year), not \(reconcileEvery).")
        }
        for proxy in trustedProxies where (try? SocketAddress(ipAddress: proxy, port: 0)) == nil {
            throw ValidationError(
                "--trusted-proxy phải là địa chỉ IP (IPv4 hoặc IPv6), không phải '\(proxy)' · --trusted-proxy must be an IP address (IPv4 or IPv6), not '\(proxy)'."
            )
        }
        try standby.validate()
    }

    func run() async throws {
        var logger = Logger(label: "kiosk-hub")
        logger.logLevel = .info
        // Every live viewer holds a socket: thousands need more than the usual soft limit of 1,024.
        ServiceStartup.log(Result { try OpenFilesLimit.raiseSoftToHard() }, logger: logger)
        let campaign: EventConfiguration
        do { campaign = try EventConfiguration.load(from: URL(fileURLWithPath: config)) } catch let error
            as ConfigurationError
        { throw CLIError("configuration: \(error)") }
        let links: CertificateLinks
        do { links = try CertificateLinks(baseURL: certificateBaseURL) } catch { throw CLIError(error) }
        if links.baseURL.count > EventConfiguration.recommendedBaseURLLength {
            FileHandle.standardError.write(
                Data(
                    ("kiosk: warning: --certificate-base-url has \(links.baseURL.count) characters; up to "
                        + "\(EventConfiguration.recommendedBaseURLLength) keep certificate QR codes at version 3\n")
                        .utf8))
        }
        let pages: PageTemplates
        do { pages = try PageTemplates(folder: campaign.templatesFolder) } catch {
            throw CLIError("template: \(error)")
        }
        let renderer = CertificateRenderer(templates: try CertificateTemplates.loadForCommand(campaign))
        let (host, port) = (host, port)
        // Listening: pages keep what they read until a pledge or an event at the hub changes.
        let standbyConfiguration = try standby.configuration()
        try await HubDatabase.with(
            try database.configuration(), standby: standbyConfiguration, migrate: true, listen: true
        ) { store in
            var parts = HubServiceParts(
                records: store, links: links, campaign: campaign, pages: pages, certificates: renderer,
                changes: store)
            // Phones pledge at the official domain too (issue 16).
            parts.webPledges = store
            // Organizers of every scope, each request in the audit log (issue 15).
            parts.organizers = store
            // The national live counter: every commit of pledges, in any hub process, refreshes it.
            let live = LiveCounter(source: HubLiveTotals(records: store))
            store.observeCounts { live.pledgeCommitted() }
            parts.live = live
            parts.trustedProxies = trustedProxies
            if let standbyConfiguration {
                logger.info(
                    "certificate and public count reads ask the standby first",
                    metadata: ["hub.standby": "\(standbyConfiguration)"])
            }
            let app = buildHubApplication(parts, host: host, port: port, logger: logger) { bound in
                FileHandle.standardError.write(
                    Data(
                        "kiosk: hub listening on http://\(NetworkAddress.hostInURL(host)):\(bound) · certificate links: \(links.qrBaseURL)/C/…\n"
                            .utf8))
            }
            // Names past each event's retention date are erased at the hub too, hourly.
            let retention = Task { [logger] in
                while !Task.isCancelled {
                    do throws(HubError) {
                        let erased = try await store.purgeExpired(at: Date(), clockTolerance: .seconds(3600))
                        if erased > 0 { logger.info("names past retention erased", metadata: ["pledges": "\(erased)"]) }
                    } catch {
                        logger.warning("retention purge failed", metadata: ["error": "\(error.message.en)"])
                    }
                    try? await Task.sleep(for: .seconds(3600))
                }
            }
            defer { retention.cancel() }
            // The counters, checked against the pledges now and then (under an advisory lock: one
            // hub process at a time).
            let reconciliation =
                reconcileEvery > 0
                ? Task { [logger, reconcileEvery] in
                    await HubReconcile.periodically(store, every: .seconds(reconcileEvery), logger: logger)
                } : nil
            defer { reconciliation?.cancel() }
            let services = ServiceGroup(
                // After the application: stopped first (in reverse), so open live viewers never hold up its drain.
                configuration: .init(
                    services: [app, LiveShutdown(live: live)], gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
            try await services.run()
        }
    }
}

/// The hub's store for one command: connected and checked (a wrong host, port, database, user or
/// password is a clear error at once), migrated when asked, closed when `body` returns.
enum HubDatabase {
    static func with<Result: Sendable>(
        _ configuration: HubStoreConfiguration, standby: HubStoreConfiguration? = nil, migrate: Bool,
        listen: Bool = false, _ body: (HubStore) async throws -> Result
    ) async throws -> Result {
        do {
            return try await withHubStore(
                configuration, standby: standby, logger: Logger(label: "kiosk-hub-store"), migrate: migrate,
                listen: listen, body)
        } catch let error as HubError {
            throw CLIError(HubDatabaseOptions.text(error))
        }
    }
}
