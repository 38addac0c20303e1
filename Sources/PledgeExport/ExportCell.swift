import PledgeKit

/// One value of an exported row: text, or a number that must stay a number in a spreadsheet.
public enum ExportCell: Sendable, Equatable {
    case text(String)
    case number(Int)
    case bool(Bool)
    case null
}

/// The formats of an export.
public enum ExportFormat: String, CaseIterable, Codable, Sendable {
    /// RFC 4180 CSV, UTF-8 with a byte order mark so Excel reads Vietnamese right.
    case csv
    /// JSON Lines (jsonlines.org): one RFC 8259 JSON object per line, UTF-8, no BOM.
    case json

    public var fileExtension: String { self == .csv ? "csv" : "jsonl" }
    public var contentType: String { self == .csv ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8" }
}

/// Turns rows into bytes, line by line, so exports stream with flat memory.
public protocol RowEncoder: Sendable {
    /// Bytes before the first row: a BOM and a header line for CSV, nothing for JSON Lines.
    func header(_ columns: [String]) -> [UInt8]
    func row(_ columns: [String], _ cells: [ExportCell]) -> [UInt8]
    /// Appends the bytes of ``row(_:_:)`` to `bytes` (encoders override it to skip the copy).
    func append(_ columns: [String], _ cells: [ExportCell], to bytes: inout [UInt8])
    /// Appends the row of one pledge: the cells of ``ExportTable/pledgeRow(_:includePersonalData:)``
    /// under `columns` (encoders override it to write the record's bytes without cells).
    func appendPledge(_ record: ExportRecord, columns: [String], includePersonalData: Bool, to bytes: inout [UInt8])
}

extension RowEncoder {
    public func append(_ columns: [String], _ cells: [ExportCell], to bytes: inout [UInt8]) {
        bytes += row(columns, cells)
    }

    public func appendPledge(
        _ record: ExportRecord, columns: [String], includePersonalData: Bool, to bytes: inout [UInt8]
    ) {
        append(columns, ExportTable.pledgeRow(record, includePersonalData: includePersonalData), to: &bytes)
    }
}

extension ExportFormat {
    /// The encoder of this format; `delimiter` matters to CSV only.
    public func encoder(delimiter: CSVEncoder.Delimiter = .comma) -> any RowEncoder {
        switch self {
        case .csv: CSVEncoder(delimiter: delimiter)
        case .json: JSONLinesEncoder()
        }
    }
}
