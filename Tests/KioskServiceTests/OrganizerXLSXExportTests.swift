import Foundation
import KioskService
import KioskTestSupport
import PledgeExport
import PledgeKit
import Testing

/// `GET /api/organizer/export/{kind}?format=xlsx`, opened by real readers: openpyxl and
/// LibreOffice headless.
@Suite("Organizer XLSX export")
struct OrganizerXLSXExportTests {
    static let bearer = OrganizerRouteTests.bearer
    /// Names a spreadsheet could take for formulas, and Vietnamese in NFC.
    /// And one that looks like an escape of ECMA-376's strings (`_x0041_` would read as `A`).
    static let names = [
        "Nguyễn Thị Ánh", "=1+1", "@SUM(A1)", "+84 912 345 678", #"=HYPERLINK("http://x.example","a")"#, "Lan_x0041_",
    ]

    /// Saves the pledge export in `format` (with names) to a file in `folder`.
    static func export(_ server: TestService, format: String, to folder: URL) async throws -> (String, HTTPAnswer) {
        let answer = try await server.request(
            "GET", "/api/organizer/export/pledges?format=\(format)&includePersonalData=true", headers: bearer)
        let path = folder.appendingPathComponent("pledges.\(format)").path
        try answer.body.write(to: URL(fileURLWithPath: path))
        return (path, answer)
    }

    /// Posts one pledge per name, in a province with diacritics; the first name is sent in NFD
    /// (as some keyboards type it), and stored and exported in NFC.
    static func postPledges(_ server: TestService) async throws {
        for (index, name) in names.enumerated() {
            let body = try JSONSerialization.data(withJSONObject: [
                "name": index == 0 ? name.decomposedStringWithCanonicalMapping : name, "ageBand": "18-24",
                "province": "Đồng Nai",
            ])
            let answer = try await server.postPledge(body)
            #expect(answer.status == 201, "\(name): \(answer.text)")
        }
    }

    @Test func theWorkbookOpensInOpenpyxlAndLibreOfficeWithTheRowsOfTheCSV() async throws {
        try await TestService.with { server in
            try await Self.postPledges(server)
            let folder = temporaryDirectory("organizer-xlsx")
            defer { try? FileManager.default.removeItem(at: folder) }
            let (xlsx, answer) = try await Self.export(server, format: "xlsx", to: folder)
            #expect(answer.status == 200)
            #expect(
                answer.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            let eventID = server.parts.configuration.eventID
            #expect(answer.headers["content-disposition"] == "attachment; filename=\"\(eventID)-pledges.xlsx\"")
            #expect(answer.headers["content-length"] == String(answer.body.count))
            #expect(answer.headers["cache-control"] == "no-store")

            let (csv, _) = try await Self.export(server, format: "csv", to: folder)
            let csvRows = try SpreadsheetReaders.csv(csv).map { $0.map(SpreadsheetReaders.unguarded) }
            #expect(csvRows.count == Self.names.count + 1)

            let sheet = try #require(try SpreadsheetReaders.openpyxl(xlsx).first)
            #expect(sheet.rows.map { $0.map(\.csvText) } == csvRows)
            let columns = try #require(sheet.rows.first).map { $0.text ?? "" }
            let name = try #require(columns.firstIndex(of: "Họ và tên · name"))
            let province = try #require(columns.firstIndex(of: "Tỉnh, thành phố · province"))
            let number = try #require(columns.firstIndex(of: "Số thứ tự · number"))
            for (row, expected) in zip(sheet.rows.dropFirst(), Self.names) {
                #expect(row[name].type == "s")
                #expect(row[name].text.map { Array($0.unicodeScalars) } == Array(expected.unicodeScalars))
                #expect(row[province].text.map { Array($0.unicodeScalars) } == Array("Đồng Nai".unicodeScalars))
                #expect(row[number].type == "n")
            }

            // LibreOffice evaluates formulas when it opens a file: the names come back as text.
            let calc = try await offPool { try SpreadsheetReaders.libreOffice(xlsx) }
            #expect(calc == csvRows)
            #expect(calc.dropFirst().map { $0[name] } == Self.names)
        }
    }

    @Test func countsComeAsNumbersAndABadFormatIsAProblem() async throws {
        try await TestService.with { server in
            try await Self.postPledges(server)
            let folder = temporaryDirectory("organizer-xlsx")
            defer { try? FileManager.default.removeItem(at: folder) }
            let answer = try await server.request(
                "GET", "/api/organizer/export/counts?format=xlsx&by=province", headers: Self.bearer)
            #expect(answer.status == 200)
            let path = folder.appendingPathComponent("counts.xlsx").path
            try answer.body.write(to: URL(fileURLWithPath: path))
            let sheet = try #require(try SpreadsheetReaders.openpyxl(path).first)
            let total = "\(Self.names.count)"
            #expect(
                sheet.rows.map { $0.map(\.csvText) } == [
                    ["Tỉnh, thành phố · province", "Số người ký · count"], ["Đồng Nai", total],
                    ["Tổng · total", total],
                ])
            #expect(sheet.rows.dropFirst().allSatisfy { $0[1].type == "n" })

            let bad = try await server.request(
                "GET", "/api/organizer/export/pledges?format=xls", headers: Self.bearer)
            #expect(bad.status == 400)
            #expect(bad.headers["content-type"]?.hasPrefix("application/problem+json") == true)
            #expect(bad.text.contains("xlsx"))
        }
    }
}
