import Foundation
import GRDB
import KioskTestSupport
import Testing

/// `kiosk serve` with a kiosk token and `kiosk front` sending it (here from `KIOSK_KIOSK_TOKEN`).
@Suite("Kiosk token: a front on the LAN and kiosk serve")
struct KioskTokenFrontTests {
    static let token = "e2e-kiosk-token-0123456789"

    @Test func aFrontWithTheTokenRecordsOnAServiceThatRequiresIt() async throws {
        let folder = temporaryDirectory("kiosk-token")
        let serviceConfig = try TestEvent.write(in: temporaryDirectory("kiosk-token-service"), kioskToken: Self.token)
        let frontConfig = try TestEvent.write(in: temporaryDirectory("kiosk-token-front"))
        let database = folder.appendingPathComponent("service.sqlite").path
        let service = try KioskProcess(database: database, config: serviceConfig)
        defer { service.stop() }
        #expect(!(try String(contentsOf: service.log, encoding: .utf8)).contains("no kiosk token"))
        let command = TestEvent.quoted([
            RepositoryPaths.kioskBinary, "front", "--service", "http://127.0.0.1:\(service.port)", "--kiosk-id",
            "kiosk-t", "--config", frontConfig, "--outbox", folder.appendingPathComponent("outbox.sqlite").path,
        ])
        let front = try TmuxSession(
            command: "KIOSK_KIOSK_TOKEN='\(Self.token)' " + command + "; sleep 60", columns: 120, lines: 40)
        let shown = try SeveralKiosksTests.sign(on: front, decodeQR: false, folder: folder)
        #expect(!shown.pending, "the pledge waited in the outbox: the service refused the front")
        let queue = try DatabaseQueue(path: database)
        defer { try? queue.close() }
        let rows = try await queue.read { db in try Row.fetchAll(db, sql: "SELECT code, kiosk_id FROM pledge") }
        #expect(rows.map { $0["code"] as String } == [shown.code])
        #expect(rows.map { $0["kiosk_id"] as String } == ["kiosk-t"])
    }

    @Test func serveWithoutATokenWarnsThatPledgesAreOpen() throws {
        let config = try TestEvent.write(in: temporaryDirectory("kiosk-token-open"))
        let database = temporaryDirectory("kiosk-token-open-db").appendingPathComponent("service.sqlite").path
        let service = try KioskProcess(database: database, config: config)
        defer { service.stop() }
        let log = try String(contentsOf: service.log, encoding: .utf8)
        let warning = try #require(log.split(separator: "\n").first { $0.contains("no kiosk token") })
        #expect(warning.hasPrefix("kiosk: warning: no kiosk token: anyone on the network can post pledges"))
        #expect(warning.contains("KIOSK_KIOSK_TOKEN"))
    }
}
