/// Paints terminal text with SGR colour escapes as a grayscale picture, the way a terminal would show it, so QR codes
/// drawn with half blocks can be decoded from "screenshots".
///
/// Understands the output of the QR terminal renderer and of `tmux capture-pane -e -p`. SGR codes handled: 0 reset,
/// 7 / 27 reverse video on / off, 30–37, 90–97, 38;5;n, 38;2;r;g;b and 39 (foreground), 40–47, 100–107, 48;5;n,
/// 48;2;r;g;b and 49 (background); other SGR codes (1 bold, 22, 4 …) do not change colours, and other CSI, OSC and
/// escape sequences are skipped.
///
/// Capture tmux panes with `tmux capture-pane -e -p -N`: without `-N` tmux drops trailing spaces, and with them the
/// white cells of a QR code's right quiet zone, which then show the theme background instead.
public enum TerminalScreenImage {
    /// Renders a screen into an image of `columns * cellWidth` × `lines * cellHeight` pixels.
    ///
    /// Each line of `screen` (separated by `\n`; a final newline does not start a new line) is a row of cells, one
    /// per `Character`; a tab advances to the next multiple of 8 columns. Each cell's top and bottom halves are
    /// painted from its glyph: `▀` top foreground, bottom background; `▄` the opposite; `█` both foreground; a space
    /// or any other glyph both background. Cells past the end of a line show the theme's default background.
    ///
    /// - Parameters:
    ///   - screen: The text, with escape sequences.
    ///   - theme: Default colours and palette.
    ///   - cellWidth: Pixels per cell, horizontally (at least 1).
    ///   - cellHeight: Pixels per cell, vertically (at least 2; the halves are `cellHeight / 2` pixels high, the
    ///     bottom half taking the odd pixel).
    public static func render(_ screen: String, theme: TerminalTheme, cellWidth: Int = 4, cellHeight: Int = 8)
        -> GrayImage
    {
        let cellWidth = max(cellWidth, 1)
        let cellHeight = max(cellHeight, 2)
        let rows = cells(of: screen, theme: theme)
        let columns = rows.map(\.count).max() ?? 0
        var image = GrayImage(width: columns * cellWidth, height: rows.count * cellHeight, fill: 0)
        image.fill(x: 0, y: 0, width: image.width, height: image.height, with: theme.defaultBackground.gray)
        let topHeight = cellHeight / 2
        for (line, row) in rows.enumerated() {
            for (column, cell) in row.enumerated() {
                let x = column * cellWidth
                let y = line * cellHeight
                image.fill(x: x, y: y, width: cellWidth, height: topHeight, with: cell.top.gray)
                image.fill(
                    x: x, y: y + topHeight, width: cellWidth, height: cellHeight - topHeight,
                    with: cell.bottom.gray)
            }
        }
        return image
    }

    /// One character cell, as its top and bottom half colours.
    public struct Cell: Sendable, Hashable {
        public var top: TerminalTheme.RGB
        public var bottom: TerminalTheme.RGB
    }

    /// Parses a screen into rows of cells, resolving colours against `theme`.
    public static func cells(of screen: String, theme: TerminalTheme) -> [[Cell]] {
        var parser = Parser(theme: theme)
        var rows: [[Cell]] = [[]]
        var characters = Substring(screen)
        while let character = characters.popFirst() {
            switch character {
            case "\u{1B}":
                parser.consumeEscape(&characters)
            case "\n", "\r\n":
                rows.append([])
            case "\r":
                continue
            case "\t":
                let next = (rows[rows.count - 1].count / 8 + 1) * 8
                while rows[rows.count - 1].count < next { rows[rows.count - 1].append(parser.cell(for: " ")) }
            default:
                rows[rows.count - 1].append(parser.cell(for: character))
            }
        }
        if rows.count > 1, rows[rows.count - 1].isEmpty, screen.hasSuffix("\n") { rows.removeLast() }
        if rows == [[]] { return [] }
        return rows
    }

    /// The SGR state machine.
    struct Parser {
        /// A colour as set by SGR: `nil` means the theme default.
        var foreground: TerminalTheme.RGB?
        var background: TerminalTheme.RGB?
        var reverse = false
        let theme: TerminalTheme

        init(theme: TerminalTheme) {
            self.theme = theme
        }

