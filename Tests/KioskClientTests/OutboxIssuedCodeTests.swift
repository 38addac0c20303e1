import Foundation
import GRDB
import KioskAPI
import KioskTestSupport
import PledgeKit
import Testing

@testable import PledgeStore

/// A front's outbox holds codes of either form; one made before issued codes existed migrates
/// with its waiting pledges and never reuses a sequence.
@Suite("Issued codes in a front's outbox")
struct OutboxIssuedCodeTests {
    @Test func aV1OutboxMigratesKeepingItsRowsAndSequencesAndTakesIssuedCodes() async throws {
        let path = temporaryDirectory("outbox-v1").appendingPathComponent("outbox.sqlite").path
        let draft = PledgeDraft(name: "Hồ Xuân Hương", ageBand: .from16To17, province: nil, guardianConsent: true)
        let json = String(decoding: PledgeRequestBody(draft: draft, code: nil).data(), as: UTF8.self)
        do {
            let queue = try DatabaseQueue(path: path)
            try OutboxStore.migrator.migrate(queue, upTo: "v1: outbox")
            try await queue.write { db in
                for index in 1...3 {
                    try db.execute(
                        sql: "INSERT INTO outbox (idempotency_key, draft, code, created_at) VALUES (?, ?, ?, ?)",
                        arguments: ["k-\(index)", json, CertificateCode.random().rawValue, Date()])
                }
                // The newest was delivered: its sequence (3) must never come back.
                try db.execute(sql: "DELETE FROM outbox WHERE sequence = 3")
            }
            try queue.close()
        }
        let outbox = try OutboxStore(path: path)
        defer { try? outbox.close() }
        #expect(try await outbox.waitingCount() == 2)
        let issuer = CodeIssuer(SyncToken.random(tag: "F2R9"))
        let entry = try await outbox.add(
            key: try IdempotencyKey("k-4"), draft: draft, code: issuer.newCode(), at: Date())
        #expect(entry.sequence == 4)
        let waiting = try await outbox.waiting()
        #expect(waiting.map(\.sequence) == [1, 2, 4])
        #expect(waiting.first?.draft == draft)
        #expect(waiting.last?.code == entry.code)
        #expect(waiting.last.map { issuer.issued($0.code) } == true)
    }
}
