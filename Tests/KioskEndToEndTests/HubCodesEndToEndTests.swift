import Foundation
import KioskTestSupport
import PledgeKit
import Testing

/// `kiosk serve` with a hub's sync token (`KIOSK_HUB_URL`, `KIOSK_HUB_TOKEN`) issues codes of the
/// issued form under the token's tag, which the token's issuer recognizes; without one, the first
/// form; with a token of the wrong shape, it refuses to start and says why.
@Suite("Certificate codes of an event linked to a hub, on the real binary")
struct HubCodesEndToEndTests {
    @Test func aServiceWithAHubTokenIssuesCodesUnderItsTag() async throws {
        let token = SyncToken.random(tag: CertificateCode.randomTag())
        let folder = temporaryDirectory("hub-codes")
        let config = try TestEvent.write(in: folder)
        let database = folder.appendingPathComponent("pledges.sqlite").path
        // Nothing listens on port 9: the hub is never reached here, only its token is read.
        let environment = ["KIOSK_HUB_URL": "http://127.0.0.1:9", "KIOSK_HUB_TOKEN": token.text]
        let server = try await offPool {
            Started(try KioskProcess(database: database, config: config, environment: environment))
        }.process
        let answer = try await TestEvent.postPledge(port: server.port, key: "hub-1", kiosk: "kiosk-h", name: "Đỗ Mai")
        #expect(answer.status == 201, "\(answer.text)")
        let text = try #require(try answer.json()["code"] as? String)
        let code = try #require(CertificateCode(parsing: text))
        #expect(text.count == 27)
        #expect(code.codeTag == token.codeTag)
        #expect(CodeIssuer(token).issued(code))
        // The token's secret is not in the service's log.
        let log = (try? String(contentsOf: server.log, encoding: .utf8)) ?? ""
        #expect(!log.contains(token.text))
        _ = try await KioskProcess.stop(server)
    }

    @Test func aServiceWithoutAHubIssuesTheFirstForm() async throws {
        let folder = temporaryDirectory("no-hub-codes")
        let config = try TestEvent.write(in: folder)
        let database = folder.appendingPathComponent("pledges.sqlite").path
        let server = try await offPool { Started(try KioskProcess(database: database, config: config)) }.process
        let answer = try await TestEvent.postPledge(port: server.port, key: "old-1", kiosk: "kiosk-o", name: nil)
        #expect(answer.status == 201, "\(answer.text)")
        let text = try #require(try answer.json()["code"] as? String)
        #expect(text.count == 16)
        _ = try await KioskProcess.stop(server)
    }

    @Test func aHubTokenOfTheWrongShapeStopsTheStartWithAClearError() throws {
        let folder = temporaryDirectory("bad-hub-token")
        let config = try TestEvent.write(in: folder)
        let database = folder.appendingPathComponent("pledges.sqlite").path
        var environment = ProcessInfo.processInfo.environment
        environment["KIOSK_HUB_URL"] = "http://127.0.0.1:9"
        environment["KIOSK_HUB_TOKEN"] = "kmm1.K7M2.too-short"
        let result = try ProcessRunner.run(
            RepositoryPaths.kioskBinary,
            ["serve", "--config", config, "--database", database, "--host", "127.0.0.1", "--port", "0"],
            environment: environment)
        #expect(result.status != 0)
        #expect(result.stderr.contains("hub.token"), "\(result.stderr)")
        #expect(result.stderr.contains("Mã đồng bộ không đúng dạng"), "\(result.stderr)")
        #expect(result.stderr.contains("The sync token is not well formed"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: database), "refused before the database was made")
    }
}
