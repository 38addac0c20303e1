/// The error-correction level of a QR code symbol (ISO/IEC 18004 "error correction level").
///
/// Higher levels survive more damage but hold less data, so the same text may need a larger version.
/// Approximate recovery capacity: L 7 %, M 15 %, Q 25 %, H 30 % of the codewords.
public enum ErrorCorrectionLevel: String, CaseIterable, Sendable {
    /// Level L: about 7 % of codewords can be restored.
    case low = "L"
    /// Level M: about 15 % of codewords can be restored. The default.
    case medium = "M"
    /// Level Q: about 25 % of codewords can be restored.
    case quartile = "Q"
    /// Level H: about 30 % of codewords can be restored.
    case high = "H"

    /// Creates a level from its one-letter name, case-insensitively ("l", "M", "q", "H").
    ///
    /// Leading and trailing whitespace is ignored. Returns `nil` for anything else.
    public init?(letter: String) {
        let trimmed = letter.trimmingWhitespace().uppercased()
        self.init(rawValue: trimmed)
    }

    /// The letter of the level: "L", "M", "Q" or "H".
    public var letter: String { rawValue }
}

extension String {
    /// The string without leading and trailing whitespace and newlines (no Foundation needed).
    fileprivate func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
