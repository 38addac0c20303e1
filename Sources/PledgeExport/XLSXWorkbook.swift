import CXlsxWriter
import Foundation

/// The typed wrapper over libxlsxwriter's C calls that the XLSX export makes (Debian's
/// `libxlsxwriter-dev`, ECMA-376 Office Open XML): a workbook in `constant_memory` mode, its
/// worksheets, one bold format, and cells written as text or as numbers, nothing else (no
/// formula call is wrapped, so no cell can become one).
///
/// Every C error comes back as an ``ExportError`` with libxlsxwriter's own text (`lxw_strerror`);
/// no input makes it crash. In `constant_memory` mode each row goes to a temporary file in
/// `temporaryFolder` as soon as the next one starts, so memory stays flat whatever the row count;
/// rows must come in order, top to bottom. The file at `path` is written by ``close()`` only.
///
/// Not Sendable on purpose: one export writes from one task.
final class XLSXWorkbook {
    /// A worksheet of this workbook (borrowed: valid until ``XLSXWorkbook/close()``).
    struct Sheet {
        fileprivate let pointer: UnsafeMutablePointer<lxw_worksheet>
    }

    let path: String
    private var workbook: UnsafeMutablePointer<lxw_workbook>?
    /// Kept until the workbook is freed: libxlsxwriter reads the folder's name when it makes
    /// temporary files.
    private let temporaryFolder: UnsafeMutablePointer<CChar>
    private(set) var bold: UnsafeMutablePointer<lxw_format>?

    /// Starts a workbook to be written at `path`; its temporary files go to `temporaryFolder`
    /// (on the disk of the export, not a `/tmp` that may live in memory).
    init(path: String, temporaryFolder: String) throws(ExportError) {
        self.path = path
        guard let folder = strdup(temporaryFolder) else { throw ExportError("out of memory") }
        self.temporaryFolder = folder
        var options = lxw_workbook_options(constant_memory: UInt8(LXW_TRUE.rawValue), tmpdir: folder, use_zip64: 0)
        guard let workbook = workbook_new_opt(path, &options) else {
            free(folder)
            throw ExportError("cannot start the XLSX workbook \(path)")
        }
        self.workbook = workbook
        bold = workbook_add_format(workbook)
        if let bold { format_set_bold(bold) }
    }

    /// Adds a worksheet named `name` (1 to 31 characters, none of `[]:*?/\`, unique).
    func addSheet(named name: String) throws(ExportError) -> Sheet {
        let workbook = try open()
        guard !name.isEmpty, !name.utf8.contains(0) else { throw ExportError("a sheet needs a name") }
        try check(workbook_validate_sheet_name(workbook, name), "the sheet name \(name)")
        guard let sheet = workbook_add_worksheet(workbook, name) else {
            throw ExportError("cannot add the sheet \(name) to \(path)")
        }
        return Sheet(pointer: sheet)
    }

    /// Writes `text` as a string cell (`worksheet_write_string`): whatever it holds, `=1+1`
    /// included, it stays text, and text that looks like an escape of ECMA-376's strings
    /// (`_x0041_`, Part 1, 22.9.2.19) is escaped itself (``escapingEscapes(_:)``), so Excel shows
    /// it as written. Text must not hold U+0000 (a C string ends there; XML 1.0 has no such
    /// character), nor be longer than Excel's 32,767 characters.
    func writeText(
        _ text: String, row: Int, column: Int, in sheet: Sheet, bold: Bool = false
    ) throws(ExportError) {
        _ = try open()
        guard !text.utf8.contains(0) else {
            throw ExportError("row \(row + 1), column \(column + 1): text with U+0000 cannot be written to XLSX")
        }
        let format = bold ? self.bold : nil
        try check(
            worksheet_write_string(
                sheet.pointer, lxw_row_t(row), lxw_col_t(column), Self.escapingEscapes(text), format),
            "row \(row + 1), column \(column + 1)")
    }

