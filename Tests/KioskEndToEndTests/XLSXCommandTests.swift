import Foundation
import KioskTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("kiosk export --format xlsx")
struct XLSXCommandTests {
    let commands = OrganizerCommandTests()

    @Test func theWorkbookHasTheRowsOfTheCSVAndItsManifest() async throws {
        let file = try await commands.database(2000, names: ["Nguyễn Thị Ánh", "=1+1", "@SUM(A1)"])
        let folder = temporaryDirectory("cli-xlsx")
        defer { try? FileManager.default.removeItem(at: folder) }
        let xlsx = folder.appendingPathComponent("pledges.xlsx").path
        let csv = folder.appendingPathComponent("pledges.csv").path
        for (format, output) in [("xlsx", xlsx), ("csv", csv)] {
            let run = try commands.kiosk(
                [
                    "export", "pledges", "--format", format, "--include-personal-data", "--output", output,
                    "--database", file,
                ] + commands.common)
            #expect(run.status == 0, "\(run.stderr)")
        }
        let manifest =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: xlsx + ".manifest.json")))
            as? [String: Any]
        #expect(manifest?["format"] as? String == "xlsx")
        #expect(manifest?["rows"] as? Int == 2003)
        #expect(manifest?["sha256"] as? String == String(try ProcessRunner.run("sha256sum", [xlsx]).stdout.prefix(64)))
        var info = stat()
        #expect(lstat(xlsx, &info) == 0 && info.st_mode & 0o077 == 0, "exports are readable by the owner only")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
                == ["pledges.csv", "pledges.csv.manifest.json", "pledges.xlsx", "pledges.xlsx.manifest.json"])

        let sheet = try #require(try SpreadsheetReaders.openpyxl(xlsx).first)
        #expect(
            sheet.rows.map { $0.map(\.csvText) }
                == (try SpreadsheetReaders.csv(csv)).map { $0.map(SpreadsheetReaders.unguarded) })
        let name = try #require(sheet.rows.first?.firstIndex { $0.text == "Họ và tên · name" })
        #expect(sheet.rows[1...3].map { $0[name].type } == ["s", "s", "s"])
        #expect(sheet.rows[1...3].map { $0[name].text } == ["Nguyễn Thị Ánh", "=1+1", "@SUM(A1)"])

        let withDelimiter = try commands.kiosk(
            ["export", "pledges", "--format", "xlsx", "--delimiter", ";", "--output", xlsx + "2", "--database", file]
                + commands.common)
        #expect(withDelimiter.status != 0)
        #expect(withDelimiter.stderr.contains("--delimiter applies to --format csv only"))
    }
}
