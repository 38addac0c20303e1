import Foundation
import KioskFront

#if canImport(Glibc)
    import Glibc
#endif

// MARK: In the child

extension TerminalGuard {
    /// A child whose guard is gone (killed with SIGKILL) ends as on SIGHUP, restoring the
    /// terminal, rather than drawing over whatever has the terminal now (a trial's shell prompt
    /// came up under a screen that still held the port and the database). Checked each second:
    /// the parent's id changes when the guard dies (`prctl(PR_SET_PDEATHSIG)` is variadic C).
    static func watchGuard() {
        let guardID = getppid()
        Task.detached(priority: .background) {
            while getppid() == guardID { try? await Task.sleep(for: .seconds(1)) }
            kill(getpid(), SIGHUP)
        }
    }

    /// What a child tells its guard (one line each on the `KIOSK_GUARD_FD` pipe).
    enum Report {
        /// The front drew its first screen: start-up is over.
        case ready
        /// The attendant quit: the guard ends with this child.
        case quit
        /// An environment variable for every later child (`NAME=VALUE`, no newline).
        case keep(name: String, value: String)

        var line: String {
            switch self {
            case .ready: "ready\n"
            case .quit: "quit\n"
            case .keep(let name, let value): "keep \(name)=\(value)\n"
            }
        }
    }

    /// The pipe to the guard, in a child; nil without a guard. Closed on exec: it is the guard's
    /// business only.
    private static let channel: Int32? = {
        guard getenv(childMark) != nil, let text = getenv(channelVariable),
            let descriptor = Int32(String(cString: text)),
            descriptor > STDERR_FILENO, fcntl(descriptor, F_GETFD) >= 0
        else { return nil }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        return descriptor
    }()

    /// Tells the guard (nothing without one). One write(2) of a few bytes: atomic on a pipe.
    static func report(_ report: Report) {
        guard let channel else { return }
        _ = report.line.withCString { write(channel, $0, strlen($0)) }
    }

    /// How often and when the guard started this screen again; nil on the first start.
    static var restart: RestartNotice? {
        guard getenv(childMark) != nil, let count = environment(countVariable).flatMap({ Int($0) }), count > 0,
            let time = environment(timeVariable).flatMap({ TimeInterval($0) })
        else { return nil }
        return RestartNotice(count: count, time: Date(timeIntervalSince1970: time))
    }

    /// Wrong attendant PINs in a row that an earlier screen process kept (``keepPINFailures(_:)``).
    static var pinFailures: Int { environment(pinFailuresVariable).flatMap { Int($0) } ?? 0 }

    /// Keeps the count of wrong PINs for the next screen process, so a restart never resets the
    /// PIN back-off.
    static func keepPINFailures(_ count: Int) {
        report(.keep(name: pinFailuresVariable, value: String(count)))
    }

    /// How the previous child ended (`signal 9`, `exit status 1`), for the log; nil on the first start.
    static var restartCause: String? { restart == nil ? nil : environment(causeVariable) }

    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
