import CXlsxWriter
import Foundation

/// An export as an XLSX workbook (ECMA-376 Office Open XML, through libxlsxwriter: see
/// ``XLSXWorkbook``), which a spreadsheet opens with Vietnamese text right and no import dialog.
///
/// - A bold header row with the column names, kept in view (frozen), then one row per
///   ``append(_:)``, in order.
/// - Cells by their ``ExportCell`` type: text as string cells, always, so a name such as
///   `=HYPERLINK(…)`, `+84…` or `@SUM(A1)` stays the text it is and is never a formula (no guard
///   apostrophe is needed, unlike CSV); numbers as number cells; booleans as the numbers 1 and 0
///   and dates as ISO 8601 text in Vietnam time, both as in the CSV export, so the two exports of
///   one database hold the same values; null as an empty cell.
/// - Text is written as given (the store keeps it in NFC, which stays NFC).
/// - Each column as wide as its header and its first 1,000 values (at most 60 characters).
/// - Past Excel's 1,048,576 rows a sheet, the rows go on in a next sheet, `<name> (2)`, with the
///   header again.
///
/// The file is written at `path` by ``close()``; memory stays flat however many rows
/// (`constant_memory` mode: rows go to temporary files in the folder of `path`). Errors are
/// ``ExportError``s. ``Exporter`` writes it to a temporary file and renames it into place.
///
/// Not Sendable on purpose: one export writes from one task.
public final class XLSXEncoder {
    /// Excel's rows per worksheet, header included (`LXW_ROW_MAX`).
    public static let rowsPerSheet = Int(LXW_ROW_MAX)
    /// Values measured per sheet for the column widths.
    static let measuredRows = 1000
    static let widthRange = 6...60

    public let path: String
    public let columns: [String]
    /// Data rows written so far, across sheets.
    public private(set) var rows = 0
    private let workbook: XLSXWorkbook
    private let sheetName: String
    private var sheet: XLSXWorkbook.Sheet
    private var sheets = 1
    /// The next row of the current sheet (0 is the header).
    private var row = 0
    /// The widest value of each column in the current sheet's measured rows, in characters.
    private var widths: [Int]

    /// Starts a workbook at `path` with one sheet named `sheetName` (at most 27 characters, none
    /// of `[]:*?/\`) and its header row of `columns`; `rowsPerSheet` (at least 2, at most
    /// Excel's) is for tests of the next sheets.
    public init(path: String, sheetName: String, columns: [String], rowsPerSheet: Int = XLSXEncoder.rowsPerSheet)
        throws(ExportError)
    {
        self.path = path
        self.columns = columns
        self.sheetName = sheetName
        sheetRows = min(max(rowsPerSheet, 2), Self.rowsPerSheet)
        guard columns.count <= Int(LXW_COL_MAX) else {
            throw ExportError("XLSX holds at most \(LXW_COL_MAX) columns, not \(columns.count)")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        workbook = try XLSXWorkbook(path: path, temporaryFolder: folder)
        widths = columns.map(Self.width)
        sheet = try workbook.addSheet(named: sheetName)
        try startSheet()
    }

    /// Rows a sheet holds here, header included: ``rowsPerSheet``, or fewer when a test asks.
    let sheetRows: Int

    /// Writes one row, its cells in the order of ``columns`` (extra cells are an error).
    public func append(_ cells: [ExportCell]) throws(ExportError) {
        guard cells.count <= columns.count else {
            throw ExportError("XLSX row \(rows + 1) has \(cells.count) cells for \(columns.count) columns")
        }
        if row == sheetRows {
            try finishSheet()
            sheets += 1
            sheet = try workbook.addSheet(named: "\(sheetName) (\(sheets))")
            widths = columns.map(Self.width)
            try startSheet()
        }
        let measure = row <= Self.measuredRows
        for (column, cell) in cells.enumerated() {
            switch cell {
            case .text(let text):
                try workbook.writeText(text, row: row, column: column, in: sheet)
                if measure { widths[column] = max(widths[column], Self.width(text)) }
            case .number(let value):
                try workbook.writeNumber(value, row: row, column: column, in: sheet)
                if measure { widths[column] = max(widths[column], String(value).utf8.count) }
            case .bool(let value):
                try workbook.writeNumber(value ? 1 : 0, row: row, column: column, in: sheet)
            case .null:
                break
            }
        }
        row += 1
        rows += 1
    }

    /// Sets the last sheet's column widths and writes the file at ``path``.
    public func close() throws(ExportError) {
        try finishSheet()
        try workbook.close()
    }

    private func startSheet() throws(ExportError) {
        for (column, name) in columns.enumerated() {
            try workbook.writeText(name, row: 0, column: column, in: sheet, bold: true)
        }
        try workbook.freezeRows(1, in: sheet)
        row = 1
    }

    /// Column widths are kept by the worksheet and written when the workbook closes, so they can
    /// follow the rows.
    private func finishSheet() throws(ExportError) {
        for (column, width) in widths.enumerated() {
            let clamped = min(max(width + 2, Self.widthRange.lowerBound), Self.widthRange.upperBound)
            try workbook.setWidth(Double(clamped), column: column, in: sheet)
        }
    }

    /// Characters of `text` (Unicode scalars: NFC Vietnamese is one per letter).
    static func width(_ text: String) -> Int { text.unicodeScalars.count }
}
