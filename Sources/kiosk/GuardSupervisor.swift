import Foundation
import KioskFront
import ServerHardening

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

/// How a child ended, and what it reported.
struct ChildEnd {
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
struct Supervisor {
    let saved: termios
    let wakeRead: Int32
    var kept: [String: String] = [:]
    /// The port `--port 0` picked (``Run/keptPort``), held from the first child's end on: the
    /// next child listens on it again, and no other program may take it in between (breaker:
    /// one did in the 0.5 s before a restart, and the screen could not start for 20 s).
    var portHold: PortReservation?
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
        if portHold == nil, let port = kept[Run.keptPort].flatMap({ Int($0) }) {
            portHold = try? PortReservation(host: "0.0.0.0", port: port)
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
}
