import Foundation
import GRDB
import KioskTestSupport
import PledgeKit
import Testing

@testable import PledgeExport
@testable import PledgeStore

@Suite("Exports: CSV that Excel and Python read right, atomic files, manifests")
struct ExportFileTests {
    static let trickyNames = [
        #"=HYPERLINK("http://x.example","a")"#, "@SUM(1)", "Nguyễn Thị Ánh", "+84 912", "-Lan",
    ]
    static let trickySchool = "Trường \"Lê Lợi\",\nHuế"

    /// A store with the tricky values, inserted past validation (a school with a line break
    /// cannot come through the API, but the CSV must survive one).
    func makeStore() async throws -> PledgeStore {
        let file = temporaryDirectory("export").appendingPathComponent("pledges.sqlite").path
        let store = try PledgeStore(
            path: file, eventID: "test-event", defaultKioskID: "kiosk-test",
            links: try CertificateLinks(baseURL: "http://kiosk.example.vn"))
        try await store.pool.write { db in
            for (index, name) in Self.trickyNames.enumerated() {
                _ = try PledgeStore.insert(
                    PledgeDraft(
                        name: name, ageBand: .from18To24, province: Province(matching: "Huế"),
                        school: Self.trickySchool, guardianConsent: false),
                    key: try IdempotencyKey("x-\(index)"), eventID: "test-event", kioskID: "kiosk-01", in: db)
            }
        }
        return store
    }

    @Test(arguments: [CSVEncoder.Delimiter.comma, .semicolon])
    func csvReadsBackInPythonWithBOMAndNumbers(_ delimiter: CSVEncoder.Delimiter) async throws {
        let store = try await makeStore()
        let path = temporaryDirectory("export-out").appendingPathComponent("pledges.csv").path
        let manifest = try await Exporter(
            service: store,
            options: .init(kind: .pledges, format: .csv, delimiter: delimiter, includePersonalData: true)
        ).write(to: path, eventID: store.eventID)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(manifest.rows == Self.trickyNames.count)
        #expect(manifest.includePersonalData)
        let script = """
            import csv, json, sys
            with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
                rows = list(csv.reader(f, delimiter=sys.argv[2]))
            with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
                typed = list(csv.reader(f, delimiter=sys.argv[2], quoting=csv.QUOTE_NONNUMERIC))
            print(json.dumps({"rows": rows, "numbers": [r[0] for r in typed[1:]]}))
            """
        let result = try ProcessRunner.run("python3", ["-c", script, path, delimiter.rawValue])
        #expect(result.status == 0, "\(result.stderr)")
        let decoded = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let rows = try #require(decoded?["rows"] as? [[String]])
        // One header row: Vietnamese headings, each with its key after " · ".
        #expect(rows.first == ExportTable.pledgeColumns(includePersonalData: true).map(ExportTable.heading))
        #expect(rows.first?.contains("Tỉnh, thành phố · province") == true)
        let nameColumn = rows[0].firstIndex(of: "Họ và tên · name")!
        let schoolColumn = rows[0].firstIndex(of: "Trường · school")!
        let names = rows.dropFirst().map { row in
            // Less the neutralizing apostrophe in front of formula triggers.
            row[nameColumn].hasPrefix("'") ? String(row[nameColumn].dropFirst()) : row[nameColumn]
        }
        #expect(names == Self.trickyNames)
        #expect(rows.dropFirst().filter { $0[nameColumn].hasPrefix("'") }.count == 4)
        #expect(rows.dropFirst().allSatisfy { $0[schoolColumn] == Self.trickySchool })
        // Numbers are unquoted, so Python's QUOTE_NONNUMERIC reads them as numbers.
        #expect(decoded?["numbers"] as? [Double] == [1, 2, 3, 4, 5])
    }

    @Test func manifestRecordsTheSHA256AndPersonalDataStaysOutByDefault() async throws {
        let store = try await makeStore()
        let path = temporaryDirectory("export-out").appendingPathComponent("pledges.jsonl").path
        let manifest = try await Exporter(service: store, options: .init(kind: .pledges, format: .json))
            .write(to: path, eventID: store.eventID)
        let text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
        #expect(!text.contains("Ánh"))
        #expect(!text.contains("Lê Lợi"))
        #expect(text.split(separator: "\n").count == 5)
        let digest = try ProcessRunner.run("sha256sum", [path]).stdout.prefix(64)
        #expect(manifest.sha256 == String(digest))
        let saved = try JSONDecoder().decode(
            ExportManifest.self, from: Data(contentsOf: URL(fileURLWithPath: ExportManifest.path(for: path))))
        #expect(saved == manifest)
        #expect(saved.includePersonalData == false)
        let leftovers = try FileManager.default.contentsOfDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        #expect(leftovers.sorted() == ["pledges.jsonl", "pledges.jsonl.manifest.json"])
    }

