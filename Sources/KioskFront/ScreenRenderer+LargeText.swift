extension ScreenRenderer {
    /// The widest column of normal text, in terminal columns.
    static let normalColumn = 72
    /// The widest column of large text, in characters: 112 terminal columns when widened or
    /// drawn double-size.
    static let largeColumn = 56

    /// DEC line attributes (VT100): `ESC # 3` the top half of a double-height line, `ESC # 4` its
    /// bottom half, `ESC # 5` a single-width line.
    static let doubleHeightTop = "\u{1B}#3"
    static let doubleHeightBottom = "\u{1B}#4"
    static let singleWidth = "\u{1B}#5"

    /// The body of the frame as terminal lines (at most `height`), with the column's width and
    /// margin that the countdown bar shares: the normal layout, or large text as ``largeText``
    /// draws it. Large text that would not fit whole falls back, double-size to widened to the
    /// bold spaced column of ``LargeTextRendering/font``, so no line of a screen is cut.
    func bodyLines(_ flow: KioskFlow, columns: Int, height: Int) -> (lines: [String], width: Int, margin: Int) {
        let normal = max(1, min(columns - 4, Self.normalColumn))
        let normalMargin = max(0, (columns - normal) / 2)
        guard flow.display.largeText else {
            let layout = body(flow, width: normal, height: height, columns: columns)
            let rows = Self.arranged(layout, layout.rows, height: height)
            return (Self.place(rows, margin: normalMargin, width: normal, columns: columns), normal, normalMargin)
        }
        if largeText == .doubleSize, !flow.showsQR {
            // A double-width line holds half the columns; each row takes two lines.
            let cells = max(1, columns / 2)
            let width = max(1, min(cells - 2, Self.largeColumn))
            let layout = body(flow, width: width, height: height / 2)
            if layout.rows.count <= height / 2 {
                let rows = Self.arranged(layout, Self.emboldened(layout.rows), height: height / 2)
                let lines = Self.place(rows, margin: max(0, (cells - width) / 2), width: width, columns: cells)
                    .flatMap { [Self.doubleHeightTop + $0, Self.doubleHeightBottom + $0] }
                return (lines, normal, normalMargin)
            }
        }
        if largeText != .font {
            // Half as many characters to a line as columns, each followed by a space; a screen
            // with a QR keeps its column and widens the lines that fit.
            let column = flow.showsQR ? normal : max(1, min(columns - 4, 2 * Self.largeColumn))
            let margin = max(0, (columns - column) / 2)
            let width = flow.showsQR ? normal : max(1, column / 2)
            let layout = body(flow, width: width, height: height, columns: columns)
            if layout.rows.count <= height {
                let wide = layout.rows.map { Self.widened($0, within: column) }
                let rows = Self.arranged(layout, Self.enlarged(wide, height: height), height: height)
                return (Self.place(rows, margin: margin, width: column, columns: columns), column, margin)
            }
        }
        // A narrower column, bold, with room between lines: with a large font, or as a last resort.
        let width = max(1, min(columns - 4, Self.largeColumn))
        let margin = max(0, (columns - width) / 2)
        let layout = body(flow, width: width, height: height, columns: columns)
        let rows = Self.arranged(layout, Self.enlarged(layout.rows, height: height), height: height)
        return (Self.place(rows, margin: margin, width: width, columns: columns), width, margin)
    }

    /// At most `height` rows, centred vertically when the layout asks.
    static func arranged(_ layout: Layout, _ rows: [Row], height: Int) -> [Row] {
        let shown = Array(rows.prefix(height))
        guard layout.centredVertically else { return shown }
        return Array(repeating: .blank, count: max(0, height - shown.count) / 2) + shown
    }

    static func place(_ rows: [Row], margin: Int, width: Int, columns: Int) -> [String] {
        rows.map { line($0, margin: margin, width: width, columns: columns) }
    }

    /// Every plain line bold.
    static func emboldened(_ rows: [Row]) -> [Row] {
        rows.map { row in
            if case .text(let string, .plain, let centered) = row { return .text(string, .bold, centered: centered) }
            return row
        }
    }

    /// A text or bar row spread over twice the columns (``widened(_:)``) when that fits in
    /// `column`; other rows, and rows too wide, as they are.
    static func widened(_ row: Row, within column: Int) -> Row {
        switch row {
        case .text(let string, let style, let centered):
            let wide = widened(string)
            return TerminalText.width(wide) <= column ? .text(wide, style, centered: centered) : row
        case .bar(let string, let style):
            let wide = widened(string)
            // The bar starts with a space of its own (``line(_:margin:width:columns:)``).
            return TerminalText.width(wide) + 1 <= column ? .bar(wide, style) : row
        case .blank, .raw, .pair:
            return row
        }
    }

    /// Each one-column character followed by a space, or by a horizontal line after a box's
    /// corner or edge, so a box stays closed; no space at the end. "Lời" → "L ờ i": each grapheme
    /// cluster stays whole, so its diacritics stay with it. Two-column characters stay as they are.
    static func widened(_ string: String) -> String {
        var out = ""
        for character in string {
            out.append(character)
            guard TerminalText.width(of: character) == 1 else { continue }
            out.append(["─", "┌", "└", "├", "┬", "┴", "┼"].contains(character) ? "─" : " ")
        }
        while out.last == " " { out.removeLast() }
        return out
    }

    /// On a terminal of double-size lines, every line that is not one starts single-width again,
    /// so a line that was double-size in the previous frame is not left so.
    static func withLineSizes(_ lines: [String], _ rendering: LargeTextRendering) -> [String] {
        guard rendering == .doubleSize else { return lines }
        return lines.map { $0.contains("\u{1B}#") ? $0 : singleWidth + $0 }
    }
}

extension KioskFlow {
    /// Whether the screen shows a QR (the certificate's, or the phone flow's on the welcome
    /// screen). Such a screen keeps its layout with large text: a QR drawn with double-size lines
    /// or widened would not be the one measured for the screen, and the large console font lacks
    /// the half blocks it is drawn with.
    var showsQR: Bool {
        switch screen {
        case .done: true
        case .welcome: presenceLink != nil
        default: false
        }
    }
}
