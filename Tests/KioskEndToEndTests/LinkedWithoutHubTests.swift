import Foundation
import KioskConfiguration
import KioskTestSupport
import PledgeKit
import PledgeStore
import Testing

/// A database linked to a hub, served without the hub's settings (a copy taken elsewhere,
/// `event.yaml` without its `hub:` lines), says so when it starts: its changes wait in the
/// outbox until the settings are back (the breaker saw nothing said).
@Suite("A linked database served without its hub")
struct LinkedWithoutHubTests {
    @Test func theStartSaysTheChangesWaitForTheHubSettings() async throws {
        let path = temporaryDirectory("linked-no-hub").appendingPathComponent("k.sqlite").path
        let configuration = try EventConfiguration.load(from: RepositoryPaths.defaultConfiguration)
        let store = try PledgeStore(
            path: path, eventID: configuration.eventID, defaultKioskID: "kiosk-01",
            links: try CertificateLinks(baseURL: "http://127.0.0.1:8080"), feedsHub: true)
        let draft = PledgeDraft(name: "An", ageBand: .from18To24, province: nil, school: nil, guardianConsent: false)
        _ = try await store.record(draft, idempotencyKey: try IdempotencyKey("linked-1"), kioskID: nil)
        try store.close()

        let service = try KioskProcess(database: path)
        let log = try String(contentsOf: service.log, encoding: .utf8)
        #expect(
            log.contains("this database is linked to a national hub but the configuration has no `hub:` lines"),
            "\(log)")
        #expect(log.contains("cơ sở dữ liệu này đã liên kết với máy chủ quốc gia"))
        #expect(service.stop().isClean)

        // An event that never had a hub starts without it.
        let plain = temporaryDirectory("plain").appendingPathComponent("k.sqlite").path
        let alone = try KioskProcess(database: plain)
        #expect(!(try String(contentsOf: alone.log, encoding: .utf8)).contains("national hub"))
        #expect(alone.stop().isClean)
    }
}
