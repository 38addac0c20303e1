import Foundation
import KioskFront

#if canImport(Glibc)
    import Glibc
#endif

// The guard's signal handlers read and write these (a C handler cannot capture).
/// The child being waited for; 0 between children.
nonisolated(unsafe) private var guardedChild: pid_t = 0
/// SIGTERM or SIGHUP as received by the guard; 0 until one comes.
nonisolated(unsafe) private var stopSignal: Int32 = 0
/// The write end of the guard's wake-up pipe, so a signal ends a restart's wait at once.
nonisolated(unsafe) private var wakeUp: Int32 = -1

/// Keeps the kiosk's screen on its terminal: only the attendant's quit leaves a shell there.
///
/// `kiosk run` and `kiosk front` call ``superviseIfNeeded()`` first. On a terminal, the process
/// becomes this guard and runs the same command again as its child (`KIOSK_TERMINAL_GUARDED`
/// set). The guard
/// - saves the terminal's settings, and while it supervises keeps the terminal in a mode without
///   ISIG, ECHO, IEXTEN and IXON, so Ctrl-C, Ctrl-\, Ctrl-Z and Ctrl-S typed between two screens
///   reach nobody (a child's raw mode starts from that mode and goes back to it); it ignores
///   SIGINT, SIGQUIT and SIGTSTP itself;
/// - forwards SIGTERM and SIGHUP to the child, and ends when the child has ended;
/// - starts the child again when it ends any other way: killed by a signal (SIGKILL, a Swift
///   trap's SIGILL or SIGTRAP, SIGSEGV), or exited with any status without the attendant's quit;
/// - ends by putting the saved settings back, showing the cursor and leaving the alternate
///   screen, and exits as the child did (128 + the signal's number after a signal; 0 when a
///   termination came while no child ran). It ends too when its terminal is gone.
///
/// **Start-up failure or crash.** A failure on the first start (a bad configuration, the port in
/// use, no PIN) is the operator's to fix: the child prints its error and the guard exits with
/// the child's status, as without a guard. The child tells the guard how far it got through a
/// pipe: the guard passes the write end's descriptor number in `KIOSK_GUARD_FD`, and the child
/// writes one line per ``Report`` (``report(_:)``): `ready` once the front has drawn its first
/// screen (in `kiosk run` the service listens by then); `quit` when the attendant quits;
/// `keep NAME=VALUE` for a variable every later child gets (the port `--port 0` picked, so the
/// links on certificates already handed out keep working). Once a child was ready, every end
/// without `quit` is a crash, and a restarted child that then fails at start-up is tried again
/// too, its error left on the screen during the wait. A first child killed by a signal before it
/// was ready is a crash as well (``RestartPolicy``).
///
/// **Restarts.** Before each new start the guard waits ``RestartBackoff`` (0.5 s doubling to
/// 30 s; back to 0.5 s after a minute of running) on a screen saying “Màn hình kiosk đang khởi
/// động lại… / The kiosk screen is restarting…” (its own words, not `front.yaml`'s: they must
/// show when the configuration is what fails). SIGTERM or SIGHUP ends the wait, and the guard,
/// at once. A restarted child gets `KIOSK_RESTART_COUNT` (starts after the first),
/// `KIOSK_RESTART_TIME` (Unix seconds of the last) and `KIOSK_RESTART_CAUSE` (`signal 9`,
/// `exit status 1`): ``restart``, ``restartCause``.
enum TerminalGuard {
    static let childMark = "KIOSK_TERMINAL_GUARDED"
    static let channelVariable = "KIOSK_GUARD_FD"
    static let countVariable = "KIOSK_RESTART_COUNT"
    static let timeVariable = "KIOSK_RESTART_TIME"
    static let causeVariable = "KIOSK_RESTART_CAUSE"
    static let pinFailuresVariable = "KIOSK_PIN_FAILURES"

