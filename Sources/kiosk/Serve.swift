import ArgumentParser
import Foundation
import Logging
import UnixSignals

/// `kiosk serve`: the HTTP service alone.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the kiosk's HTTP service (pledge API, certificate pages, QR codes) without a terminal front."
    )

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        var logger = Logger(label: "kiosk")
        logger.logLevel = .info
        let startup = try ServiceStartup(options, logger: logger)
        startup.logOpenFilesLimit()
        // SIGINT and SIGTERM stop it gracefully; pledges are committed before they are answered.
        try await startup.run(shutdownSignals: [.sigterm, .sigint])
    }
}
