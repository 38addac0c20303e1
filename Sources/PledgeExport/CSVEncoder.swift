import Foundation

/// CSV as RFC 4180 writes it, made safe for spreadsheets.
///
/// - Records end with CRLF; text fields are always quoted, with inner quotes doubled, so
///   delimiters and line breaks inside a field stay inside it (RFC 4180, section 2).
/// - The file starts with the UTF-8 byte order mark (EF BB BF): without it Excel reads UTF-8 as
///   the legacy code page, and "Nguyễn" shows as mojibake.
/// - A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with
///   an apostrophe, so a spreadsheet shows it as text instead of running it as a formula
///   (OWASP, "CSV Injection"). Numbers are written bare and stay numbers.
/// - The delimiter is `,` or, for locales whose Excel expects it (Vietnamese among them when the
///   decimal separator is a comma), `;`.
public struct CSVEncoder: RowEncoder {
    public enum Delimiter: String, CaseIterable, Codable, Sendable {
        case comma = ","
        case semicolon = ";"
    }

    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
    /// The characters that make a spreadsheet read a cell as a formula.
    public static let formulaTriggers: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    public var delimiter: Delimiter

    public init(delimiter: Delimiter = .comma) {
        self.delimiter = delimiter
    }

    public func header(_ columns: [String]) -> [UInt8] {
        Self.byteOrderMark + line(columns.map(ExportCell.text))
    }

    public func row(_ columns: [String], _ cells: [ExportCell]) -> [UInt8] {
        line(cells)
    }

    public func line(_ cells: [ExportCell]) -> [UInt8] {
        Array((cells.map(Self.field).joined(separator: delimiter.rawValue) + "\r\n").utf8)
    }

    /// One field: numbers bare, text neutralized and quoted, nothing as an empty field.
    public static func field(_ cell: ExportCell) -> String {
        switch cell {
        case .number(let value): String(value)
        case .bool(let value): value ? "1" : "0"
        case .null: ""
        case .text(let text):
            "\"" + neutralized(text).replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }

    /// The text with an apostrophe in front when it begins with a formula trigger.
    public static func neutralized(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, formulaTriggers.contains(Character(first)) else { return text }
        return "'" + text
    }
}
