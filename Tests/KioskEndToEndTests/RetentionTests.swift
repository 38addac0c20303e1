import Foundation
import GRDB
import KioskTestSupport
import PledgeKit
import PledgeStore
import Testing

/// Issue 11: a second `kiosk serve` under a clock 400 days ahead erased every name before it
/// failed to bind; an erased name stayed readable in the `-wal` file.
@Suite("Retention purge and erasure, end to end: no purge on a wrong clock, no name left in the files")
struct RetentionTests {
    /// "Khổng Thị Ửng Huỳnh" and "Quách Thị Ỷ Lạc": names no other pledge shares (NFC, escaped).
    static let rareNames = [
        "Kh\u{1ED5}ng Th\u{1ECB} \u{1EEC}ng Hu\u{1EF3}nh", "Qu\u{00E1}ch Th\u{1ECB} \u{1EF6} L\u{1EA1}c",
    ]
    static let names = rareNames + ["Nguyễn Thị Ánh", "Đỗ Đức Đạt"]

    /// Every form of `name` the store writes or a keyboard sends: NFC, NFD, search and sort keys.
    static func forms(_ name: String) -> [String] {
        [
            name, name.decomposedStringWithCanonicalMapping, VietnameseText.searchKey(name),
            VietnameseText.sortKey(name),
        ]
    }

    /// A database of the test event (`e2e-event`) with ``names`` and 20 anonymous pledges.
    func database() async throws -> String {
        let file = temporaryDirectory("retention").appendingPathComponent("pledges.sqlite").path
        let store = try PledgeStore(
            path: file, eventID: "e2e-event", defaultKioskID: "kiosk-local",
            links: try CertificateLinks(baseURL: "http://localhost"))
        for (index, name) in Self.names.enumerated() {
            _ = try await store.record(
                PledgeDraft(name: name, ageBand: .from18To24, province: nil, guardianConsent: false),
                idempotencyKey: try IdempotencyKey("n-\(index)"), kioskID: nil)
        }
        for index in 0..<20 {
            _ = try await store.record(
                PledgeDraft(name: nil, ageBand: .from16To17, province: nil, guardianConsent: false),
                idempotencyKey: try IdempotencyKey("a-\(index)"), kioskID: nil)
        }
        try store.close()
        return file
    }

    /// The names still in the database (read with SQLite, not through the kiosk).
    func storedNames(_ file: String) throws -> Set<String> {
        let queue = try DatabaseQueue(path: file)
        defer { try? queue.close() }
        return Set(
            try queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM pledge WHERE name IS NOT NULL") })
    }

    /// A Vietnam calendar day (yyyy-mm-dd) `days` after today's.
    func vietnamDay(_ days: Int) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
        return formatter.string(from: Date().addingTimeInterval(Double(days) * 86_400))
    }

    /// An event whose retention period ends when a clock 400 days ahead begins its day in Vietnam:
    /// such a clock is within the one day after the deadline, where the service purges on its own.
    func eventEndingIn400Days() throws -> String {
        try TestEvent.write(in: temporaryDirectory("retention-event"), retainPersonalDataUntil: vietnamDay(399))
    }

