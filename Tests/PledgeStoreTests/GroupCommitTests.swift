import Foundation
import GRDB
import KioskTestSupport
import PledgeKit
import Testing

@testable import PledgeStore

@Suite("Group commit")
struct GroupCommitTests {
    func draft(_ index: Int) -> PledgeDraft {
        PledgeDraft(name: "Người ký \(index)", ageBand: .from18To24, province: nil, guardianConsent: false)
    }

    @Test func concurrentPledgesShareTransactionsAndKeepContiguousNumbers() async throws {
        let (store, _) = try makeStore()
        let receipts = try await withThrowingTaskGroup(of: PledgeReceipt.self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await store.record(draft(index), idempotencyKey: try IdempotencyKey("g-\(index)"), kioskID: nil)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(receipts.map(\.number)) == Set(1...200))
        #expect(try await store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM pledge") } == 200)
        // Several waiting pledges were committed together.
        #expect(store.committer.transactions < 200)
        #expect(try await store.counts().total == 200)
    }

    @Test func aRefusedPledgeInABatchFailsAlone() async throws {
        let (store, _) = try makeStore()
        let taken = try await store.record(draft(0), idempotencyKey: try IdempotencyKey("first"), kioskID: nil)
        // Same burst: many good pledges, one reusing a key with another body, one taking a code.
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for index in 1...50 {
                group.addTask {
                    let key = index == 10 ? "first" : "b-\(index)"
                    let code = index == 20 ? taken.code : nil
                    let ok =
                        (try? await store.record(
                            draft(index), idempotencyKey: try IdempotencyKey(key), kioskID: nil, code: code)) != nil
                    return (index, ok)
                }
            }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes.filter { !$0.value }.map(\.key).sorted() == [10, 20])
        let numbers = try await store.pool.read { try Int.fetchAll($0, sql: "SELECT number FROM pledge") }
        #expect(Set(numbers) == Set(1...49))
    }

    @Test func oneKeyTwiceInOneBatchMakesOneRow() async throws {
        let (store, _) = try makeStore()
        let receipts = try await withThrowingTaskGroup(of: PledgeReceipt.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await store.record(draft(1), idempotencyKey: try IdempotencyKey("same"), kioskID: nil)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(receipts.map(\.code)).count == 1)
        #expect(try await store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM pledge") } == 1)
    }
}
