import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The child the guard waits for, for its signal handlers (a C handler cannot capture).
nonisolated(unsafe) private var guardedChild: pid_t = 0

/// Restores the terminal even when the front dies without unwinding (a Swift trap, SIGKILL).
///
/// `kiosk run` and `kiosk front` run themselves again as a child; this process keeps the
/// terminal's settings saved before raw mode, forwards termination signals to the child, and
/// when the child ends in any way puts the settings back (echo, canonical mode), shows the
/// cursor and leaves the alternate screen. It then exits as the child did.
enum TerminalGuard {
    static let childMark = "KIOSK_TERMINAL_GUARDED"

    /// In the parent, never returns; in the child (or without a terminal), returns at once.
    static func superviseIfNeeded() throws {
        guard isatty(STDIN_FILENO) == 1, getenv(childMark) == nil else { return }
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return }
        setenv(childMark, "1", 1)
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        defer { for argument in arguments { free(argument) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, "/proc/self/exe", nil, nil, arguments, environ)
        guard spawned == 0 else {
            throw CLIError("cannot start the front under its terminal guard: \(String(cString: strerror(spawned)))")
        }
        guardedChild = child
        // Termination signals go to the child, which restores the terminal itself and exits.
        for number in [SIGTERM, SIGHUP, SIGINT] {
            signal(number) { number in
                if guardedChild > 0 { kill(guardedChild, number) }
            }
        }
        signal(SIGQUIT, SIG_IGN)
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
        let signalled = status & 0x7F
        if signalled != 0 {
            // The child could not clean up: default colours, cursor shown, normal screen.
            let reset =
                "\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l\r\nkiosk: the front stopped (signal \(signalled)); terminal restored.\r\n"
            _ = reset.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
            exit(128 + signalled)
        }
        exit((status >> 8) & 0xFF)
    }
}