    /// Waits until the service's log contains `text`.
    func waitForLog(_ server: KioskProcess, _ text: String, timeout: TimeInterval = 60) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let log = (try? String(contentsOf: server.log, encoding: .utf8)) ?? ""
            if log.contains(text) { return log }
            try await Task.sleep(for: .milliseconds(50))
        }
        return (try? String(contentsOf: server.log, encoding: .utf8)) ?? ""
    }

    func kiosk(_ arguments: [String], environment: [String: String]? = nil) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        try ProcessRunner.run(RepositoryPaths.kioskBinary, arguments, environment: environment)
    }

    @Test func aSecondServiceUnderAClock400DaysAheadThatCannotBindErasesNothing() async throws {
        let file = try await database()
        let config = try eventEndingIn400Days()
        let first = try KioskProcess(database: file, config: config)
        defer { first.stop() }
        // Started by mistake on the same database (and port): the clock says purge; the database is
        // another running service's, so it stops before it does anything (on any port).
        let second = try kiosk(
            ["serve", "--config", config, "--database", file, "--host", "127.0.0.1", "--port", "\(first.port)"],
            environment: try FakeClock.processEnvironment("+400d"))
        #expect(second.status != 0)
        #expect(second.stderr.contains("another kiosk service is running on the database"), "\(second.stderr)")
        #expect(!second.stderr.contains("retention:"), "\(second.stderr)")
        #expect(try await KioskProcess.stop(first).isClean)
        #expect(try storedNames(file) == Set(Self.names))
    }

    @Test func aServiceWithinADayAfterTheDeadlinePurgesOnceListeningAndLogsTheCount() async throws {
        let file = try await database()
        let server = try KioskProcess(
            database: file, config: try eventEndingIn400Days(), environment: try FakeClock.environment("+400d"))
        defer { server.stop() }
        let log = try await waitForLog(server, "retention: personal data erased")
        let lines = log.split(separator: "\n")
        let purged = try #require(lines.firstIndex { $0.contains("retention: personal data erased") }, "\(log)")
        #expect(lines[purged].contains("pledges.erased=\(Self.names.count)"), "\(lines[purged])")
        // After the listening line: the service held its port when it purged.
        #expect(lines.firstIndex { $0.contains("listening on") }.map { $0 < purged } == true)
        for name in Self.names { #expect(!lines[purged].contains(name)) }
        #expect(try storedNames(file).isEmpty)
        #expect(try DatabaseFiles.leftovers(of: Self.names.flatMap(Self.forms), database: file) == [])
        #expect(try await KioskProcess.stop(server).isClean)
    }

    @Test func aServiceLongPastTheDeadlineWarnsAndKeepsEveryName() async throws {
        let file = try await database()
        let config = try TestEvent.write(
            in: temporaryDirectory("retention-event"), retainPersonalDataUntil: vietnamDay(-10))
        let server = try KioskProcess(database: file, config: config)
        let log = try await waitForLog(server, "retention: the retention date passed more than a day ago")
        #expect(log.contains("run `kiosk purge`"), "\(log)")
        #expect(try await KioskProcess.stop(server).isClean)
        #expect(!log.contains("personal data erased"))
        #expect(try storedNames(file) == Set(Self.names))
    }

    @Test func purgeByHandRefusesAClockBehindTheNewestPledgeAndAsksPastADay() async throws {
        let file = try await database()
        let config = try TestEvent.write(
            in: temporaryDirectory("retention-event"), retainPersonalDataUntil: vietnamDay(-10))
        let common = ["--config", config, "--database", file]
        // A clock a day behind: past the retention date, but earlier than the newest pledge. Wrong.
        let behind = try kiosk(["purge", "--yes"] + common, environment: try FakeClock.processEnvironment("-1d"))
        #expect(behind.status != 0)
        #expect(behind.stderr.contains("sớm hơn lời cam kết mới nhất"), "\(behind.stderr)")
        #expect(behind.stderr.contains("is earlier than the newest pledge"))
        #expect(try storedNames(file) == Set(Self.names))
        // Ten days past the date, no terminal, no --yes: nothing erased, and it says how to confirm.
        let unconfirmed = try kiosk(["purge"] + common)
        #expect(unconfirmed.status != 0)
        #expect(unconfirmed.stderr.contains("--yes"), "\(unconfirmed.stderr)")
        #expect(unconfirmed.stderr.contains("Nothing erased: confirmation needed"))
        #expect(try storedNames(file) == Set(Self.names))
        let confirmed = try kiosk(["purge", "--yes"] + common)
        #expect(confirmed.status == 0, "\(confirmed.stderr)")
        #expect(confirmed.stdout.contains("Personal data erased from \(Self.names.count) pledge(s)"))
        #expect(try storedNames(file).isEmpty)
        #expect(try DatabaseFiles.leftovers(of: Self.names.flatMap(Self.forms), database: file) == [])
    }

    /// A pledge recorded under a clock 1000 days ahead stopped every purge, with no way past it.
    @Test func purgeByHandPastAPledgeDatedInTheFutureNeedsClockIsRight() async throws {
        let file = try await database()
        let config = try TestEvent.write(
            in: temporaryDirectory("retention-event"), retainPersonalDataUntil: vietnamDay(-10))
        let future = "Ph\u{00F3} Th\u{1ECB} T\u{01B0}\u{01A1}ng Lai"  // "Phó Thị Tương Lai"
        let days = [vietnamDay(1000)]
        // A kiosk whose clock ran 1000 days ahead, while the event still kept names then (past the
        // retention date the service would refuse the name: personal-data-no-longer-kept).
        let keeping = try TestEvent.write(
            in: temporaryDirectory("retention-event"), retainPersonalDataUntil: vietnamDay(2000))
        let server = try KioskProcess(
            database: file, config: keeping, environment: try FakeClock.environment("+1000d"))
        defer { server.stop() }
        _ = try await post(
            port: server.port, #"{"name":"\#(future)","ageBand":"18-24","province":"Huế"}"#, key: "future")
        #expect(try await KioskProcess.stop(server).isClean)
        let dated = days + [vietnamDay(1000)]
        let common = ["--config", config, "--database", file]

        let refused = try kiosk(["purge", "--yes"] + common)
        #expect(refused.status != 0)
        #expect(dated.contains { refused.stderr.contains("ghi ngày \($0)T") }, "\(refused.stderr)")
        #expect(dated.contains { refused.stderr.contains("dated \($0)T") }, "\(refused.stderr)")
        #expect(refused.stderr.contains("(Vietnam time)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--clock-is-right"), "\(refused.stderr)")
        #expect(try storedNames(file) == Set(Self.names + [future]))
        // The override does not stand in for the confirmation ten days past the date.
        let unconfirmed = try kiosk(["purge", "--clock-is-right"] + common)
        #expect(unconfirmed.status != 0)
        #expect(unconfirmed.stderr.contains("Nothing erased: confirmation needed"), "\(unconfirmed.stderr)")
        #expect(try storedNames(file) == Set(Self.names + [future]))

        let overridden = try kiosk(["purge", "--clock-is-right", "--yes"] + common)
        #expect(overridden.status == 0, "\(overridden.stderr)")
        #expect(overridden.stdout.contains("Personal data erased from \(Self.names.count + 1) pledge(s)"))
        #expect(try storedNames(file).isEmpty)
        #expect(try DatabaseFiles.leftovers(of: (Self.names + [future]).flatMap(Self.forms), database: file) == [])
    }

    @Test func purgeByHandOnATerminalAsksYesOrNo() async throws {
        let file = try await database()
        let config = try TestEvent.write(
            in: temporaryDirectory("retention-event"), retainPersonalDataUntil: vietnamDay(-10))
        let command = TestEvent.quoted([RepositoryPaths.kioskBinary, "purge", "--config", config, "--database", file])
        for (answer, status) in [("n", "EXIT=1"), ("y", "EXIT=0")] {
            let terminal = try TmuxSession(command: command + "; echo EXIT=$?; sleep 60", columns: 200, lines: 20)
            try terminal.waitFor("[y/N]")
            try terminal.type(answer)
            try terminal.press("Enter")
            let screen = try terminal.waitFor("EXIT=")
            #expect(screen.contains(status), "\(screen)")
            let kept = try storedNames(file)
            #expect(answer == "n" ? kept == Set(Self.names) : kept.isEmpty, "\(screen)")
        }
    }

    func post(port: Int, _ body: String, key: String) async throws -> [String: Any] {
        let answer = try await LoopbackHTTP.request(
            port: port, "POST", "/api/pledges",
            headers: [
                "Content-Type": "application/json", "Authorization": TestEvent.bearer, "Idempotency-Key": key,
            ],
            body: Data(body.utf8))
        #expect(answer.status == 201)
        return try answer.json()
    }

    func send(_ method: String, port: Int, _ path: String) async throws -> (Int, String) {
        let answer = try await LoopbackHTTP.request(port: port, method, path)
        return (answer.status, answer.text)
    }

    @Test func erasureThroughTheRouteAndTheCommandLeavesTheNameInNeitherFile() async throws {
        let file = temporaryDirectory("erasure").appendingPathComponent("pledges.sqlite").path
        let config = try TestEvent.write(in: temporaryDirectory("erasure-event"))
        let server = try KioskProcess(database: file, config: config)
        defer { server.stop() }
        var codes: [String] = []
        for (index, name) in Self.names.enumerated() {
            let answer = try await post(
                port: server.port, #"{"name":"\#(name)","ageBand":"18-24","province":"Huế"}"#, key: "e-\(index)")
            codes.append(try #require(answer["code"] as? String))
        }
        let (rare, other) = (Self.rareNames[0], Self.rareNames[1])
        // The page is read (and cached) before the erasure, as a phone would.
        #expect(try await send("GET", port: server.port, "/c/\(codes[0])").1.contains(rare))
        // The scan sees names that are in the files: an empty result below means something.
        #expect(!(try DatabaseFiles.leftovers(of: Self.forms(rare), database: file)).isEmpty)

        let (posted, _) = try await send("POST", port: server.port, "/c/\(codes[0])/erase")
        #expect(posted == 303)
        let (status, page) = try await send("GET", port: server.port, "/c/\(codes[0])")
        #expect(status == 200)
        #expect(!page.contains(rare))
        // While the service runs, with its readers and its change watcher open.
        #expect(try DatabaseFiles.leftovers(of: Self.forms(rare), database: file) == [])

        let erased = try kiosk(["erase", codes[1], "--config", config, "--database", file])
        #expect(erased.status == 0, "\(erased.stderr)")
        #expect(try DatabaseFiles.leftovers(of: Self.forms(other), database: file) == [])
        #expect(!(try DatabaseFiles.leftovers(of: [Self.names[2]], database: file)).isEmpty, "others are kept")

        #expect(try await KioskProcess.stop(server).isClean)
        // Closed (its WAL checkpointed into the file): still erased, in the rows and in the bytes.
        #expect(try DatabaseFiles.leftovers(of: Self.rareNames.flatMap(Self.forms), database: file) == [])
        #expect(try storedNames(file) == Set(Self.names.dropFirst(2)))
    }
}
