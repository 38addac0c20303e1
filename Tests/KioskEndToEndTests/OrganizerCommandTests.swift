import Foundation
import GRDB
import KioskConfiguration
import KioskTestSupport
import PledgeKit
import Testing

@testable import PledgeStore

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Organizer commands: export, find, erase, purge, counts --by")
struct OrganizerCommandTests {
    func kiosk(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try ProcessRunner.run(RepositoryPaths.kioskBinary, arguments)
    }

    /// A database of the default event with `count` pledges, every tenth named.
    func database(_ count: Int, names: [String] = []) async throws -> String {
        let configuration = try EventConfiguration.load(from: RepositoryPaths.defaultConfiguration)
        let file = temporaryDirectory("cli-organizer").appendingPathComponent("pledges.sqlite").path
        let store = try PledgeStore(
            path: file, eventID: configuration.eventID, defaultKioskID: "kiosk-01",
            links: try CertificateLinks(baseURL: "http://localhost"))
        for (index, name) in names.enumerated() {
            _ = try await store.record(
                PledgeDraft(name: name, ageBand: .from18To24, province: nil, guardianConsent: false),
                idempotencyKey: try IdempotencyKey("n-\(index)"), kioskID: nil)
        }
        // One transaction through the store's own insert: fast, and the counts are maintained.
        let eventID = configuration.eventID
        try await store.pool.write { db in
            for index in 0..<count {
                _ = try PledgeStore.insert(
                    PledgeDraft(
                        name: index % 10 == 0 ? "Người ký \(index)" : nil, ageBand: .from16To17,
                        province: Province.all[index % 34], guardianConsent: false),
                    key: try IdempotencyKey("g-\(index)"), eventID: eventID, kioskID: "kiosk-01", in: db)
            }
        }
        try store.close()
        return file
    }

    var common: [String] { ["--config", RepositoryPaths.defaultConfiguration.path] }

