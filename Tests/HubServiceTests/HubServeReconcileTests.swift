import Foundation
import KioskAPI
import KioskTestSupport
import PledgeKit
import Testing

extension HubServeTests {
    /// `kiosk hub serve --reconcile-every 1` checks its counters against its pledges on its own:
    /// drift made by hand is logged (counter, key, difference), with no name in the log, and left
    /// for `kiosk hub reconcile --repair`.
    @Test("serve checks the counters periodically and logs drift, no personal data")
    func logsDrift() async throws {
        try await TestPostgres.withDatabase { database in
            let added = try await HubCommandTests.addEvent(database, id: "hue-2026", format: ["--format", "json"])
            #expect(added.status == 0, "\(added.stderr)")
            let credentials = try JSONDecoder().decode(HubCommandTests.Credentials.self, from: Data(added.stdout.utf8))
            let token = try SyncToken(parsing: credentials.token)
            let folder = temporaryDirectory("hub-serve-reconcile")
            let errors = folder.appendingPathComponent("stderr.txt")
            let output = folder.appendingPathComponent("stdout.txt")
            for file in [errors, output] { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
            let hub = SpawnedProcess()
            hub.executableURL = URL(fileURLWithPath: RepositoryPaths.kioskBinary)
            hub.arguments = [
                "hub", "serve", "--database-url", database.url, "--certificate-base-url", "https://khongmotminh.vn",
                "--config", RepositoryPaths.defaultConfiguration.path, "--host", "127.0.0.1", "--port", "0",
                "--reconcile-every", "1",
            ]
            hub.standardError = try FileHandle(forWritingTo: errors)
            hub.standardOutput = try FileHandle(forWritingTo: output)
            try ProcessRunner.launch(hub)
            defer { if hub.isRunning { hub.terminate() } }
            let port = try await Self.listeningPort(errors, hub)

            let rows = (1...6).map { sequence in
                SyncRow(
                    sequence: sequence,
                    pledge: SyncPledge(
                        id: UUID(), code: CodeIssuer(tag: token.codeTag, key: token.codeKey).newCode().rawValue,
                        kiosk: "kiosk-01", number: sequence, name: "Hồ Thị Mai \(sequence)", ageBand: "12-15",
                        province: "Huế", guardianConsent: true, createdAt: SyncBatch.text(Date())))
            }
            let ack = try await LoopbackHTTP.request(
                port: port, "POST", "/api/sync/batches",
                headers: ["Authorization": "Bearer \(token.text)", "Content-Type": "application/json"],
                body: try WireJSON.encode(SyncBatch(event: "hue-2026", rows: rows, erasuresSeen: 0)))
            #expect(ack.status == 200, "\(ack.text)")
            try await database.psql("UPDATE hub_kiosk_tally SET count = count - 1")
            // The log, wherever the process writes it.
            func log() -> String {
                [output, errors].map { (try? String(contentsOf: $0, encoding: .utf8)) ?? "" }.joined(separator: "\n")
            }
            try await waitUntil("the drift logged") { log().contains("counter drift") }
            hub.terminate()
            _ = try await offPool { hub.waitUntilExit() }
            let text = log()
            #expect(text.contains("hub_kiosk_tally"))
            #expect(text.contains("event=hue-2026 kiosk=kiosk-01"))
            #expect(text.contains("difference=-1"))
            #expect(!text.contains("Hồ Thị Mai"))
            // Logged, not repaired: the counter is still off.
            #expect(try await database.psql("SELECT count FROM hub_kiosk_tally").contains("5"))
        }
    }
}
