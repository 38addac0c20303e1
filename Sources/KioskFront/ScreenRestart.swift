import Foundation
import PledgeKit

/// The screen process was started again by its terminal guard (`kiosk run`, `kiosk front`) after
/// it ended without the attendant's quit: how often, and when last. The front shows it to the
/// attendant (welcome footer, status screen; `common.restartedMark` in `front.yaml`).
public struct RestartNotice: Sendable, Equatable {
    /// Starts after the first one, failed starts included: 1 after one crash.
    public var count: Int
    /// When the guard last started the screen again.
    public var time: Date

    public init(count: Int, time: Date) {
        self.count = count
        self.time = time
    }

    /// The time as `HH:mm` in Vietnam time (UTC+7, no daylight saving), as the event's other
    /// times are shown (the admin page, certificates), whatever the machine's time zone.
    public var clockText: String {
        let seconds = Int(time.timeIntervalSince1970.rounded(.down)) + VietnamTime.offsetSeconds
        let minuteOfDay = ((seconds / 60) % (24 * 60) + 24 * 60) % (24 * 60)
        let hour = minuteOfDay / 60
        let minute = minuteOfDay % 60
        return (hour < 10 ? "0" : "") + String(hour) + ":" + (minute < 10 ? "0" : "") + String(minute)
    }
}

/// How long the terminal guard waits before it starts the screen again: short at first, doubling
/// after each quick end (0.5 s, 1 s, 2 s, 4 s … at most 30 s), back to the shortest once the
/// screen has run for a minute. A screen that crashes at once never spins the CPU; one that
/// crashed after a long day comes back within half a second.
public struct RestartBackoff: Sendable, Equatable {
    public static let shortest: Duration = .milliseconds(500)
    public static let longest: Duration = .seconds(30)
    /// A screen that ran at least this long counts as having worked: the wait starts again from
    /// ``shortest``.
    public static let steady: Duration = .seconds(60)

    /// Ends in a row that came before `steady`.
    public private(set) var quickEnds = 0

    public init() {}

    /// The wait before the next start, after a screen that ran for `ran` (from its start to its end).
    public mutating func delay(afterRunning ran: Duration) -> Duration {
        if ran >= Self.steady { quickEnds = 0 }
        quickEnds += 1
        var delay = Self.shortest
        for _ in 1..<quickEnds {
            delay *= 2
            if delay >= Self.longest { return Self.longest }
        }
        return delay
    }
}

/// Whether the terminal guard ends with a screen process that ended, or starts it again. Only
/// the attendant's quit, a termination sent to the guard, or a terminal that is gone end it, and
/// a first start that exits with an error (a bad configuration, the port in use: the operator's
/// to fix, with the message left on the terminal). Everything else is a crash and restarts,
/// including a first start killed by a signal before it drew its screen: a signal is no
/// configuration error, and ending there would leave a shell in front of attendees.
public enum RestartPolicy {
    /// - Parameters:
    ///   - quit: the child reported the attendant's quit.
    ///   - terminated: SIGTERM or SIGHUP came to the guard.
    ///   - terminalGone: the guard's terminal no longer answers.
    ///   - everReady: this child or an earlier one drew its first screen.
    ///   - killedBySignal: the child ended by a signal, not an exit.
    /// - Returns: true when the guard ends.
    public static func ends(
        quit: Bool, terminated: Bool, terminalGone: Bool, everReady: Bool, killedBySignal: Bool
    ) -> Bool {
        quit || terminated || terminalGone || (!everReady && !killedBySignal)
    }
}