        /// The cell a glyph shows with the current colours.
        func cell(for glyph: Character) -> Cell {
            var fg = foreground ?? theme.defaultForeground
            var bg = background ?? theme.defaultBackground
            if reverse { swap(&fg, &bg) }
            switch glyph {
            case "▀": return Cell(top: fg, bottom: bg)
            case "▄": return Cell(top: bg, bottom: fg)
            case "█": return Cell(top: fg, bottom: fg)
            default: return Cell(top: bg, bottom: bg)
            }
        }

        /// Consumes an escape sequence after its ESC, applying it when it is SGR.
        mutating func consumeEscape(_ characters: inout Substring) {
            guard let introducer = characters.popFirst() else { return }
            switch introducer {
            case "[":  // CSI: parameters and intermediates, then a final byte 0x40...0x7E.
                var parameters = ""
                while let next = characters.popFirst() {
                    if let ascii = next.asciiValue, (0x40...0x7E).contains(ascii) {
                        if next == "m" { applySGR(parameters) }
                        return
                    }
                    parameters.append(next)
                }
            case "]", "P", "_", "^":  // OSC, DCS, APC, PM: up to BEL or ST (ESC \).
                while let next = characters.popFirst() {
                    if next == "\u{07}" { return }
                    if next == "\u{1B}" {
                        if characters.first == "\\" { characters.removeFirst() }
                        return
                    }
                }
            case "(", ")", "*", "+", "#", "%":  // Character-set and similar: one more character.
                _ = characters.popFirst()
            default:
                return  // Two-character escape (ESC 7, ESC =, ...).
            }
        }

        /// Applies the parameters of one `CSI ... m` sequence.
        mutating func applySGR(_ parameterText: String) {
            // Private or intermediate-marked sequences (e.g. CSI > 4 m) are not SGR.
            if parameterText.contains(where: { !"0123456789;:".contains($0) }) { return }
            let codes = parameterText.split(separator: ";", omittingEmptySubsequences: false).flatMap {
                $0.split(separator: ":", omittingEmptySubsequences: false)
            }.map { Int($0) ?? 0 }
            var index = 0
            while index < codes.count {
                let code = codes[index]
                index += 1
                switch code {
                case 0:
                    foreground = nil
                    background = nil
                    reverse = false
                case 7: reverse = true
                case 27: reverse = false
                case 30...37: foreground = theme.palette[code - 30]
                case 90...97: foreground = theme.palette[code - 90 + 8]
                case 39: foreground = nil
                case 40...47: background = theme.palette[code - 40]
                case 100...107: background = theme.palette[code - 100 + 8]
                case 49: background = nil
                case 38, 48:
                    let color = extendedColor(codes, &index)
                    if code == 38 { foreground = color ?? foreground } else { background = color ?? background }
                default:
                    continue  // Bold, dim, italic, underline, blink ...: no colour change.
                }
            }
        }

        /// Reads `5;n` or `2;r;g;b` after 38 or 48.
        func extendedColor(_ codes: [Int], _ index: inout Int) -> TerminalTheme.RGB? {
            guard index < codes.count else { return nil }
            let kind = codes[index]
            index += 1
            switch kind {
            case 5:
                guard index < codes.count else { return nil }
                defer { index += 1 }
                return theme.color256(codes[index])
            case 2:
                guard index + 2 < codes.count else {
                    index = codes.count
                    return nil
                }
                defer { index += 3 }
                let clamp = { (value: Int) in UInt8(clamping: value) }
                return TerminalTheme.RGB(clamp(codes[index]), clamp(codes[index + 1]), clamp(codes[index + 2]))
            default:
                return nil
            }
        }
    }
}

extension TerminalScreenImage {
    /// The terminal cells a QR drawn with half blocks spans on a screen's plain lines: the lines
    /// holding a block glyph times the widest span from the first such glyph to the last.
    public static func qrCells<Line: StringProtocol>(_ lines: [Line]) -> Int {
        let blocks: Set<Character> = ["▀", "▄", "█"]
        let rows = lines.filter { $0.contains { blocks.contains($0) } }
        let width =
            rows.map { line in
                let glyphs = Array(line)
                let first = glyphs.firstIndex { blocks.contains($0) } ?? 0
                let last = glyphs.lastIndex { blocks.contains($0) } ?? 0
                return last - first + 1
            }.max() ?? 0
        return rows.count * width
    }
}
