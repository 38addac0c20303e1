import Foundation
import KioskTestSupport
import PledgeKit
import Testing

@testable import PledgeExport
@testable import PledgeStore

@Suite("Exports: XLSX that openpyxl reads as text and numbers, never formulas")
struct XLSXExportTests {
    @Test func pledgesExportAsTypedCellsWithTheSameRowsAsTheCSV() async throws {
        let store = try await ExportFileTests().makeStore()
        let folder = temporaryDirectory("export-xlsx")
        let path = folder.appendingPathComponent("pledges.xlsx").path
        let manifest = try await Exporter(
            service: store, options: .init(kind: .pledges, format: .xlsx, includePersonalData: true)
        ).write(to: path, eventID: store.eventID)
        #expect(manifest.format == .xlsx && manifest.delimiter == nil)
        #expect(manifest.rows == ExportFileTests.trickyNames.count)
        // The manifest covers the file as written; nothing else is left in the folder (no
        // partial file, none of libxlsxwriter's temporary files).
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(manifest.bytes == bytes.count)
        let sum = try ProcessRunner.run("sha256sum", [path])
        #expect(sum.stdout.hasPrefix(manifest.sha256))
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(left == ["pledges.xlsx", "pledges.xlsx.manifest.json"])

        let sheets = try SpreadsheetReaders.openpyxl(path)
        let sheet = try #require(sheets.first)
        #expect(sheets.count == 1 && sheet.name == "pledges")
        let columns = ExportTable.pledgeColumns(includePersonalData: true)
        // Vietnamese headings with their keys (ExportTable.heading), never the bare keys.
        #expect(sheet.rows.first?.map(\.text) == columns.map(ExportTable.heading))
        #expect(sheet.rows.first?.first?.text == "Số thứ tự · number")
        #expect(sheet.rows.first?.contains { $0.text == "Họ và tên · name" } == true)
        #expect(sheet.headerBold && sheet.frozen == "A2")
        #expect(sheet.widths.count == columns.count)
        #expect(sheet.widths.values.allSatisfy { (6...62).contains($0) }, "\(sheet.widths)")
        let nameColumn = try #require(columns.firstIndex(of: "name"))
        let data = sheet.rows.dropFirst()
        for (row, name) in zip(data, ExportFileTests.trickyNames) {
            // Formulas stay text, and text stays in NFC scalar for scalar (== on String would
            // accept NFD too).
            #expect(row[nameColumn].type == "s")
            #expect(row[nameColumn].text.map { Array($0.unicodeScalars) } == Array(name.unicodeScalars))
            #expect(row[0].type == "n" && row[0].number != nil)
            #expect(row.allSatisfy { $0.type != "f" })
        }

        let csvPath = folder.appendingPathComponent("pledges.csv").path
        _ = try await Exporter(
            service: store, options: .init(kind: .pledges, format: .csv, includePersonalData: true)
        ).write(to: csvPath, eventID: store.eventID)
        let csv = try SpreadsheetReaders.csv(csvPath).map { $0.map(SpreadsheetReaders.unguarded) }
        #expect(sheet.rows.map { $0.map(\.csvText) } == csv)
    }

