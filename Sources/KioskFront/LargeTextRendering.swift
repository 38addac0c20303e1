/// How F2's large text is drawn: it depends on what the terminal can do (see the README's table).
///
/// A terminal cannot be asked for a larger font in a portable way, so the front picks one of three
/// renderings when it starts (``forTerminal(environment:)``) and the Linux console's font switch
/// (``ConsoleFont``) when it can.
public enum LargeTextRendering: String, Sendable, Hashable, CaseIterable {
    /// The terminal's font itself was made larger (the Linux console after `setfont`): the screens
    /// keep their layout, in bold, with a blank line between lines where there is room.
    case font
    /// DEC double-size lines (DECDHL, `ESC # 3` and `ESC # 4`): each body line drawn twice as high
    /// and twice as wide by the terminal, with the terminal's own glyphs, so every diacritic is
    /// the font's. For Konsole and mlterm, which draw them; xterm only when asked
    /// (``environmentOverride``): xterm 379 (Debian 12) with a TrueType font crashes (SIGSEGV) on a
    /// double-size line holding a letter its font lacks, as DejaVu Sans Mono lacks "ế", and with
    /// its bitmap fonts it only spaces the letters out.
    case doubleSize = "double-size"
    /// For any other terminal (xterm, tmux, screen, VTE, kitty, Alacritty…), where glyphs cannot grow:
    /// the text in bold, spread over twice the columns (a space after each letter, box lines drawn
    /// on) and a blank line between lines where there is room, in a column twice as wide. The
    /// letters are the terminal's own, so the diacritics stay exact.
    case widened

    /// The environment variable that overrides the detection: `double-size` or `widened` (for a
    /// terminal that draws DEC double-size lines but is not recognised, or one that claims to and
    /// does not).
    public static let environmentOverride = "KIOSK_LARGE_TEXT"

    /// The rendering for the terminal the front runs in, read from its environment: the override
    /// (``environmentOverride``) when set to a known value other than `font`; ``widened`` inside
    /// tmux or screen (which drop the line attributes), in xterm and on unknown terminals;
    /// ``doubleSize`` in Konsole (`KONSOLE_VERSION`) and mlterm (`MLTERM`, or `TERM=mlterm`).
    /// The Linux console starts ``widened`` too: ``font`` is chosen only once ``ConsoleFont`` has
    /// switched the font.
    public static func forTerminal(environment: [String: String]) -> LargeTextRendering {
        if let forced = environment[environmentOverride].flatMap(LargeTextRendering.init(rawValue:)), forced != .font {
            return forced
        }
        let term = environment["TERM"] ?? ""
        if environment["TMUX"] != nil || environment["STY"] != nil || term.hasPrefix("screen")
            || term.hasPrefix("tmux")
        {
            return .widened
        }
        let doubleSizeTerminal =
            environment["KONSOLE_VERSION"] != nil || environment["MLTERM"] != nil || term.hasPrefix("mlterm")
        return doubleSizeTerminal ? .doubleSize : .widened
    }
}
