import Foundation
import PledgeKit
import Synchronization
import Testing

@testable import KioskClient

/// Issue 17, item 4: what a front's screen learns from its outbox. A pledge's receipt reaches the
/// front when the service commits it; "offline" stays said while the service cannot be reached,
/// with or without a pledge waiting.
extension OutboxPledgeServiceTests {
    @Test func theReceiptOfAQueuedPledgeIsToldWhenTheServiceCommitsIt() async throws {
        let front = try front()
        let told = Mutex<[PledgeReceipt]>([])
        await front.observeDeliveries { receipt in told.withLock { $0.append(receipt) } }
        service.script("a", .later(retryAfter: nil, reachable: false))
        let outcome = try await front.record(
            Self.draft, key: try IdempotencyKey("a"), kioskID: nil, code: nil)
        guard case .queued(let code, _) = outcome else {
            Issue.record("not queued: \(outcome)")
            return
        }
        #expect(told.withLock { $0 }.isEmpty)
        time.advance(by: .seconds(2))
        await front.flush()
        let receipts = told.withLock { $0 }
        #expect(receipts.map(\.code) == [code])
        #expect(receipts.first?.number == 1)
        #expect(receipts.first?.certificateUrl == "http://10.0.0.2:8080/C/\(code)")
    }

    /// The bug: every upload round of an empty outbox (twice a second) said "online", so the
    /// heartbeat's "offline" lasted half a second unless a pledge was waiting.
    @Test func anEmptyOutboxDoesNotSayOnlineWhileHeartbeatsFail() async throws {
        let front = try front()
        service.answerHeartbeats(nil)
        await front.sendHeartbeat()
        #expect(await front.currentLink == .init(online: false, waiting: 0))
        await front.flush()
        #expect(await front.currentLink == .init(online: false, waiting: 0))
        service.answerHeartbeats(KioskConfigAnswer(certificateBaseURL: "http://10.0.0.2:8080", eventID: "test-event"))
        await front.sendHeartbeat()
        await front.flush()
        #expect(await front.currentLink == .init(online: true, waiting: 0))
    }
}
