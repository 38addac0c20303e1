import ArgumentParser
import Foundation
import Hummingbird
import KioskFront
import KioskService
import Logging
import PledgeStore

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk run`: the terminal front and the HTTP service in one process, sharing one store.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the kiosk: the attendee screen on this terminal, and the HTTP service for phones."
    )

    @OptionGroup var options: ServiceOptions

    @Option(help: "Where the service's log goes while the front owns the terminal (default: beside the database).")
    var log: String?

    func run() async throws {
        guard TerminalFront.isInteractive else {
            throw CLIError("kiosk run needs a terminal for the attendee screen; without one, use `kiosk serve`.")
        }
        let startup = try ServiceStartup(options)
        // The parts' service tells the live counter about pledges from this front too.
        let front = try TerminalFront(service: startup.parts.service, configuration: startup.configuration)
        try redirectStandardError(
            to: log
                ?? URL(fileURLWithPath: options.store.database).deletingLastPathComponent().appendingPathComponent(
                    "kiosk.log"
                ).path)

        var logger = Logger(label: "kiosk")
        logger.logLevel = .info
        let line = startup.listeningLine(port: startup.port)
        let app = buildApplication(startup.parts, host: startup.host, port: startup.port, logger: logger) { _ in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        let (store, configuration, retentionLogger) = (startup.store, startup.configuration, logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            group.addTask { await Retention.daily(store, configuration: configuration, logger: retentionLogger) }
            // The front returns on Ctrl-C, SIGTERM or SIGHUP, with the terminal restored.
            try await front.run()
            await startup.parts.live?.close()
            group.cancelAll()
        }
        try startup.store.close()
    }

    /// The service logs go to a file, so they never draw over the attendee's screen.
    func redirectStandardError(to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw CLIError("cannot open the log file \(path)") }
        dup2(fd, STDERR_FILENO)
        close(fd)
    }
}