    /// In the parent, never returns; in the child (or without a terminal), returns at once.
    /// - Throws: ``CLIError`` when the first child cannot be started at all.
    static func superviseIfNeeded() throws {
        if getenv(childMark) != nil { watchGuard() }
        guard isatty(STDIN_FILENO) == 1, getenv(childMark) == nil else { return }
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return }
        var supervisor = try Supervisor(saved: saved)
        try supervisor.run()
    }

    // MARK: In the child

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

    /// How the previous child ended (`signal 9`, `exit status 1`), for the log; nil on the first start.
    /// Wrong attendant PINs in a row that an earlier screen process kept (``keepPINFailures(_:)``).
    static var pinFailures: Int { environment(pinFailuresVariable).flatMap { Int($0) } ?? 0 }

    /// Keeps the count of wrong PINs for the next screen process, so a restart never resets the
    /// PIN back-off.
    static func keepPINFailures(_ count: Int) {
        report(.keep(name: pinFailuresVariable, value: String(count)))
    }

    static var restartCause: String? { restart == nil ? nil : environment(causeVariable) }

    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}

/// How a child ended, and what it reported.
private struct ChildEnd {
    /// waitpid(2)'s status.
    var status: Int32
    var ready = false
    var quit = false

    var signal: Int32? { status & 0x7F == 0 ? nil : status & 0x7F }
    /// The guard's own exit status when it ends with this child.
    var exitCode: Int32 { signal.map { 128 + $0 } ?? (status >> 8) & 0xFF }
    var cause: String { signal.map { "signal \($0)" } ?? "exit status \(exitCode)" }
}

/// The guard's loop: start, wait, decide, wait again, start again.
private struct Supervisor {
    let saved: termios
    let wakeRead: Int32
    var kept: [String: String] = [:]
    var restarts = 0
    var lastRestart = Date()
    var lastCause = ""
    var everReady = false
    var backoff = RestartBackoff()

    init(saved: termios) throws {
        self.saved = saved
        let ends = try Self.pipe()
        for end in [ends.read, ends.write] { _ = fcntl(end, F_SETFL, O_NONBLOCK) }
        wakeRead = ends.read
        wakeUp = ends.write
    }

    mutating func run() throws -> Never {
        for number in [SIGTERM, SIGHUP] {
            signal(number) { number in
                stopSignal = number
                if guardedChild > 0 { kill(guardedChild, number) }
                var byte: UInt8 = 1
                _ = Glibc.write(wakeUp, &byte, 1)
            }
        }
        // Keyboard signals: the terminal sends none in the guard's mode; sent by hand, they do nothing.
        for number in [SIGINT, SIGQUIT, SIGTSTP] { signal(number, SIG_IGN) }
        enterGuardMode()
        while true {
            let started = ContinuousClock.now
            let end: ChildEnd
            do {
                end = try runChild()
            } catch {
                guard everReady else {
                    restoreTerminal()
                    throw error
                }
                // Out of processes or memory for a moment: tried again like a failed start.
                show(clear: false, note: "kiosk: \(error)")
                end = ChildEnd(status: 1 << 8)
            }
            everReady = everReady || end.ready
            if RestartPolicy.ends(
                quit: end.quit, terminated: stopSignal != 0, terminalGone: !terminalIsThere, everReady: everReady,
                killedBySignal: end.signal != nil)
            {
                finish(end)
            }
            restarts += 1
            lastRestart = Date()
            lastCause = end.cause
            let delay = backoff.delay(afterRunning: ContinuousClock.now - started)
            enterGuardMode()
            if end.ready {
                show(clear: true)
            } else {
                let seconds = Int(
                    (Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18).rounded(.up))
                show(
                    clear: false,
                    note: "   Chưa khởi động được; thử lại sau \(seconds) giây…\r\n"
                        + "   It did not start; trying again in \(seconds) s…")
            }
            guard pause(for: delay) else { finish(nil) }
            show(clear: true)
        }
    }

