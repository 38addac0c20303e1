import Foundation

#if canImport(Glibc)
    import Glibc
#endif

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
///
/// The child's side: ``report(_:)``, ``restart``, ``pinFailures``; the guard's loop: ``Supervisor``.
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
}
