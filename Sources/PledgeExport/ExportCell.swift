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
    /// An XLSX workbook (ECMA-376 Office Open XML), through libxlsxwriter: ``XLSXEncoder``.
    case xlsx

    public var fileExtension: String {
        switch self {
        case .csv: "csv"
        case .json: "jsonl"
        case .xlsx: "xlsx"
        }
    }

    /// The media type of a download (XLSX: ECMA-376's, registered with IANA).
    public var contentType: String {
        switch self {
        case .csv: "text/csv; charset=utf-8"
        case .json: "application/jsonl; charset=utf-8"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }

    /// Whether the format is a stream of bytes row after row (``RowEncoder``), which a download
    /// can send as it is made; XLSX is a ZIP file, written whole before it can be sent.
    public var isStreamed: Bool { self != .xlsx }
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
    /// The row encoder of a streamed format (``isStreamed``); `delimiter` matters to CSV only.
    /// - Throws: ``ExportError`` for XLSX, which ``XLSXEncoder`` writes to a file instead.
    public func encoder(delimiter: CSVEncoder.Delimiter = .comma) throws(ExportError) -> any RowEncoder {
        switch self {
        case .csv: return CSVEncoder(delimiter: delimiter)
        case .json: return JSONLinesEncoder()
        case .xlsx: throw ExportError("XLSX is written to a file, not streamed: use Exporter.writeFile(to:)")
        }
    }
}
