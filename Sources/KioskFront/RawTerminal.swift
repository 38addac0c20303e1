#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The kiosk's terminal: raw mode in, full-screen frames out.
///
/// ``enter()`` saves the terminal's settings and switches to raw input, the alternate screen and
/// a hidden cursor; ``restore()`` puts everything back. Restoring twice is harmless, so every
/// exit path may call it.
struct RawTerminal: Sendable {
    let input: Int32
    let output: Int32
    private let original: termios

    /// Saves the current settings of `input`.
    /// - Throws: ``TerminalError`` when `input` is not a terminal.
    init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) throws(TerminalError) {
        self.input = input
        self.output = output
        var settings = termios()
        // The corresponding C function is tcgetattr(3).
        guard tcgetattr(input, &settings) == 0 else { throw TerminalError(operation: "tcgetattr", errno: errno) }
        original = settings
    }

    /// Raw input (no echo, no line editing, no signals from keys, no flow control, CR kept as
    /// CR), the alternate screen, a hidden cursor.
    func enter() throws(TerminalError) {
        var raw = original
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL | INLCR | IGNCR)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(input, TCSAFLUSH, &raw) == 0 else { throw TerminalError(operation: "tcsetattr", errno: errno) }
        write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J")
    }

    /// The original settings, the cursor, the normal screen and default colours.
    func restore() {
        write("\u{1B}[0m\u{1B}[H\u{1B}[2J\u{1B}[?25h\u{1B}[?1049l")
        var settings = original
        _ = tcsetattr(input, TCSAFLUSH, &settings)
    }

    /// The terminal's size, or 80 × 24 when it cannot be asked.
    var size: (columns: Int, lines: Int) {
        var window = winsize()
        // The corresponding C call is ioctl(2) with TIOCGWINSZ.
        guard ioctl(output, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 else {
            return (80, 24)
        }
        return (Int(window.ws_col), Int(window.ws_row))
    }

    /// Draws a whole frame in one write(2): cursor home, each line cleared to its end, the rest
    /// of the screen cleared, so nothing of an earlier frame stays.
    func draw(_ lines: [String]) {
        let body = lines.map { $0 + "\u{1B}[0m\u{1B}[K" }.joined(separator: "\r\n")
        write("\u{1B}[H" + body + "\u{1B}[0m\u{1B}[J")
    }

    /// Writes all of `text`, going on after partial writes and interruptions.
    func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { buffer in
                #if canImport(Glibc)
                    Glibc.write(output, buffer.baseAddress, buffer.count)
                #else
                    Darwin.write(output, buffer.baseAddress, buffer.count)
                #endif
            }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return  // the terminal is gone; nothing more to show
            }
            bytes = bytes.dropFirst(written)
        }
    }
}

/// A terminal call failed. Carries no text the signer typed.
public struct TerminalError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let errno: Int32
    public var description: String { "\(operation) failed: \(String(cString: strerror(errno)))" }
}
