/// Text echoed to a terminal that a user typed (a command's error repeating its argument): no
/// control character in it acts on the terminal.
public enum TerminalEscaping {
    /// `text` with every character that a terminal would act on rather than show written as a
    /// Swift escape, `\u{1B}`: the C0 controls but line feed and tab (ECMA-48: ESC starts colour
    /// and cursor sequences, CR overwrites the line, BEL rings), DEL, the C1 controls
    /// U+0080–U+009F (CSI is U+009B), and the bidirectional controls U+202A–U+202E and
    /// U+2066–U+2069 (they reorder what is shown, Unicode UAX #9). A backslash stays as it is;
    /// everything else, Vietnamese included, is unchanged.
    public static func escapingControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isEscaped) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isEscaped(scalar) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    static func isEscaped(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: false
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