    /// The export reads stored dates from SQLite's bytes; a date in another form GRDB reads
    /// (older rows, rows edited by hand) goes through GRDB and gives the same Vietnam time, and
    /// a value that is no date fails the export instead of writing a wrong time.
    @Test func datesInOtherStoredFormsExportAsVietnamTimeAndNoDateFails() async throws {
        let store = try await makeStore()
        try await store.pool.write { db in
            for (key, value) in [
                ("x-0", "2025-10-10 02:30:05.000"), ("x-1", "2025-10-10 02:30:05"), ("x-2", "2025-10-10T02:30:05.999"),
            ] {
                try db.execute(
                    sql: "UPDATE pledge SET created_at = ? WHERE idempotency_key = ?", arguments: [value, key])
            }
            try db.execute(sql: "UPDATE pledge SET created_at = '2025-10-10 02:30' WHERE idempotency_key = 'x-3'")
        }
        var bytes: [UInt8] = []
        let exporter = Exporter(service: store, options: .init(kind: .pledges))
        try await exporter.run { chunk, _ in bytes += chunk }
        let times = String(decoding: bytes.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
            .dropFirst().prefix(4).map { $0.split(separator: ",")[4] }
        #expect(times == ["05", "05", "05", "00"].map { "\"2025-10-10T09:30:\($0)+07:00\"" })

        try await store.pool.write { db in
            try db.execute(sql: "UPDATE pledge SET created_at = 'not a date' WHERE idempotency_key = 'x-4'")
        }
        let error = await #expect(throws: PledgeError.self) { try await exporter.run { _, _ in } }
        // A read failure says so: nothing was being saved.
        #expect(error?.code == .unavailable)
        #expect(error?.message.en == "The pledges could not be read right now. Please try again in a moment.")
    }

    @Test func countsExportEndsWithItsTotal() async throws {
        let store = try await makeStore()
        let path = temporaryDirectory("export-out").appendingPathComponent("counts.csv").path
        _ = try await Exporter(
            service: store, options: .init(kind: .counts, dimensions: [.province, .ageBand])
        ).write(to: path, eventID: store.eventID)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(Array(bytes.prefix(3)) == CSVEncoder.byteOrderMark)
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(
            text
                == "\"Tỉnh, thành phố · province\",\"Độ tuổi · age-band\",\"Số người ký · count\"\r\n"
                + "\"Huế\",\"18-24\",5\r\n\"Tổng · total\",,5\r\n")
    }

    /// JSON Lines: the total is `{"total":N}`, never a line a bucket could write (it was
    /// `{"kiosk":"total","count":N}`, the same as a kiosk named `total`).
    @Test func countsInJSONLinesEndWithATotalNoKioskCanLookLike() async throws {
        let store = try await makeStore()
        try await store.pool.write { db in
            _ = try PledgeStore.insert(
                PledgeDraft(name: "An", ageBand: .from12To15, province: nil, school: nil, guardianConsent: true),
                key: try IdempotencyKey("kiosk-named-total"), eventID: "test-event", kioskID: "total", in: db)
        }
        var bytes: [UInt8] = []
        let rows = try await Exporter(
            service: store, options: .init(kind: .counts, format: .json, dimensions: [.kiosk])
        )
        .run { chunk, _ in bytes += chunk }
        #expect(rows == 3)
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == "{\"kiosk\":\"kiosk-01\",\"count\":5}\n{\"kiosk\":\"total\",\"count\":1}\n{\"total\":6}\n")
        var undivided: [UInt8] = []
        _ = try await Exporter(service: store, options: .init(kind: .counts, format: .json)).run { chunk, _ in
            undivided += chunk
        }
        #expect(String(decoding: undivided, as: UTF8.self) == "{\"total\":6}\n")
    }

    @Test func anUnfinishedExportLeavesNoFile() throws {
        let path = temporaryDirectory("export-out").appendingPathComponent("never.csv").path
        do {
            let file = try ExportFile(path: path)
            try file.write(Array("half".utf8))
            #expect(FileManager.default.fileExists(atPath: file.temporaryPath))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent).isEmpty)
    }

    @Test("A manifest that cannot be written takes its file with it: the error's 'nothing written' is true")
    func noFileWithoutItsManifest() async throws {
        let store = try await makeStore()
        let folder = temporaryDirectory("export-no-manifest")
        let path = folder.appendingPathComponent("pledges.csv").path
        // A folder where the manifest goes: its write fails after the data file was renamed into
        // place (as a full disk did for the breaker).
        try FileManager.default.createDirectory(
            atPath: ExportManifest.path(for: path), withIntermediateDirectories: true)
        await #expect(throws: (any Error).self) {
            try await Exporter(
                service: store, options: .init(kind: .pledges, format: .csv, includePersonalData: true)
            ).write(to: path, eventID: store.eventID)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
