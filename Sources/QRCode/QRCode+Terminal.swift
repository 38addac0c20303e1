extension QRCode {
    /// The SGR sequence that starts every terminal line: black foreground (30), white background (47), then bright
    /// white background (107). Terminals without the bright colours ignore 107 and keep 47.
    public static let terminalColours = "\u{1B}[30;47;107m"

    /// The SGR reset that ends every terminal line.
    public static let terminalReset = "\u{1B}[0m"

    /// Renders the symbol as text for a terminal, two module rows per text line.
    ///
    /// Each character cell shows a top and a bottom module: `▀` (top dark only), `▄` (bottom dark only),
    /// `█` (both dark) or a space (both light). Colours are explicit, black on white (see ``terminalColours``), so
    /// the code has the right polarity and scans on both dark and light terminal themes; the quiet zone is drawn
    /// the same way, as white cells, on every side. When `size + 2 * quietZone` is odd, the bottom half of the last
    /// line is light padding.
    ///
    /// - Parameter quietZone: Light modules around the symbol on every side; values below ``minimumQuietZone``
    ///   (the ISO/IEC 18004 quiet zone) are raised to it.
    /// - Returns: One string per text line, without newlines; each starts with ``terminalColours`` and ends with
    ///   ``terminalReset``, and shows `size + 2 * quietZone` columns. See ``terminalSize(quietZone:)``.
    public func terminalLines(quietZone: Int = 4) -> [String] {
        let quiet = Self.effectiveQuietZone(quietZone)
        let (columns, lines) = terminalSize(quietZone: quiet)
        var result: [String] = []
        result.reserveCapacity(lines)
        for line in 0..<lines {
            var text = Self.terminalColours
            let top = 2 * line - quiet
            for column in 0..<columns {
                let x = column - quiet
                // Out-of-range coordinates (quiet zone and odd padding row) read as light.
                switch (self[x, top], self[x, top + 1]) {
                case (true, true): text += "█"
                case (true, false): text += "▀"
                case (false, true): text += "▄"
                case (false, false): text += " "
                }
            }
            text += Self.terminalReset
            result.append(text)
        }
        return result
    }

    /// The visible size of ``terminalLines(quietZone:)``: `size + 2 * quietZone` columns and half as many lines,
    /// rounded up. `quietZone` is raised to ``minimumQuietZone`` like the renderer does.
    public func terminalSize(quietZone: Int = 4) -> (columns: Int, lines: Int) {
        let modulesPerSide = size + 2 * Self.effectiveQuietZone(quietZone)
        return (modulesPerSide, (modulesPerSide + 1) / 2)
    }
}
