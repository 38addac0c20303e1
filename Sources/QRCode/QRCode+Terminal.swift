extension QRCode {
    /// The SGR sequence that starts every terminal line: black foreground (30), white background (47), then bright
    /// white background (107). Terminals without the bright colours ignore 107 and keep 47.
    public static let terminalColours = "\u{1B}[30;47;107m"

    /// The SGR reset that ends every terminal line.
    public static let terminalReset = "\u{1B}[0m"

    /// Renders the symbol as text for a terminal, two half-cell rows per text line.
    ///
    /// Each module is `scale` columns wide and `scale` half-cell rows high, so it stays square in a cell about twice
    /// as high as wide. Each character cell shows a top and a bottom half: `▀` (top dark only), `▄` (bottom dark
    /// only), `█` (both dark) or a space (both light); at an even `scale` every line holds whole modules (only `█`
    /// and spaces). Colours are explicit, black on white (see ``terminalColours``), so the code has the right
    /// polarity and scans on both dark and light terminal themes; the quiet zone is drawn the same way, as white
    /// cells, on every side. When `scale * (size + 2 * quietZone)` is odd, the bottom half of the last line is light
    /// padding.
    ///
    /// - Parameters:
    ///   - quietZone: Light modules around the symbol on every side; values below ``minimumQuietZone`` (the
    ///     ISO/IEC 18004 quiet zone) are raised to it.
    ///   - scale: Columns (and half-cell rows) per module, 1 or more; values below 1 are raised to 1.
    /// - Returns: One string per text line, without newlines; each starts with ``terminalColours`` and ends with
    ///   ``terminalReset``, and shows `scale * (size + 2 * quietZone)` columns. See ``terminalSize(quietZone:scale:)``.
    public func terminalLines(quietZone: Int = 4, scale: Int = 1) -> [String] {
        let quiet = Self.effectiveQuietZone(quietZone)
        let scale = max(scale, 1)
        let (columns, lines) = terminalSize(quietZone: quiet, scale: scale)
        // A half-cell row or a column (in cells) to its module; out-of-range modules (the quiet zone, the odd
        // padding row) read as light.
        let module = { (cell: Int) in cell / scale - quiet }
        var result: [String] = []
        result.reserveCapacity(lines)
        for line in 0..<lines {
            var text = Self.terminalColours
            let top = module(2 * line)
            let bottom = module(2 * line + 1)
            for column in 0..<columns {
                let x = module(column)
                switch (self[x, top], self[x, bottom]) {
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

    /// The visible size of ``terminalLines(quietZone:scale:)``: `scale * (size + 2 * quietZone)` columns and half as
    /// many lines, rounded up. `quietZone` is raised to ``minimumQuietZone`` and `scale` to 1 like the renderer does.
    public func terminalSize(quietZone: Int = 4, scale: Int = 1) -> (columns: Int, lines: Int) {
        let cellsPerSide = max(scale, 1) * (size + 2 * Self.effectiveQuietZone(quietZone))
        return (cellsPerSide, (cellsPerSide + 1) / 2)
    }
}
