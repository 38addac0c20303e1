import Foundation
import KioskTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("The kiosk command line")
struct CommandLineTests {
    func kiosk(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try ProcessRunner.run(RepositoryPaths.kioskBinary, arguments)
    }

    @Test(
        "--help works on every command",
        arguments: [[], ["run"], ["serve"], ["qr"], ["counts"], ["export"], ["purge"], ["erase"], ["find"]])
    func help(_ command: [String]) throws {
        let result = try kiosk(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE"))
    }

    @Test func runWithoutATerminalPointsToServe() throws {
        // The repository's event has no attendant PIN: only developer mode gets as far as the terminal.
        let result = try kiosk(["run", "--config", RepositoryPaths.defaultConfiguration.path, "--developer-mode"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("kiosk serve"))
    }

    /// Option errors and a missing configuration say what is wrong in Vietnamese first, then English.
    @Test(
        "Option and configuration errors: Vietnamese first",
        arguments: [
            (["counts", "--public"], "--public cần --by", "--public needs --by"),
            (["counts", "--by", "province", "--k", "1"], "--k phải từ 2 trở lên", "--k must be at least 2"),
            (["qr", "hi", "--level", "X"], "--level phải là L, M, Q hoặc H", "--level must be L, M, Q or H"),
            (["serve", "--config", "/nonexistent/event.yaml"], "không tìm thấy tệp", "file not found"),
        ])
    func errorsInVietnameseFirst(_ arguments: [String], _ vietnamese: String, _ english: String) throws {
        let result = try kiosk(arguments)
        #expect(result.status != 0)
        let vi = try #require(result.stderr.range(of: vietnamese), "\(result.stderr)")
        let en = try #require(result.stderr.range(of: english), "\(result.stderr)")
        #expect(vi.lowerBound < en.lowerBound)
    }

    @Test func qrWritesDecodablePNGAndSVG() throws {
        let folder = temporaryDirectory("cli-qr")
        let text = "Không một mình — tel:111"
        let png = folder.appendingPathComponent("code.png").path
        let result = try kiosk(["qr", text, "--format", "png", "--level", "q", "--output", png])
        #expect(result.status == 0)
        #expect(result.stderr.contains("level Q"))
        #expect(try QRDecoder.zbar(imageAt: png) == [text])
        #expect(try QRDecoder.zxing(imageAt: png) == [text])
        let svg = try kiosk(["qr", "HTTP://EXAMPLE.VN/C/ABC", "--format", "svg"])
        #expect(svg.status == 0)
        #expect(svg.stdout.hasPrefix("<svg"))
    }

    @Test func outputWritesThroughSymlinksAndReportsAFullDisk() throws {
        let folder = temporaryDirectory("cli-output")
        let target = folder.appendingPathComponent("target.svg").path
        let link = folder.appendingPathComponent("link.svg").path
        try "old".write(toFile: target, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(try kiosk(["qr", "hi", "--format", "svg", "--output", link]).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("<svg"))
        if FileManager.default.fileExists(atPath: "/dev/full") {
            let full = try kiosk(["qr", "hi", "--output", "/dev/full"])
            #expect(full.status != 0)
            #expect(full.stderr.contains("No space left on device"))
            var info = stat()
            #expect(lstat("/dev/full", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
        }
        let empty = try kiosk(["qr", ""])
        #expect(empty.status != 0)
        #expect(empty.stderr.contains("TEXT is empty"))
    }

    @Test func badArgumentsSayWhatWasWrong() throws {
        let level = try kiosk(["qr", "x", "--level", "Z"])
        #expect(level.status != 0)
        #expect(level.stderr.contains("--level"))
        let tooLong = try kiosk(["qr", String(repeating: "x", count: 8000)])
        #expect(tooLong.status != 0)
        #expect(tooLong.stderr.contains("too long"))
        let missingConfig = try kiosk(["serve", "--config", "/nonexistent/event.yaml", "--port", "0"])
        #expect(missingConfig.status != 0)
        #expect(missingConfig.stderr.contains("/nonexistent/event.yaml"))
        let noDatabase = try kiosk([
            "counts", "--config", RepositoryPaths.defaultConfiguration.path, "--database", "/nonexistent/x.sqlite",
        ])
        #expect(noDatabase.status != 0)
        #expect(noDatabase.stderr.contains("no database"))
        // The kiosk id rule of the Kiosk-Id header and of kiosk.id, before anything is opened.
        for id in ["../etc", "kiốt", ""] {
            let badID = try kiosk(["front", "--service", "http://127.0.0.1:9", "--kiosk-id", id])
            #expect(badID.status != 0)
            #expect(badID.stderr.contains("--kiosk-id must be 1–64 ASCII letters, digits, - or _"), "\(badID.stderr)")
        }
    }

    @Test func aPortInUseStopsTheKioskWithAClearMessage() throws {
        let database = temporaryDirectory("cli-port").appendingPathComponent("pledges.sqlite").path
        let first = try KioskProcess(database: database)
        defer { first.stop() }
        let second = try kiosk([
            "serve", "--config", RepositoryPaths.defaultConfiguration.path, "--database", database + "2",
            "--host", "127.0.0.1", "--port", "\(first.port)",
        ])
        #expect(second.status != 0)
        #expect(second.stderr.contains("cannot listen on 127.0.0.1:\(first.port): Address already in use"))
    }

    @Test func aFileThatIsNotADatabaseIsNamed() throws {
        let file = temporaryDirectory("cli-notdb").appendingPathComponent("notes.sqlite").path
        try "not a database".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try kiosk(["counts", "--config", RepositoryPaths.defaultConfiguration.path, "--database", file])
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot open the database \(file)"))
        #expect(!result.stderr.contains("CREATE"))
    }

    @Test func countsPrintsTableJSONAndCSV() async throws {
        let database = temporaryDirectory("cli-counts").appendingPathComponent("pledges.sqlite").path
        let server = try KioskProcess(database: database)
        for (index, band) in ["18-24", "18-24", "12-15"].enumerated() {
            _ = try await LoopbackHTTP.request(
                port: server.port, "POST", "/api/pledges",
                headers: [
                    "Content-Type": "application/json", "Authorization": TestEvent.bearer,
                    "Idempotency-Key": "count-\(index)",
                ],
                body: Data(#"{"name":null,"ageBand":"\#(band)","province":"Huế"}"#.utf8))
        }
        server.stop()
        let common = ["counts", "--config", RepositoryPaths.defaultConfiguration.path, "--database", database]
        let json = try kiosk(common + ["--format", "json"])
        #expect(json.status == 0)
        let counts = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(counts?["total"] as? Int == 3)
        #expect(counts?["byAgeBand"] as? [String: Int] == ["18-24": 2, "12-15": 1])
        let csv = try kiosk(common + ["--format", "csv"])
        #expect(csv.stdout.hasPrefix("event,dimension,bucket,count\r\n"))
        #expect(csv.stdout.contains(#""le-phat-dong-2025","province","Huế",3"# + "\r\n"))
        // For people, Vietnamese first (trial: `ageBand under-12`, `province unknown`).
        let table = try kiosk(common)
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("Tổng · total") && $0.hasSuffix(" 3") }, "\(table.stdout)")
        #expect(lines.contains { $0.hasPrefix("Độ tuổi · ageBand: 18-24") && $0.hasSuffix(" 2") })
        #expect(lines.contains { $0.hasPrefix("Tỉnh, thành phố · province: Huế") && $0.hasSuffix(" 3") })
        #expect(lines.contains { $0.hasPrefix("Tỉnh, thành phố · province: không rõ · unknown") })
    }
}