    @Test func findsByNameIgnoringDiacriticsThenErases() async throws {
        let file = try await database(0, names: ["Đỗ Đức Đạt", "Lê Văn Đạt", "Phạm Dung"])
        let found = try kiosk(["find", "do duc dat", "--database", file] + common)
        #expect(found.status == 0)
        #expect(found.stdout.hasPrefix("Đỗ Đức Đạt\t#1"))
        let both = try kiosk(["find", "DAT", "--database", file] + common)
        #expect(
            both.stdout.split(separator: "\n").map { $0.split(separator: "\t")[0] } == ["Đỗ Đức Đạt", "Lê Văn Đạt"])
        let code = String(found.stdout.split(separator: "\t")[5].prefix(19))
        let erased = try kiosk(["erase", code, "--database", file] + common)
        #expect(erased.status == 0, "\(erased.stderr)")
        #expect(try kiosk(["find", "do duc dat", "--database", file] + common).stdout.isEmpty)
        let counts = try kiosk(["counts", "--by", "event", "--format", "json", "--database", file] + common)
        #expect(counts.stdout.contains(#""total" : 3"#))
        #expect(try kiosk(["erase", "nonsense", "--database", file] + common).status != 0)
    }

    @Test func countsByDimensionsAndPublicMergeSmallGroups() async throws {
        let file = try await database(200)
        let exact = try kiosk(["counts", "--by", "province,age-band", "--format", "csv", "--database", file] + common)
        #expect(exact.status == 0)
        #expect(exact.stdout.hasSuffix("\"total\",,200\r\n"))
        let published = try kiosk(
            ["counts", "--by", "province", "--public", "--k", "7", "--format", "json", "--database", file] + common)
        let json = try JSONSerialization.jsonObject(with: Data(published.stdout.utf8)) as? [String: Any]
        let buckets = json?["buckets"] as? [[String: Any]] ?? []
        #expect(buckets.allSatisfy { ($0["count"] as? Int ?? 0) >= 7 })
        #expect(buckets.map { $0["count"] as? Int ?? 0 }.reduce(0, +) == 200)
        #expect(try kiosk(["counts", "--by", "shoe-size", "--database", file] + common).stderr.contains("shoe-size"))
    }

    @Test func anExportKilledHalfwayLeavesNoFileAndAFinishedOneMatchesItsManifest() async throws {
        let file = try await database(30_000)
        let folder = temporaryDirectory("cli-export")
        let output = folder.appendingPathComponent("pledges.csv").path
        let process = SpawnedProcess()
        process.executableURL = URL(fileURLWithPath: RepositoryPaths.kioskBinary)
        process.arguments = ["export", "pledges", "--output", output, "--database", file] + common
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try ProcessRunner.launch(process)
        // Kill it as soon as the partial file has data in it.
        let deadline = Date().addingTimeInterval(60)
        var killedWithData = false
        while Date() < deadline, process.isRunning {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            if let partial = names.first(where: { $0.contains(".partial-") }),
                let size = try? FileManager.default.attributesOfItem(
                    atPath: folder.appendingPathComponent(partial).path)[.size] as? Int, size > 0
            {
                kill(process.processIdentifier, SIGKILL)
                killedWithData = true
                break
            }
            usleep(2000)
        }
        process.waitUntilExit()
        #expect(killedWithData, "the export finished before it could be killed")
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(!FileManager.default.fileExists(atPath: output + ".manifest.json"))

        let finished = try kiosk(
            ["export", "pledges", "--output", output, "--delimiter", ";", "--database", file] + common)
        #expect(finished.status == 0, "\(finished.stderr)")
        let manifest =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: output + ".manifest.json"))) as? [String: Any]
        #expect(manifest?["rows"] as? Int == 30_000)
        #expect(
            manifest?["sha256"] as? String == String(try ProcessRunner.run("sha256sum", [output]).stdout.prefix(64)))
        #expect(manifest?["includePersonalData"] as? Bool == false)
        #expect(manifest?["delimiter"] as? String == ";")

        // A delimiter means CSV: with JSON Lines it is refused, not silently dropped.
        let jsonWithDelimiter = try kiosk(
            [
                "export", "pledges", "--format", "json", "--delimiter", ";", "--output", output + ".jsonl",
                "--database", file,
            ]
                + common)
        #expect(jsonWithDelimiter.status != 0)
        #expect(jsonWithDelimiter.stderr.contains("--delimiter applies to --format csv only"))
        #expect(!FileManager.default.fileExists(atPath: output + ".jsonl"))

        // An existing file is kept unless --overwrite; the database is never a target.
        let again = try kiosk(["export", "pledges", "--output", output, "--database", file] + common)
        #expect(again.status != 0)
        #expect(again.stderr.contains("--overwrite"))
        #expect(again.stderr.contains("Tệp \(output) đã có; chọn --output khác"), "\(again.stderr)")
        #expect(
            try kiosk(["export", "pledges", "--output", output, "--overwrite", "--database", file] + common).status == 0
        )
        let onDatabase = try kiosk(
            ["export", "pledges", "--output", file, "--overwrite", "--database", file] + common)
        #expect(onDatabase.status != 0)
        #expect(onDatabase.stderr.contains("refusing to write the export over the pledge database"))
        var info = stat()
        #expect(lstat(output, &info) == 0 && info.st_mode & 0o077 == 0, "exports are readable by the owner only")
    }

    @Test func purgeAfterTheRetentionDateErasesNamesFromTheFile() async throws {
        let file = try await database(100, names: ["Nguyễn Thị Ánh", "Đỗ Đức Đạt"])
        let before = try kiosk(
            ["counts", "--by", "event,age-band,province", "--format", "csv", "--database", file] + common)
        let notYet = try kiosk(["purge", "--database", file] + common)
        #expect(notYet.status == 0)
        #expect(notYet.stdout.contains("Retention date not passed"))
        // The same event with a retention date in the past.
        let folder = temporaryDirectory("cli-purge-config")
        let kioskFolder = RepositoryPaths.root.appendingPathComponent("Kiosk")
        var yaml = try String(contentsOf: RepositoryPaths.defaultConfiguration, encoding: .utf8)
        yaml = yaml.replacingOccurrences(
            of: "retainPersonalDataUntil: 2027-06-30", with: "retainPersonalDataUntil: 2025-11-10")
        for name in ["pledge.yaml", "resources.yaml", "front.yaml"] {
            yaml = yaml.replacingOccurrences(of: " \(name)", with: " \(kioskFolder.appendingPathComponent(name).path)")
        }
        yaml = yaml.replacingOccurrences(
            of: "../Certificates/default",
            with: RepositoryPaths.root.appendingPathComponent("Certificates/default").path)
        let config = folder.appendingPathComponent("event.yaml").path
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)
        // Long past that date: confirmed with --yes (RetentionTests has the refusals).
        let purged = try kiosk(["purge", "--yes", "--config", config, "--database", file])
        #expect(purged.status == 0, "\(purged.stderr)")
        #expect(purged.stdout.contains("12 lời cam kết"))
        let after = try kiosk(
            ["counts", "--by", "event,age-band,province", "--format", "csv", "--database", file] + common)
        #expect(after.stdout == before.stdout)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        bytes += (try? Data(contentsOf: URL(fileURLWithPath: file + "-wal"))) ?? Data()
        for name in ["Nguyễn Thị Ánh", "Đỗ Đức Đạt", "Người ký 90", "do duc dat"] {
            #expect(bytes.range(of: Data(name.utf8)) == nil, "\(name) is still in the file")
        }
    }
}