    @Test func countsExportAsNumbers() async throws {
        let store = try await ExportFileTests().makeStore()
        let path = temporaryDirectory("export-xlsx").appendingPathComponent("counts.xlsx").path
        _ = try await Exporter(
            service: store, options: .init(kind: .counts, format: .xlsx, dimensions: [.province, .ageBand])
        ).write(to: path, eventID: store.eventID)
        let sheet = try #require(try SpreadsheetReaders.openpyxl(path).first)
        #expect(sheet.name == "counts")
        #expect(
            sheet.rows.first?.map(\.text) == [
                "Tỉnh, thành phố · province", "Độ tuổi · age-band", "Số người ký · count",
            ])
        #expect(sheet.rows.last?.map(\.csvText) == ["Tổng · total", "", "\(ExportFileTests.trickyNames.count)"])
        #expect(sheet.rows.dropFirst().allSatisfy { $0[2].type == "n" })
    }

    @Test func formulaLookingTextIsTextAndRowsGoOnInANextSheet() throws {
        let path = temporaryDirectory("xlsx-encoder").appendingPathComponent("t.xlsx").path
        let texts = [
            "=1+1", "@SUM(A1)", "+84 912 345 678", #"=HYPERLINK("http://x.example","a")"#, "-5", "Ánh_x0041_",
        ]
        let encoder = try XLSXEncoder(
            path: path, sheetName: "pledges", columns: ["text", "n", "ok", "none"], rowsPerSheet: 4)
        for (index, text) in texts.enumerated() {
            try encoder.append([.text(text), .number(index - 2), .bool(index.isMultiple(of: 2)), .null])
        }
        try encoder.close()
        #expect(encoder.rows == texts.count)
        let sheets = try SpreadsheetReaders.openpyxl(path)
        // Three data rows a sheet under the header: two sheets, the header on each.
        #expect(sheets.map(\.name) == ["pledges", "pledges (2)"])
        #expect(sheets.allSatisfy { $0.rows.first?.map(\.text) == ["text", "n", "ok", "none"] })
        let rows = sheets.flatMap { $0.rows.dropFirst() }
        #expect(rows.map { $0[0].type } == Array(repeating: "s", count: texts.count))
        #expect(rows.map { $0[0].text } == texts)
        #expect(rows.map { $0[1].number } == (0..<texts.count).map { Double($0 - 2) })
        #expect(rows.map { $0[2].number } == (0..<texts.count).map { $0.isMultiple(of: 2) ? 1 : 0 })
        #expect(rows.allSatisfy { $0.count < 4 || $0[3].text == nil && $0[3].number == nil })
    }

    @Test func textThatLooksLikeAnEscapeIsEscaped() {
        #expect(XLSXWorkbook.escapingEscapes("_x0041_") == "_x005F_x0041_")
        #expect(XLSXWorkbook.escapingEscapes("Ánh__x00aF__x0041_") == "Ánh__x005F_x00aF__x005F_x0041_")
        for plain in ["", "_x00G1_", "_x004_", "Nguyễn Thị Ánh", "_x0041"] {
            #expect(XLSXWorkbook.escapingEscapes(plain) == plain)
        }
    }

    @Test func badInputIsAnExportErrorNeverACrash() throws {
        let folder = temporaryDirectory("xlsx-errors")
        let path = folder.appendingPathComponent("t.xlsx").path
        let encoder = try XLSXEncoder(path: path, sheetName: "pledges", columns: ["a"])
        #expect(throws: ExportError.self) { try encoder.append([.text("a\u{0}b")]) }
        #expect(throws: ExportError.self) { try encoder.append([.text(String(repeating: "x", count: 40_000))]) }
        #expect(throws: ExportError.self) { try encoder.append([.text("a"), .text("b")]) }
        try encoder.append([.text("ok")])
        try encoder.close()
        #expect(throws: ExportError.self) { try encoder.close() }
        #expect(throws: ExportError.self) { try encoder.append([.text("late")]) }
        #expect(try SpreadsheetReaders.openpyxl(path).first?.rows.count == 2)
        for name in ["a/b", "", String(repeating: "n", count: 40)] {
            #expect(throws: ExportError.self) {
                _ = try XLSXEncoder(path: folder.appendingPathComponent("u.xlsx").path, sheetName: name, columns: ["a"])
            }
        }
        #expect(throws: ExportError.self) { _ = try ExportFormat.xlsx.encoder() }
    }

    @Test("An export that fails before its file is written leaves no temporary file open (rows, names, on disk)")
    func aFailedExportClosesItsTemporaryFiles() throws {
        let folder = temporaryDirectory("xlsx-abandoned")
        func openUnlinked() -> [String] {
            let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            return descriptors.compactMap {
                try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")
            }.filter { $0.hasPrefix(folder.standardizedFileURL.path + "/") && $0.hasSuffix(" (deleted)") }
        }
        do {
            let encoder = try XLSXEncoder(
                path: folder.appendingPathComponent("t.xlsx").path, sheetName: "pledges", columns: ["name"])
            for number in 1...100 { try encoder.append([.text("Nguyễn Thị Ánh \(number)")]) }
            // constant_memory: the rows are in a worksheet's temporary file, unlinked, open.
            #expect(!openUnlinked().isEmpty)
        }
        // Dropped without close(), as when the store fails mid-export.
        #expect(openUnlinked().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("t.xlsx").path))
    }
}
