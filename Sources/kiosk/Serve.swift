import ArgumentParser
import Foundation
import Hummingbird
import KioskService
import Logging
import PledgeStore

/// `kiosk serve`: the HTTP service alone.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the kiosk's HTTP service (pledge API, certificate pages, QR codes) without a terminal front."
    )

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        let startup = try ServiceStartup(options)
        var logger = Logger(label: "kiosk")
        logger.logLevel = .info
        let line = startup.listeningLine(port: startup.port)
        let app = buildApplication(startup.parts, host: startup.host, port: startup.port, logger: logger) { _ in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        // Stops gracefully on SIGINT and SIGTERM; pledges are committed before they are answered.
        let (store, configuration, retentionLogger) = (startup.store, startup.configuration, logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await Retention.daily(store, configuration: configuration, logger: retentionLogger) }
            try await runUntilSignalled(app, parts: startup.parts, logger: retentionLogger)
            group.cancelAll()
        }
        try startup.store.close()
    }
}
