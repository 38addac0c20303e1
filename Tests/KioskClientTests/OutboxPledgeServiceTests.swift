import Foundation
import Logging
import PledgeKit
import Testing

@testable import KioskClient

/// The outbox's logic with a fake service, a fake outbox and a fake clock: order, back-off,
/// 401, 429 with Retry-After, refusals. No socket, no file, no sleep.
@Suite struct OutboxPledgeServiceTests {
    let time = FakeTime()
    let service = FakeService()
    let outbox = FakeOutbox()
    let logs = LogRecords()

    func front() throws -> OutboxPledgeService {
        OutboxPledgeService(
            client: service, outbox: outbox, links: try CertificateLinks(baseURL: "http://10.0.0.2:8080"),
            logger: logs.logger(), now: { [time] in time.now() })
    }

    static let draft = PledgeDraft(name: "Võ Thị Sáu", ageBand: .from18To24, province: nil, guardianConsent: false)

    /// Puts a pledge in the outbox without uploading it, as a front that was offline left it.
    func waiting(_ key: String, at time: Date = Date()) async throws {
        _ = try await outbox.add(key: try IdempotencyKey(key), draft: Self.draft, code: .random(), at: time)
    }

    func record(_ front: OutboxPledgeService, _ key: String) async throws -> RecordOutcome {
        try await front.record(Self.draft, key: try IdempotencyKey(key), kioskID: nil, code: nil)
    }

    @Test func uploadsOldestFirstEachOnceAndForgetsThem() async throws {
        let front = try front()
        for key in ["a", "b", "c"] { try await waiting(key) }
        await front.flush()
        #expect(service.uploads == ["a", "b", "c"])
        #expect(await outbox.keys.isEmpty)
        #expect(await front.currentLink == .init(online: true, waiting: 0))
        // Nothing left: a second round uploads nothing again.
        await front.flush()
        #expect(service.uploads == ["a", "b", "c"])
    }

    @Test func theTimeOfSigningGoesWithEachUpload() async throws {
        let front = try front()
        let signed = Date(timeIntervalSince1970: 1_760_088_600)
        try await waiting("a", at: signed)
        await front.flush()
        #expect(service.signedAt("a") == signed)
    }

    @Test func aRoundStopsAtTheFirstThatCannotGoSoOrderHolds() async throws {
        let front = try front()
        for key in ["a", "b", "c"] { try await waiting(key) }
        service.script("b", .later(retryAfter: nil, reachable: false))
        await front.flush()
        #expect(service.uploads == ["a", "b"])
        #expect(await outbox.keys == ["b", "c"])
        #expect(await front.currentLink == .init(online: false, waiting: 2))
        await front.flush()
        #expect(service.uploads == ["a", "b", "b", "c"])
        #expect(await outbox.keys.isEmpty)
    }

    @Test func onlineARecordedPledgeHasItsNumber() async throws {
        let front = try front()
        let outcome = try await record(front, "a")
        guard case .recorded(let receipt) = outcome else {
            Issue.record("not recorded: \(outcome)")
            return
        }
        #expect(receipt.number == 1)
        #expect(await outbox.keys.isEmpty)
    }

    @Test func failuresBackOffOneTwoFourEightSecondsThenStayAtEight() async throws {
        let front = try front()
        let down = UploadOutcome.later(retryAfter: nil, reachable: false)
        service.script("a", down, down, down, down, down)
        #expect(try await record(front, "a").number == nil)
        for (index, wait) in [1, 2, 4, 8, 8].enumerated() {
            #expect(await front.isWaiting)
            time.advance(by: .seconds(wait) - .milliseconds(1))
            #expect(await front.isWaiting, "still waiting just before \(wait) s")
            time.advance(by: .milliseconds(1))
            #expect(await !front.isWaiting, "free after \(wait) s")
            if index < 4 { await front.flush() }
        }
        #expect(service.uploads == ["a", "a", "a", "a", "a"])
        // While a back-off runs, a new pledge is kept and shown at once, not uploaded.
        service.script("a", down)
        await front.flush()
        #expect(await front.isWaiting)
        let queued = try await record(front, "b")
        #expect(queued.number == nil)
        #expect(queued.certificateUrl == (await front.links.certificateURL(for: queued.code)))
        #expect(service.uploads.count == 6)
        #expect(await outbox.keys == ["a", "b"])
        // A delivery resets the back-off to one second.
        time.advance(by: .seconds(8))
        await front.flush()
        #expect(await outbox.keys.isEmpty)
        service.script("c", down)
        _ = try await record(front, "c")
        #expect(await front.isWaiting)
        time.advance(by: .seconds(1))
        #expect(await !front.isWaiting)
    }

