import Foundation

/// JSON Lines (jsonlines.org): each row one JSON object (RFC 8259) on one line, keys in column
/// order, UTF-8 without a BOM. Values are written as they are; JSON needs no formula guard.
public struct JSONLinesEncoder: RowEncoder {
    public init() {}

    public func header(_ columns: [String]) -> [UInt8] { [] }

    public func row(_ columns: [String], _ cells: [ExportCell]) -> [UInt8] {
        var text = "{"
        for (index, (column, cell)) in zip(columns, cells).enumerated() {
            if index > 0 { text += "," }
            text += Self.string(column) + ":" + Self.value(cell)
        }
        return Array((text + "}\n").utf8)
    }

    static func value(_ cell: ExportCell) -> String {
        switch cell {
        case .number(let value): String(value)
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        case .text(let text): string(text)
        }
    }

    /// A JSON string (RFC 8259, section 7): quote, backslash and control characters escaped;
    /// U+2028 and U+2029 escaped too, so a line is always one line.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}", "\u{2029}": out += String(format: "\\u%04x", scalar.value)
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
