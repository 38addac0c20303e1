import Foundation
import KioskAPI
import KioskTestSupport
import PledgeKit
import Testing

/// `kiosk hub serve` as a process on loopback over a real PostgreSQL: a batch from an event
/// registered with `kiosk hub add-event` is acknowledged, its certificate served at the hub's
/// base, and SIGTERM stops it cleanly; a database where nothing answers stops it at start.
@Suite("kiosk hub serve")
struct HubServeTests {
    @Test("Registered, synced, served (its live counter too), stopped")
    func servesWhatAnEventSends() async throws {
        try await TestPostgres.withDatabase { database in
            let added = try await HubCommandTests.addEvent(database, id: "hue-2026", format: ["--format", "json"])
            #expect(added.status == 0, "\(added.stderr)")
            let credentials = try JSONDecoder().decode(HubCommandTests.Credentials.self, from: Data(added.stdout.utf8))
            let token = try SyncToken(parsing: credentials.token)

            let log = temporaryDirectory("hub-serve").appendingPathComponent("stderr.txt")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let hub = SpawnedProcess()
            hub.executableURL = URL(fileURLWithPath: RepositoryPaths.kioskBinary)
            hub.arguments = [
                "hub", "serve", "--database-url", database.url, "--certificate-base-url", "https://khongmotminh.vn",
                "--config", RepositoryPaths.defaultConfiguration.path, "--host", "127.0.0.1", "--port", "0",
            ]
            hub.standardError = try FileHandle(forWritingTo: log)
            hub.standardOutput = FileHandle.nullDevice
            try ProcessRunner.launch(hub)
            defer { if hub.isRunning { hub.terminate() } }
            let port = try await Self.listeningPort(log, hub)

            // A viewer of the national live counter, open until the hub has stopped.
            let viewer = try await offPool { try SSEClients(port: port, count: 1) }
            defer { viewer.close() }
            #expect(try await offPool { viewer.wait(untilAtLeast: 1, contain: #""total":0"#, timeout: 60) } == 1)

            let code = CodeIssuer(tag: token.codeTag, key: token.codeKey).newCode()
            let batch = SyncBatch(
                event: "hue-2026",
                rows: [
                    SyncRow(
                        sequence: 1,
                        pledge: SyncPledge(
                            id: UUID(), code: code.rawValue, kiosk: "kiosk-01", number: 1, name: "Hồ Thị Mai",
                            ageBand: "12-15", province: "Huế", guardianConsent: true, createdAt: SyncBatch.text(Date()))
                    )
                ], erasuresSeen: 0)
            let ack = try await LoopbackHTTP.request(
                port: port, "POST", "/api/sync/batches",
                headers: ["Authorization": "Bearer \(token.text)", "Content-Type": "application/json"],
                body: try WireJSON.encode(batch))
            #expect(ack.status == 200, "\(ack.text)")
            let acknowledgement = try JSONDecoder().decode(SyncAcknowledgement.self, from: ack.body)
            #expect(acknowledgement.acknowledged == 1)
            #expect(acknowledgement.certificateBaseUrl == "https://khongmotminh.vn")
            let page = try await LoopbackHTTP.request(port: port, "GET", "/C/\(code.rawValue)")
            #expect(page.status == 200)
            #expect(page.text.contains("Hồ Thị Mai"))
            #expect(page.text.contains("Ngày hội Huế"))
            // The live counter heard the commit (its notification), without the name.
            #expect(try await offPool { viewer.wait(untilAtLeast: 1, contain: #""total":1"#, timeout: 60) } == 1)
            #expect(!viewer.received().contains("Hồ Thị Mai"))

            // Stopped with the viewer still open: the live streams are closed, not waited for.
            hub.terminate()
            let status = try await offPool {
                hub.waitUntilExit()
                return hub.terminationStatus
            }
            #expect(status == 0)
            // No name in the log (privacy first).
            #expect(!((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("Hồ Thị Mai"))
        }
    }

    @Test("A database where nothing answers is a clear error at start")
    func wrongDatabaseAtStart() async throws {
        let result = try await HubCommandTests.kiosk([
            "serve", "--database-url", "postgres://nobody@127.0.0.1:1/none", "--certificate-base-url",
            "https://khongmotminh.vn", "--config", RepositoryPaths.defaultConfiguration.path, "--port", "0",
        ])
        #expect(result.status != 0)
        // Where it tried, in both languages (how fast is HubStoreConnectionTests' to say, run alone).
        #expect(result.stderr.contains("Không kết nối được PostgreSQL tại postgres://nobody@127.0.0.1:1/none"))
        #expect(result.stderr.contains("Could not connect to PostgreSQL at postgres://nobody@127.0.0.1:1/none"))
    }

    @Test("A --reconcile-every past a year is refused before anything starts (Int.max used to trap)")
    func hugeReconcileInterval() async throws {
        let result = try await HubCommandTests.kiosk([
            "serve", "--database-url", "postgres://nobody@127.0.0.1:1/none", "--certificate-base-url",
            "https://khongmotminh.vn", "--reconcile-every", "9223372036854775807",
        ])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--reconcile-every must be 0 (never) to 31536000 seconds"))
    }

    /// The port in the hub's "listening" line, once it is written.
    static func listeningPort(_ log: URL, _ process: SpawnedProcess) async throws -> Int {
        for _ in 0..<2400 {  // at most 2 minutes: a bound on a hang, not a timing check
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"hub listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                return Int(text[range].split(separator: ":").last!)!
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        throw HubServeError(log: text)
    }

    struct HubServeError: Error, CustomStringConvertible {
        let log: String
        var description: String { "kiosk hub serve did not listen:\n\(log)" }
    }
}