    @Test func tooManyRequestsWaitsExactlyTheRetryAfterAndKeepsTheBackOff() async throws {
        let front = try front()
        service.script("a", .later(retryAfter: 30, reachable: true))
        _ = try await record(front, "a")
        #expect(await front.currentLink == .init(online: true, waiting: 1))
        time.advance(by: .seconds(29))
        #expect(await front.isWaiting)
        time.advance(by: .seconds(1))
        #expect(await !front.isWaiting)
        // The Retry-After did not double the back-off: the next failure waits one second.
        service.script("a", .later(retryAfter: nil, reachable: true))
        await front.flush()
        time.advance(by: .seconds(1))
        #expect(await !front.isWaiting)
        await front.flush()
        #expect(await outbox.keys.isEmpty)
    }

    @Test func aRefusedTokenKeepsEveryPledgeAndBacksOff() async throws {
        let front = try front()
        for key in ["a", "b"] { try await waiting(key) }
        service.script("a", .unauthorized, .unauthorized)
        await front.flush()
        #expect(await outbox.keys == ["a", "b"])
        #expect(await front.currentLink == .init(online: false, waiting: 2))
        #expect(logs.all.contains { $0.level == .error && $0.message.contains("kiosk token") })
        time.advance(by: .seconds(1))
        await front.flush()
        #expect(await front.isWaiting)
        time.advance(by: .seconds(2))
        #expect(await !front.isWaiting)
        // The token fixed: they all go, in order.
        await front.flush()
        #expect(service.uploads == ["a", "a", "a", "b"])
        #expect(await outbox.keys.isEmpty)
    }

    @Test func aRefusedPledgeIsSaidAndTheRestStillGo() async throws {
        let front = try front()
        for key in ["a", "b"] { try await waiting(key) }
        let refusal = PledgeError(.certificateCodeTaken, field: "code", vi: "Mã đã dùng.", en: "Code taken.")
        service.script("a", .refused(refusal))
        await front.flush()
        #expect(service.uploads == ["a", "b"])
        #expect(await outbox.keys.isEmpty)
        // Not silent: the log says a pledge was refused and why (its code; no personal data).
        let said = logs.all.filter { $0.message == "outbox pledge refused by the service" }
        #expect(said.count == 1)
        #expect(said.first?.level == .error)
        #expect(said.first?.metadata["pledge.refusal"] == "certificate-code-taken")
        #expect(!logs.all.contains { $0.message.contains("Võ") || $0.metadata.values.contains { $0.contains("Võ") } })
        // The pledge being recorded now, refused: its signer is told.
        service.script("c", .refused(refusal))
        await #expect(throws: refusal) { try await record(front, "c") }
    }

    @Test func aHeartbeatThatGetsThroughEndsTheWait() async throws {
        let front = try front()
        service.answerHeartbeats(nil)
        service.script("a", .later(retryAfter: nil, reachable: false))
        _ = try await record(front, "a")
        await front.sendHeartbeat()
        #expect(await front.isWaiting)
        service.answerHeartbeats(.init(certificateBaseURL: "http://10.0.0.3:8080", eventID: "test-event"))
        await front.sendHeartbeat()
        #expect(await !front.isWaiting)
        #expect(await front.links.baseURL == "http://10.0.0.3:8080")
        #expect(service.beats.last == KioskHeartbeat(state: .ready, waiting: 1))
    }
}
