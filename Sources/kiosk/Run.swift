import ArgumentParser
import Foundation
import KioskFront
import KioskService
import Logging
import PledgeKit
import PledgeStore
import PledgeWeb

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk run`: the terminal front and the HTTP service in one process, sharing one store.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the kiosk: the attendee screen on this terminal, and the HTTP service for phones."
    )

    @OptionGroup var options: ServiceOptions

    @OptionGroup var developer: DeveloperModeOptions

    @Option(
        help: "Where the service's log goes while the front owns the terminal (default: kiosk.log beside the database)."
    )
    var log: String?

    func run() async throws {
        try developer.requireAttendantPIN(try options.store.loadConfiguration(), config: options.store.config)
        guard TerminalFront.isInteractive else {
            throw CLIError("kiosk run needs a terminal for the attendee screen; without one, use `kiosk serve`.")
        }
        try TerminalGuard.superviseIfNeeded()
        var logger = Logger(label: "kiosk")
        logger.logLevel = .info
        var options = self.options
        let restart = TerminalGuard.restart
        if restart != nil {
            // Restarted after a screen that was up, so after the database was opened: --new-database
            // did its work then, and a database gone since is the error it always is.
            options.newDatabase = false
            // The port that --port 0 picked on the first start: certificate links already shown point there.
            if let port = ProcessInfo.processInfo.environment[Self.keptPort].flatMap({ Int($0) }) {
                options.port = port
            }
        }
        let startup = try ServiceStartup(options, logger: logger)
        if (options.port ?? startup.configuration.port) == 0 {
            TerminalGuard.report(.keep(name: Self.keptPort, value: String(startup.port)))
        }
        let front: TerminalFront
        do {
            // The parts' recorder: its observers log pledges and tell the live counter, as the API's do.
            front = try TerminalFront(
                recorder: startup.parts.recorder, counter: startup.parts.counter, configuration: startup.configuration,
                presence: startup.parts.presence.map { startup.parts.presenceRoutes($0).linkSource },
                finder: startup.parts.signers,
                developerMode: developer.developerMode, restart: restart, pinFailures: TerminalGuard.pinFailures,
                onPINFailures: TerminalGuard.keepPINFailures)
        } catch {
            try? startup.store.close()
            throw CLIError("front texts: \(error)")
        }
        let logFile =
            log
            ?? URL(fileURLWithPath: options.store.database).deletingLastPathComponent()
            .appendingPathComponent("kiosk.log").path
        // Start-up errors (a port in use) still reach the terminal; after that, logs go to the file.
        try await startup.run(shutdownSignals: []) {
            try Self.redirectStandardError(to: logFile)
            startup.logOpenFilesLimit()
            Self.logRestart(restart, logger: startup.logger)
            // Returns on Ctrl-C, SIGTERM or SIGHUP, with the terminal restored.
            // The front on this machine is a kiosk too: `kiosk status` lists it with the others.
            let kioskID = startup.configuration.kioskID
            let store = startup.store
            let state = KioskStateBox()
            try? await store.heartbeat(kioskID: kioskID, KioskHeartbeat(state: .ready, waiting: 0), at: Date())
            // A heartbeat every 30 s too, so organizers can tell a working kiosk from a hung one.
            let beats = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(30))
                    guard !Task.isCancelled else { break }
                    try? await store.heartbeat(
                        kioskID: kioskID, KioskHeartbeat(state: state.value, waiting: 0), at: Date())
                }
            }
            defer { beats.cancel() }
            let ending = try await front.run(
                onDrawn: { TerminalGuard.report(.ready) },
                onReport: { newState in
                    state.value = newState
                    Task {
                        try? await store.heartbeat(
                            kioskID: kioskID, KioskHeartbeat(state: newState, waiting: 0), at: Date())
                    }
                })
            if ending == .quit { TerminalGuard.report(.quit) }
            beats.cancel()
            try? await store.heartbeat(kioskID: kioskID, KioskHeartbeat(state: .stopped, waiting: 0), at: Date())
        }
    }

    /// The variable in which the terminal guard keeps the port `--port 0` picked, for restarts.
    static let keptPort = "KIOSK_RUN_PORT"

    /// A restarted screen says so in the log: how often and why (no personal data).
    static func logRestart(_ restart: RestartNotice?, logger: Logger) {
        guard let restart else { return }
        logger.notice(
            "screen restarted by the terminal guard",
            metadata: [
                "restart.count": "\(restart.count)", "restart.cause": "\(TerminalGuard.restartCause ?? "unknown")",
            ])
    }

    /// The service logs go to a file, so they never draw over the attendee's screen.
    static func redirectStandardError(to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw CLIError("cannot open the log file \(path)") }
        dup2(fd, STDERR_FILENO)
        close(fd)
    }
}

/// The front's last state, read by the heartbeat timer.
final class KioskStateBox: @unchecked Sendable {
    private let lock = NSLock()
    private var state = KioskState.ready

    var value: KioskState {
        get { lock.withLock { state } }
        set { lock.withLock { state = newValue } }
    }
}
