import Foundation
import KioskClient
import KioskTestSupport
import Logging
import PledgeKit
import PledgeStore
import Testing

/// A front on the LAN sends the kiosk token on every request; a front without it keeps its
/// pledges in the outbox instead of losing them to a 401.
@Suite("A front's client and the kiosk token, over loopback")
struct FrontTokenTests {
    @Test func aFrontWithoutTheTokenKeepsItsPledgesUntilOneWithItUploadsThem() async throws {
        try await TestService.with(transport: .live, configure: KioskTokenTests.withToken) { server in
            let outbox = try OutboxStore(
                path: temporaryDirectory("outbox").appendingPathComponent("outbox.sqlite").path)
            defer { try? outbox.close() }
            let base = URL(string: "http://127.0.0.1:\(server.port)")!
            let draft = PledgeDraft(name: "Phạm Thu Hà", ageBand: .from18To24, province: nil, guardianConsent: false)

            // A generous timeout: under the parallel test run the first answer can take seconds.
            let without = ServiceClient(baseURL: base, kioskID: try #require(KioskID("kiosk-02")), timeout: 60)
            #expect(await without.heartbeat(KioskHeartbeat(state: .ready, waiting: 0)) == nil)
            #expect(await without.record(draft, key: try IdempotencyKey("k-1"), code: .random()) == .unauthorized)
            let stranded = try await OutboxPledgeService.open(
                client: without, outbox: outbox, fallbackBase: TestService.baseURL, logger: Logger(label: "test"))
            let pending = try await stranded.record(draft, key: try IdempotencyKey("k-2"), kioskID: nil, code: nil)
            #expect(pending.number == nil)
            #expect(try await outbox.waitingCount() == 1)
            #expect(try await server.store.counts().total == 0)

            let with = ServiceClient(
                baseURL: base, kioskID: try #require(KioskID("kiosk-02")), token: KioskTokenTests.token, timeout: 60)
            #expect(await with.heartbeat(KioskHeartbeat(state: .ready, waiting: 1)) != nil)
            let front = try await OutboxPledgeService.open(
                client: with, outbox: outbox, fallbackBase: TestService.baseURL, logger: Logger(label: "test"))
            await front.flush()
            #expect(try await outbox.waitingCount() == 0)
            let stored = try #require(try await server.store.pledge(code: pending.code))
            #expect(stored.name == "Phạm Thu Hà")
            #expect(stored.kioskID == "kiosk-02")
        }
    }
}
