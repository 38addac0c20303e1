import Foundation
import GRDB
import KioskClient
import KioskTestSupport
import Logging
import PledgeKit
import PledgeStore
import Testing

@Suite struct OutboxStoreTests {
    @Test func keepsPledgesInOrderUntilRemovedAndCachesSettings() async throws {
        let path = temporaryDirectory("outbox").appendingPathComponent("outbox.sqlite").path
        let outbox = try OutboxStore(path: path)
        let draft = PledgeDraft(name: "Võ Thị Sáu", ageBand: .from18To24, province: nil, guardianConsent: false)
        var added: [OutboxEntry] = []
        for index in 0..<3 {
            added.append(
                try await outbox.add(
                    key: try IdempotencyKey("k-\(index)"), draft: draft, code: CertificateCode.random(), at: Date()))
        }
        #expect(try await outbox.waiting().map(\.key) == added.map(\.key))
        try await outbox.remove(sequence: added[0].sequence)
        #expect(try await outbox.waitingCount() == 2)
        #expect(try await outbox.waiting().first?.draft == draft)
        try await outbox.setSetting(OutboxPledgeService.baseSetting, to: "http://10.0.0.2:8080")
        try outbox.close()
        // Reopened, as a front restarted offline would.
        let again = try OutboxStore(path: path)
        #expect(try await again.setting(OutboxPledgeService.baseSetting) == "http://10.0.0.2:8080")
        #expect(try await again.waiting().map(\.sequence) == [added[1].sequence, added[2].sequence])
        // Offline (nothing listens on port 9), the front still makes links from the cached base.
        let client = ServiceClient(
            baseURL: URL(string: "http://127.0.0.1:9")!, kioskID: try #require(KioskID("k-x")), timeout: 1)
        let service = try await OutboxPledgeService.open(
            client: client, outbox: again, fallbackBase: nil, logger: Logger(label: "test"))
        let receipt = try await service.record(draft, key: try IdempotencyKey("k-9"), kioskID: nil, code: nil)
        #expect(receipt.number == nil)
        #expect(receipt.certificateUrl == "HTTP://10.0.0.2:8080/C/\(receipt.code.rawValue)")
        #expect(try await again.waitingCount() == 3)
        try again.close()
    }

    /// A row the front cannot read holds back none behind it: a breaker's damaged row stopped
    /// every upload, the log repeating "outbox read failed".
    @Test func anUnreadableRowIsSkippedAndKept() async throws {
        let path = temporaryDirectory("outbox").appendingPathComponent("outbox.sqlite").path
        let outbox = try OutboxStore(path: path)
        let draft = PledgeDraft(name: "Võ Thị Sáu", ageBand: .from18To24, province: nil, guardianConsent: false)
        let good = try await outbox.add(key: try IdempotencyKey("k-good"), draft: draft, code: .random(), at: Date())
        try outbox.close()
        // A row written by something else: a province the rules refuse, and a sequence before the rest.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(
                sql:
                    "INSERT INTO outbox (sequence, idempotency_key, draft, code, created_at) VALUES (-1, 'k-bad', ?, ?, ?)",
                arguments: [#"{"name":null,"ageBand":"18-24","province":"Sài Gòn"}"#, "ABCDEFGHJKMNPQRS", Date()])
        }
        try queue.close()
        let again = try OutboxStore(path: path)
        #expect(try await again.waiting().map(\.key) == [good.key])
        #expect(try await again.unreadable() == [-1])
        #expect(try await again.waitingCount() == 2, "the unreadable row is kept, not dropped")
        try again.close()
    }
}
