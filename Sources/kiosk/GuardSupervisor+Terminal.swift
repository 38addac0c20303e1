import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// The guard's terminal: its mode between two children, its screen, and its end.
extension Supervisor {
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
