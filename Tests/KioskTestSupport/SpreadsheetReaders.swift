import Foundation
import PledgeExport

/// Real readers of the exports, for tests: openpyxl and Python's csv module through
/// scripts/xlsx-read.py, and LibreOffice headless, which opens an XLSX file and saves its first
/// sheet as CSV.
public enum SpreadsheetReaders {
    /// One cell as openpyxl reads it: its `data_type` (`s` text, `n` number, `f` formula, `b`
    /// boolean, `d` date) and its value, text or number, or neither for an empty cell.
    public struct Cell: Decodable, Sendable, Equatable {
        public var type: String
        public var text: String?
        public var number: Double?

        public init(from decoder: any Decoder) throws {
            var pair = try decoder.unkeyedContainer()
            type = try pair.decode(String.self)
            if let text = try? pair.decode(String.self) {
                self.text = text
            } else if let number = try? pair.decode(Double.self) {
                self.number = number
            }
        }

        /// The value as our CSV export writes it: text as is, whole numbers without a fraction.
        public var csvText: String {
            if let text { return text }
            if let number { return number == number.rounded() ? String(Int(number)) : String(number) }
            return ""
        }
    }

    public struct Sheet: Decodable, Sendable {
        public var name: String
        public var rows: [[Cell]]
        public var headerBold: Bool
        /// The top-left cell of the scrolling part (`A2`: the header row stays), nil: none.
        public var frozen: String?
        /// Column letter → width in characters, for the columns given one.
        public var widths: [String: Double]
    }

    struct Workbook: Decodable { var sheets: [Sheet] }

    /// The sheets of an XLSX file, read by openpyxl.
    public static func openpyxl(_ path: String) throws -> [Sheet] {
        try JSONDecoder().decode(Workbook.self, from: script("xlsx", path)).sheets
    }

    /// The records of a CSV file (RFC 4180; a byte order mark dropped), read by Python's csv module.
    public static func csv(_ path: String) throws -> [[String]] {
        try JSONDecoder().decode([[String]].self, from: script("csv", path))
    }

    /// The first sheet of an XLSX file as LibreOffice Calc headless saves it as CSV (comma,
    /// double quote, UTF-8), read by ``csv(_:)``. Each call has a profile folder of its own (two
    /// runs never share one), waits for `soffice` to end, and gives it up to 5 minutes.
    public static func libreOffice(_ path: String) throws -> [[String]] {
        let work = temporaryDirectory("libreoffice")
        defer { try? FileManager.default.removeItem(at: work) }
        let output = work.appendingPathComponent("out").path
        let result = try ProcessRunner.run(
            "timeout",
            [
                "300", "soffice", "-env:UserInstallation=file://\(work.appendingPathComponent("profile").path)",
                "--headless", "--norestore", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1",
                "--outdir", output, path,
            ])
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent + ".csv"
        let converted = URL(fileURLWithPath: output).appendingPathComponent(name).path
        guard result.status == 0, FileManager.default.fileExists(atPath: converted) else {
            throw ReaderFailure("soffice exited \(result.status): \(result.stdout) \(result.stderr)")
        }
        return try csv(converted)
    }

    /// The CSV export's text with its formula guard taken off (`'=1+1` → `=1+1`), to compare
    /// with a spreadsheet's cells, where text needs no guard.
    public static func unguarded(_ field: String) -> String {
        guard field.hasPrefix("'"), let next = field.dropFirst().first, CSVEncoder.formulaTriggers.contains(next)
        else { return field }
        return String(field.dropFirst())
    }

    private static func script(_ kind: String, _ path: String) throws -> Data {
        let script = RepositoryPaths.root.appendingPathComponent("scripts/xlsx-read.py").path
        let result = try ProcessRunner.run("python3", [script, kind, path])
        guard result.status == 0 else { throw ReaderFailure("xlsx-read.py \(kind) failed: \(result.stderr)") }
        return Data(result.stdout.utf8)
    }

    public struct ReaderFailure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
