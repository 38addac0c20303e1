import Foundation
import KioskTestSupport

/// A tmux server of its own (`-L`), with one session whose single pane runs a shell command:
/// a real terminal for testing the front with send-keys and capture-pane.
final class TmuxSession {
    let socket = "kiosk-test-\(UUID().uuidString.prefix(8))"
    let name = "kiosk"

    /// - Parameter keepDeadPane: the pane stays when its command ends (`remain-on-exit`, set
    ///   before the command starts), so ``paneIsDead()`` and the last screen can be read.
    init(command: String, columns: Int, lines: Int, keepDeadPane: Bool = false) throws {
        let keep = keepDeadPane ? ["start-server", ";", "set-option", "-g", "remain-on-exit", "on", ";"] : []
        try tmux(keep + ["new-session", "-d", "-s", name, "-x", "\(columns)", "-y", "\(lines)", command])
    }

    /// A pane format variable (`#{pane_dead}`, `#{pane_current_command}`…), trimmed.
    func pane(_ format: String) throws -> String {
        try tmux(["display-message", "-p", "-t", name, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether the pane's command has ended (with `keepDeadPane`): its terminal closed. (Its exit
    /// status, `#{pane_dead_status}`, is not waited for: tmux 3.3a sometimes never reaps the pane's
    /// process; tests that need the status let a shell record it.)
    func paneIsDead() throws -> Bool { try pane("#{pane_dead}") == "1" }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let result = try ProcessRunner.run("tmux", ["-L", socket] + arguments)
        guard result.status == 0 else {
            throw TmuxError(description: "tmux \(arguments.joined(separator: " ")): \(result.stderr)")
        }
        return result.stdout
    }

    /// Types text literally (UTF-8, as a keyboard or paste would send it).
    func type(_ text: String) throws { try tmux(["send-keys", "-t", name, "-l", text]) }

    /// Presses named keys: Enter, Escape, Up, Down, BSpace, Tab, C-c.
    func press(_ keys: String...) throws { try tmux(["send-keys", "-t", name] + keys) }

    /// The screen as text; with `colours`, with SGR sequences and trailing spaces kept (-e -N).
    func capture(colours: Bool = false) throws -> String {
        try tmux(["capture-pane", "-p", "-t", name] + (colours ? ["-e", "-N"] : []))
    }

    /// Waits until the screen shows `text`; throws with the last screen when it does not.
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 60) throws -> String {
        try waitFor(text, timeout: timeout) { $0.contains(text) }
    }

    /// Captures the screen until it matches the regular expression `pattern` (a line the front
    /// may still be drawing when its first words show), for up to `timeout` seconds.
    func waitFor(matching pattern: String, timeout: TimeInterval = 60) throws -> String {
        try waitFor(pattern, timeout: timeout) { $0.range(of: pattern, options: .regularExpression) != nil }
    }

    /// Captures the screen (with `read`, the plain text by default) until `shows` holds for it;
    /// throws with the last screen, naming `what`, when it does not within `timeout` seconds.
    func waitFor(
        _ what: String, timeout: TimeInterval = 60, read: (() throws -> String)? = nil,
        until shows: (String) -> Bool
    ) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = (try? read?() ?? capture()) ?? ""
            if shows(screen) { return screen }
            usleep(100_000)
        }
        throw TmuxError(description: "screen never showed '\(what)'; last screen:\n\(screen)")
    }

    /// The process id of the pane's shell.
    func panePID() throws -> Int32 {
        Int32(
            try tmux(["display-message", "-p", "-t", name, "#{pane_pid}"]).trimmingCharacters(
                in: .whitespacesAndNewlines))!
    }

    func resize(columns: Int, lines: Int) throws {
        try tmux(["resize-window", "-t", name, "-x", "\(columns)", "-y", "\(lines)"])
    }

    deinit { _ = try? ProcessRunner.run("tmux", ["-L", socket, "kill-server"]) }
}

struct TmuxError: Error, CustomStringConvertible {
    let description: String
}
