import Foundation
import KioskTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk serve` as a child process on a loopback port, for tests that kill it.
final class KioskProcess {
    let process = SpawnedProcess()
    let log: URL
    /// Its standard output: where a kiosk token generated on this start is printed.
    let output: URL
    private(set) var port = 0

    /// Starts `kiosk serve` on 127.0.0.1 with a free port and waits until it listens.
    /// - Parameter openFiles: soft and hard `RLIMIT_NOFILE` to start it with (a shell's `ulimit`
    ///   before `exec`, so the process is still the kiosk itself); nil: this process's limits.
    /// - Parameter environment: variables added to this process's environment (``FakeClock``).
    /// - Parameter extraArguments: more arguments of `kiosk serve` (`--new-database`).
    /// - Parameter kioskToken: set as `KIOSK_KIOSK_TOKEN` (which wins over the configuration's);
    ///   nil: the configuration's, or the one the service keeps in its data folder.
    convenience init(
        database: String, config: String = RepositoryPaths.defaultConfiguration.path, port: Int = 0,
        openFiles: (soft: Int, hard: Int)? = nil, environment: [String: String] = [:],
        extraArguments: [String] = [], kioskToken: String? = TestEvent.kioskToken, timeout: TimeInterval = 30
    ) throws {
        var added = environment
        if let kioskToken { added["KIOSK_KIOSK_TOKEN"] = kioskToken }
        try self.init(
            launching: [
                "serve", "--config", config, "--database", database, "--host", "127.0.0.1", "--port", "\(port)",
            ] + extraArguments,
            openFiles: openFiles, environment: added, timeout: timeout)
    }

    /// Starts `kiosk` with `arguments` (a command that serves HTTP on a loopback port it logs as
    /// `listening on http://127.0.0.1:PORT`: `serve`, `hub serve`) and waits until it listens.
    /// - Parameter executable: the program; `kiosk` unless a script that ends in it (`scripts/hub`).
    init(
        launching arguments: [String], executable: String = RepositoryPaths.kioskBinary,
        openFiles: (soft: Int, hard: Int)? = nil, environment: [String: String] = [:], timeout: TimeInterval = 30
    ) throws {
        let logs = temporaryDirectory("serve-log")
        log = logs.appendingPathComponent("stderr.txt")
        output = logs.appendingPathComponent("stdout.txt")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        if let openFiles {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments =
                [
                    "-c", "ulimit -S -n \(openFiles.soft) && ulimit -H -n \(openFiles.hard) && exec \"$0\" \"$@\"",
                    executable,
                ] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardInput = FileHandle.nullDevice
        try ProcessRunner.launch(process)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                self.port = Int(text[range].split(separator: ":").last!)!
                return
            }
            guard process.isRunning else { break }
            usleep(50_000)
        }
        process.terminate()
        throw KioskProcessError(log: (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    /// SIGKILL: no handler runs, no buffer is flushed, as in a power cut of the process. Returns
    /// once the exit is seen, or after `bound` seconds: Foundation sees a child's exit only once
    /// every process holding the socket it gives the child has closed it, so a daemon the child
    /// started with that descriptor open would hold the wait as long as it runs (`scripts/hub`'s
    /// PostgreSQL did, and a test hung).
    /// - Returns: whether the exit was seen.
    @discardableResult
    func kill9(bound: TimeInterval = 60) -> Bool {
        kill(process.processIdentifier, SIGKILL)
        let deadline = Date().addingTimeInterval(bound)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        return !process.isRunning
    }

    /// How a ``stop(grace:)`` went.
    struct Stopped: Sendable {
        /// Whether SIGTERM alone ended the service (no SIGKILL was needed).
        var onSIGTERM: Bool
        /// From SIGTERM to the exit.
        var seconds: Double
        /// The exit status, or the signal that ended it; -1 when no exit was seen (``kill9(bound:)``).
        var status: Int32
        var reason: Process.TerminationReason

        /// Ended by SIGTERM alone (within the SIGKILL grace), with exit status 0. Suites in the
        /// parallel run check this; how fast is ``isClean(within:)``'s, in suites that run alone.
        var isClean: Bool { onSIGTERM && reason == .exit && status == 0 }

        /// ``isClean``, and within `limit` seconds.
        func isClean(within limit: Double) -> Bool { isClean && seconds <= limit }
    }

    /// SIGTERM, then SIGKILL if the service has not exited within `grace` seconds. The SIGKILL is
    /// only a safety net, so a service stuck in shutdown fails its test instead of hanging the
    /// whole run: tests check ``Stopped/onSIGTERM``. 30 s: a clean stop in the loaded parallel run
    /// once took longer than 15 (how fast a stop must be is ``Stopped/isClean(within:)``'s, in
    /// suites that run alone).
    @discardableResult
    func stop(grace: TimeInterval = 30) -> Stopped {
        terminate()
        return waitForExit(grace: grace)
    }

    private var terminatedAt: Date?

    /// Sends SIGTERM (once) and returns at once.
    func terminate() {
        guard process.isRunning, terminatedAt == nil else { return }
        terminatedAt = Date()
        process.terminate()
    }

    /// Waits for the exit after ``terminate()``, and sends SIGKILL if it has not come within
    /// `grace` seconds of the SIGTERM.
    func waitForExit(grace: TimeInterval = 30) -> Stopped {
        let start = terminatedAt ?? Date()
        while process.isRunning, Date() < start.addingTimeInterval(grace) { usleep(20_000) }
        let seconds = Date().timeIntervalSince(start)
        let onSIGTERM = !process.isRunning
        if onSIGTERM { process.waitUntilExit() } else { kill9() }
        guard !process.isRunning else {
            return Stopped(onSIGTERM: false, seconds: seconds, status: -1, reason: .uncaughtSignal)
        }
        return Stopped(
            onSIGTERM: onSIGTERM, seconds: seconds, status: process.terminationStatus,
            reason: process.terminationReason)
    }

    deinit { stop() }
}

extension KioskProcess {
    /// Seconds a SIGTERM may take to end the service (its drain takes a fraction of a second).
    static let exitLimit = 3.0

    /// ``stop(grace:)``, waited for off Swift's shared task threads.
    static func stop(_ server: KioskProcess) async throws -> Stopped {
        let started = Started(server)
        return try await offPool { started.process.stop() }
    }

    /// ``waitForExit(grace:)``, waited for off Swift's shared task threads.
    static func waitForExit(_ server: KioskProcess) async throws -> Stopped {
        let started = Started(server)
        return try await offPool { started.process.waitForExit() }
    }
}

struct KioskProcessError: Error, CustomStringConvertible {
    let log: String
    var description: String { "kiosk did not start:\n\(log)" }
}
