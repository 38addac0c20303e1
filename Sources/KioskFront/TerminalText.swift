import Foundation

/// Measuring, wrapping and colouring text for a terminal.
enum TerminalText {
    /// Columns a text takes: one per grapheme cluster (a precomposed or combined Vietnamese
    /// letter is one), two for wide East Asian characters and emoji.
    static func width(_ text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + width(of: $1) }
    }

    static func width(of character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        switch first.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            return first.properties.isEmojiPresentation ? 2 : 1
        }
    }

    /// The longest prefix of `text` that fits in `columns`.
    static func truncated(_ text: String, to columns: Int) -> String {
        var used = 0
        var out = ""
        for character in text {
            let next = width(of: character)
            guard used + next <= columns else { break }
            used += next
            out.append(character)
        }
        return out
    }

    /// `text` when it fits in `columns`; else as many of its ` · `-separated parts as fit, then
    /// `…` (a key hint is dropped whole, never cut to "Esc: quay"); a first part too long alone
    /// is cut at a space, then `…`.
    static func shortened(_ text: String, to columns: Int) -> String {
        guard width(text) > columns else { return text }
        guard columns > 1 else { return truncated(text, to: columns) }
        var parts: [Substring] = []
        for part in text.split(separator: " · ", omittingEmptySubsequences: false) {
            let candidate = (parts + [part]).joined(separator: " · ") + " …"
            guard width(candidate) <= columns else { break }
            parts.append(part)
        }
        if !parts.isEmpty { return parts.joined(separator: " · ") + " …" }
        let cut = truncated(text, to: columns - 1)
        guard let space = cut.lastIndex(of: " "), space > cut.startIndex else { return cut + "…" }
        return String(cut[..<space]) + " …"
    }

    /// Splits `text` into lines of at most `columns`, at spaces where it can. A word is never
    /// split when it fits a line of its own (a link or a code starts a new line instead); a word
    /// longer than a line is broken after a `/` where one fits (a link's code, its last part,
    /// stays whole), and only else cut.
    static func wrap(_ text: String, to columns: Int) -> [String] {
        guard columns > 0 else { return [] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = String(word)
            let candidate = line.isEmpty ? word : line + " " + word
            if width(candidate) <= columns {
                line = candidate
                continue
            }
            if !line.isEmpty { lines.append(line) }
            while width(word) > columns {
                var head = truncated(word, to: columns)
                if let slash = head.lastIndex(of: "/") { head = String(head[...slash]) }
                // A wide character in one column: it goes alone, so the loop moves on.
                if head.isEmpty, let first = word.first { head = String(first) }
                lines.append(head)
                word.removeFirst(head.count)
            }
            line = word
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// The text without SGR and other CSI escape sequences: what a person reads.
    static func plain(_ text: String) -> String {
        var out = ""
        var inEscape = false
        var sawBracket = false
        for scalar in text.unicodeScalars {
            if inEscape {
                if !sawBracket, scalar == "[" {
                    sawBracket = true
                    continue
                }
                // An escape's intermediates (ESC # 3, ESC ( B) come before its final character.
                if !sawBracket, (0x20...0x2F).contains(scalar.value) { continue }
                if (0x40...0x7E).contains(scalar.value) || !sawBracket { inEscape = false }
                continue
            }
            if scalar == "\u{1B}" {
                inEscape = true
                sawBracket = false
                continue
            }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}

/// The looks the front uses. Where contrast matters, foreground and background are both set, so
/// the screen reads the same on a light or a dark terminal.
enum Style: Sendable {
    case plain, bold, title, header, footer, selected, input, count, warning, error

    var sgr: String {
        switch self {
        case .plain: ""
        case .bold: "\u{1B}[1m"
        case .title: "\u{1B}[1;4m"
        case .header: "\u{1B}[1;97;44m"
        case .footer: "\u{1B}[30;47m"
        case .selected: "\u{1B}[1;30;46m"
        case .input: "\u{1B}[1;30;47m"
        case .count: "\u{1B}[1;97;42m"
        case .warning: "\u{1B}[1;30;43m"
        case .error: "\u{1B}[1;97;41m"
        }
    }

    static let reset = "\u{1B}[0m"

    /// The look in high-contrast mode: bright white on black, and black on bright white for
    /// what stands out; warnings and errors underlined as well, so no meaning rests on a colour.
    var highContrastSGR: String {
        switch self {
        case .plain: "\u{1B}[97;40m"
        case .bold: "\u{1B}[1;97;40m"
        case .title: "\u{1B}[1;4;97;40m"
        case .header, .footer, .selected, .input, .count: "\u{1B}[1;30;107m"
        case .warning, .error: "\u{1B}[1;4;30;107m"
        }
    }

    /// A frame line in high-contrast mode: every colour swapped for its high-contrast one, and
    /// plain text drawn bright white on black (a reset returns to that, not to the theme's).
    static func highContrast(_ line: String) -> String {
        let base = Style.plain.highContrastSGR
        var out = line
        for style in [Style.bold, .title, .header, .footer, .selected, .input, .count, .warning, .error] {
            out = out.replacingOccurrences(of: style.sgr, with: style.highContrastSGR)
        }
        return base + out.replacingOccurrences(of: reset, with: reset + base)
    }
}
