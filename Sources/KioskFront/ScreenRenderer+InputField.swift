import PledgeKit

extension ScreenRenderer {
    /// At most this many lines of typed text in an input field with large text (F2): a name of
    /// ``TextField/name``'s 60 characters takes two or three in its narrower column.
    static let largeFieldLines = 3

    /// An input field: the `typed` text (NFC) and an underscore where typing goes, in a box as
    /// wide as the column (``box(_:width:)``). With `largeText` the text wraps at spaces over at
    /// most ``largeFieldLines`` lines inside the box, so a long name stays whole when its letters
    /// are spread out; otherwise it takes one line. Text that still does not fit loses its start,
    /// and "…" at the start of the field says so.
    static func inputField(_ typed: String, width: Int, largeText: Bool) -> [Row] {
        let inner = max(1, width - 4)
        let most = largeText ? largeFieldLines : 1
        func fitted(_ shown: String) -> [String]? {
            let lines = most == 1 ? [shown] : TerminalText.wrap(shown, to: inner)
            return lines.count <= most && lines.allSatisfy({ TerminalText.width($0) <= inner }) ? lines : nil
        }
        if let lines = fitted(typed + "_") { return box(lines, width: width) }
        var visible = Substring(typed)
        while !visible.isEmpty {
            visible.removeFirst()
            if let lines = fitted("…" + visible + "_") { return box(lines, width: width) }
        }
        return box(["…_"], width: width)
    }
}