    /// Starts the command again as a child and waits for its end.
    mutating func runChild() throws -> ChildEnd {
        let (reader, writer) = try Self.pipe()
        defer { close(reader) }
        _ = fcntl(writer, F_SETFD, 0)  // the child's end
        _ = fcntl(reader, F_SETFL, O_NONBLOCK)

        var environment = ProcessInfo.processInfo.environment.merging(kept) { $1 }
        environment[TerminalGuard.childMark] = "1"
        environment[TerminalGuard.channelVariable] = String(writer)
        if restarts > 0 {
            environment[TerminalGuard.countVariable] = String(restarts)
            environment[TerminalGuard.timeVariable] = String(Int(lastRestart.timeIntervalSince1970))
            environment[TerminalGuard.causeVariable] = lastCause
        }
        let variables = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        defer { for pointer in variables + arguments { free(pointer) } }

        // The child starts with default dispositions and no blocked signal, whatever the guard ignores.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGQUIT, SIGTSTP, SIGTERM, SIGHUP] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var child: pid_t = 0
        let spawned = posix_spawn(&child, "/proc/self/exe", nil, &attributes, arguments, variables)
        close(writer)
        guard spawned == 0 else {
            throw CLIError("cannot start the front under its terminal guard: \(String(cString: strerror(spawned)))")
        }
        guardedChild = child
        // A termination that came while the child was being started.
        if stopSignal != 0 { kill(child, stopSignal) }
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        guardedChild = 0

        var end = ChildEnd(status: status)
        for line in Self.readAll(reader).split(separator: "\n") {
            if line == "ready" { end.ready = true }
            if line == "quit" { end.quit = true }
            if line.hasPrefix("keep "), let equals = line.firstIndex(of: "=") {
                kept[String(line[line.index(line.startIndex, offsetBy: 5)..<equals])] = String(
                    line[line.index(after: equals)...])
            }
        }
        return end
    }

    /// A pipe whose ends close on exec (nothing else in the guard starts processes).
    static func pipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard Glibc.pipe(&ends) == 0 else {
            throw CLIError("cannot make the terminal guard's pipe: \(String(cString: strerror(errno)))")
        }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return (ends[0], ends[1])
    }

    /// What the child wrote; its end is closed, so this stops at the end of the pipe.
    static func readAll(_ descriptor: Int32) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Waits `delay`, or less when SIGTERM or SIGHUP comes; false then.
    func pause(for delay: Duration) -> Bool {
        let deadline = ContinuousClock.now + delay
        while stopSignal == 0 {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return true }
            let milliseconds = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
            // The handler writes to the wake-up pipe: a signal between the check and poll(2) still wakes it.
            var wake = pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)
            _ = poll(&wake, 1, Int32(milliseconds) + 1)
        }
        return false
    }

    var terminalIsThere: Bool {
        var probe = termios()
        return tcgetattr(STDIN_FILENO, &probe) == 0
    }

    /// The saved settings without the keys' signals, echo, Ctrl-V and flow control (see the type).
    func enterGuardMode() {
        var mode = saved
        mode.c_lflag &= ~tcflag_t(ISIG | ECHO | IEXTEN)
        mode.c_iflag &= ~tcflag_t(IXON)
        _ = tcsetattr(STDIN_FILENO, TCSANOW, &mode)
    }

    func restoreTerminal() {
        var settings = saved
        _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &settings)
    }

    /// The guard's screen between two children, on the alternate screen with the cursor hidden.
    /// - Parameters:
    ///   - clear: a new screen with the message; else `note` goes below what is there (a failed
    ///     start's error).
    func show(clear: Bool, note: String? = nil) {
        var text = "\u{1B}[0m"
        if clear {
            text +=
                "\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J\r\n\r\n"
                + "   Màn hình kiosk đang khởi động lại…\r\n   The kiosk screen is restarting…\r\n"
        }
        if let note { text += "\r\n\(note)\r\n" }
        Self.output(text)
    }

    /// Puts the terminal back and exits as `end` did (0 when no child ran).
    func finish(_ end: ChildEnd?) -> Never {
        restoreTerminal()
        var text = ""
        if restarts > 0 || end?.signal != nil {
            // The child could not clean up: default colours, cursor shown, normal screen.
            text += "\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l"
        }
        if let signal = end?.signal {
            text += "\r\nkiosk: the front stopped (signal \(signal)); terminal restored.\r\n"
        }
        Self.output(text)
        exit(end?.exitCode ?? 0)
    }

    static func output(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }
}
