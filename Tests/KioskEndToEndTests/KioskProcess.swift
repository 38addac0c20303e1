import Foundation
import KioskTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk serve` as a child process on a loopback port, for tests that kill it.
final class KioskProcess {
    let process = Process()
    let log: URL
    private(set) var port = 0

    /// Starts `kiosk serve` on 127.0.0.1 with a free port and waits until it listens.
    /// - Parameter openFiles: soft and hard `RLIMIT_NOFILE` to start it with (a shell's `ulimit`
    ///   before `exec`, so the process is still the kiosk itself); nil: this process's limits.
    init(
        database: String, config: String = RepositoryPaths.defaultConfiguration.path, port: Int = 0,
        openFiles: (soft: Int, hard: Int)? = nil, timeout: TimeInterval = 30
    ) throws {
        log = temporaryDirectory("serve-log").appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let arguments = [
            "serve", "--config", config, "--database", database,
            "--host", "127.0.0.1", "--port", "\(port)",
        ]
        if let openFiles {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments =
                [
                    "-c", "ulimit -S -n \(openFiles.soft) && ulimit -H -n \(openFiles.hard) && exec \"$0\" \"$@\"",
                    RepositoryPaths.kioskBinary,
                ] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: RepositoryPaths.kioskBinary)
            process.arguments = arguments
        }
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
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

    /// SIGKILL: no handler runs, no buffer is flushed, as in a power cut of the process.
    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then SIGKILL if the service has not exited within `grace` seconds, so a service
    /// stuck in shutdown fails its own test instead of hanging the whole run.
    /// - Returns: whether it exited on SIGTERM alone.
    @discardableResult
    func stop(grace: TimeInterval = 15) -> Bool {
        guard process.isRunning else { return true }
        process.terminate()
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        guard process.isRunning else { return true }
        kill9()
        return false
    }

    deinit { stop() }
}

struct KioskProcessError: Error, CustomStringConvertible {
    let log: String
    var description: String { "kiosk serve did not start:\n\(log)" }
}
