import Foundation
import PledgeKit

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

    public func append(_ columns: [String], _ cells: [ExportCell], to bytes: inout [UInt8]) {
        appendLine(cells, to: &bytes)
    }

    public func line(_ cells: [ExportCell]) -> [UInt8] {
        var bytes: [UInt8] = []
        appendLine(cells, to: &bytes)
        return bytes
    }

    /// Appends one record, CRLF included, straight as UTF-8 bytes: no String per field, which
    /// is what keeps a million-row export as fast as the sqlite3 tool.
    public func appendLine(_ cells: [ExportCell], to bytes: inout [UInt8]) {
        let separator = delimiter == .comma ? UInt8(ascii: ",") : UInt8(ascii: ";")
        for (index, cell) in cells.enumerated() {
            if index > 0 { bytes.append(separator) }
            Self.append(cell, to: &bytes)
        }
        bytes.append(contentsOf: [0x0D, 0x0A])
    }

    /// Writes the record's bytes as they come from the store, field by field, with the same
    /// quoting and formula guard as ``appendLine(_:to:)``: no String and no cell per field.
    public func appendPledge(
        _ record: ExportRecord, columns: [String], includePersonalData: Bool, to bytes: inout [UInt8]
    ) {
        let separator = delimiter == .comma ? UInt8(ascii: ",") : UInt8(ascii: ";")
        Self.appendNumber(record.number, to: &bytes)
        bytes.append(separator)
        Self.appendText(record.eventID, to: &bytes)
        bytes.append(separator)
        Self.appendText(record.kioskID, to: &bytes)
        bytes.append(separator)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: PledgeChannel(kioskIDUTF8: record.kioskID).rawValue.utf8)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(separator)
        bytes.append(UInt8(ascii: "\""))
        ExportTable.appendVietnamTime(secondsSince1970: record.createdAt, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(separator)
        Self.appendText(record.ageBand, to: &bytes)
        bytes.append(separator)
        Self.appendText(record.province, to: &bytes)
        bytes.append(separator)
        bytes.append(record.guardianConsent ? UInt8(ascii: "1") : UInt8(ascii: "0"))
        if includePersonalData {
            bytes.append(separator)
            Self.appendText(record.name, to: &bytes)
            bytes.append(separator)
            Self.appendText(record.school, to: &bytes)
            bytes.append(separator)
            Self.appendText(record.code, to: &bytes)
        }
        bytes.append(contentsOf: [0x0D, 0x0A])
    }

    /// One field: numbers bare, text neutralized and quoted, nothing as an empty field.
    public static func field(_ cell: ExportCell) -> String {
        var bytes: [UInt8] = []
        append(cell, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func append(_ cell: ExportCell, to bytes: inout [UInt8]) {
        switch cell {
        case .number(let value): appendNumber(value, to: &bytes)
        case .bool(let value): bytes.append(value ? UInt8(ascii: "1") : UInt8(ascii: "0"))
        case .null: break
        case .text(let text):
            let written: Void? = text.utf8.withContiguousStorageIfAvailable { appendText($0, to: &bytes) }
            if written == nil { Array(text.utf8).withUnsafeBufferPointer { appendText($0, to: &bytes) } }
        }
    }

    /// A number in decimal, bare (a String of an Int is small and made without allocating).
    static func appendNumber(_ value: Int, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A text field from its UTF-8 bytes: quoted, inner quotes doubled, an apostrophe in front of
    /// a formula trigger; nil (NULL) is an empty field.
    static func appendText(_ text: UnsafeBufferPointer<UInt8>?, to bytes: inout [UInt8]) {
        guard let text else { return }
        bytes.append(UInt8(ascii: "\""))
        // Every trigger is ASCII, so the first byte decides (a UTF-8 lead byte never is one).
        if let first = text.first, formulaTriggerBytes.contains(first) { bytes.append(UInt8(ascii: "'")) }
        appendQuoted(text, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// The bytes of a text field with inner quotes doubled (RFC 4180, section 2, rule 7).
    private static func appendQuoted(_ text: some Collection<UInt8>, to bytes: inout [UInt8]) {
        guard text.contains(UInt8(ascii: "\"")) else {
            bytes.append(contentsOf: text)
            return
        }
        for byte in text {
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
            bytes.append(byte)
        }
    }

    private static let formulaTriggerBytes: [UInt8] = formulaTriggers.map { $0.asciiValue! }

    /// The text with an apostrophe in front when it begins with a formula trigger.
    public static func neutralized(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, formulaTriggers.contains(Character(first)) else { return text }
        return "'" + text
    }
}