    /// `text` with `_x005F` (an escaped `_`) before every `_xHHHH_` in it: a reader of ECMA-376
    /// strings turns `_xHHHH_` into the character U+HHHH (libxlsxwriter writes control
    /// characters so), and would turn a name's literal `_x0041_` into `A`.
    static func escapingEscapes(_ text: String) -> String {
        // Most text has no underscore: checked without copying it.
        guard text.utf8.count >= 7, text.utf8.contains(UInt8(ascii: "_")) else { return text }
        let bytes = Array(text.utf8)
        func isEscape(at start: Int) -> Bool {
            guard start + 7 <= bytes.count, bytes[start] == UInt8(ascii: "_"), bytes[start + 1] == UInt8(ascii: "x"),
                bytes[start + 6] == UInt8(ascii: "_")
            else { return false }
            return bytes[(start + 2)..<(start + 6)].allSatisfy { Character(Unicode.Scalar($0)).isHexDigit }
        }
        guard bytes.indices.contains(where: isEscape) else { return text }
        var escaped: [UInt8] = []
        escaped.reserveCapacity(bytes.count + 12)
        for index in bytes.indices {
            if isEscape(at: index) { escaped += Array("_x005F".utf8) }
            escaped.append(bytes[index])
        }
        return String(decoding: escaped, as: UTF8.self)
    }

    /// Writes `value` as a number cell (`worksheet_write_number`, an IEEE 754 double: integers
    /// are exact up to 2^53).
    func writeNumber(_ value: Int, row: Int, column: Int, in sheet: Sheet) throws(ExportError) {
        _ = try open()
        try check(
            worksheet_write_number(sheet.pointer, lxw_row_t(row), lxw_col_t(column), Double(value), nil),
            "row \(row + 1), column \(column + 1)")
    }

    /// Sets the width of `column`, in characters of the default font (Excel's unit).
    func setWidth(_ width: Double, column: Int, in sheet: Sheet) throws(ExportError) {
        _ = try open()
        try check(
            worksheet_set_column(sheet.pointer, lxw_col_t(column), lxw_col_t(column), width, nil),
            "column \(column + 1)")
    }

    /// Keeps the first `rows` rows in view when scrolling.
    func freezeRows(_ rows: Int, in sheet: Sheet) throws(ExportError) {
        _ = try open()
        worksheet_freeze_panes(sheet.pointer, lxw_row_t(rows), 0)
    }

    /// Assembles the file at ``path`` from the temporary files and frees the workbook; a
    /// workbook is closed once (a second call throws).
    func close() throws(ExportError) {
        let workbook = try open()
        self.workbook = nil
        let error = workbook_close(workbook)
        // A close that failed (a full disk) may leave a worksheet's temporary file open.
        if error != LXW_NO_ERROR { Self.closeTemporaryFiles(in: String(cString: temporaryFolder)) }
        try check(error, "writing \(path)")
    }

    deinit {
        // A workbook never closed (an export that failed) is freed without writing its file, and
        // its worksheets' temporary files closed: freeing leaves them open, and each held its rows
        // (names at an event) on disk, unlinked, until the process ended (found by the breaker).
        if let workbook {
            lxw_workbook_free(workbook)
            Self.closeTemporaryFiles(in: String(cString: temporaryFolder))
        }
        free(temporaryFolder)
    }

    /// Closes every descriptor of this process that holds an unlinked file of `folder` (the
    /// worksheets' temporary files libxlsxwriter made there and unlinked at once): what it left
    /// open when an export failed. `folder` is the export's own (``Exporter`` and
    /// ``DetachedFile`` give each export one), so no other file is touched.
    static func closeTemporaryFiles(in folder: String) {
        let prefix = URL(fileURLWithPath: folder).standardizedFileURL.path + "/"
        guard let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for name in descriptors {
            guard let descriptor = Int32(name),
                let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)"),
                target.hasPrefix(prefix), target.hasSuffix(" (deleted)")
            else { continue }
            Foundation.close(descriptor)
        }
    }

    private func open() throws(ExportError) -> UnsafeMutablePointer<lxw_workbook> {
        guard let workbook else { throw ExportError("the XLSX workbook \(path) is already closed") }
        return workbook
    }

    private func check(_ error: lxw_error, _ what: String) throws(ExportError) {
        guard error != LXW_NO_ERROR else { return }
        let reason = lxw_strerror(error).map { String(cString: $0) } ?? "error \(error.rawValue)"
        throw ExportError("XLSX, \(what): \(reason)")
    }
}
