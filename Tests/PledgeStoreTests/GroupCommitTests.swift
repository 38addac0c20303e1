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

    /// A batch adds its counts once per group: the aggregate tables must hold what counting each
    /// pledge on its own gives, as a GROUP BY over the pledges says, even with refused pledges and
    /// retries in the batches.
    @Test func batchCountsAreTheCountsOfTheRows() async throws {
        let (store, _) = try makeStore()
        let bands = AgeBand.allCases
        let provinces: [Province?] = [nil, Province.all[0], Province.all[5], Province.all[33]]
        let now = Date()
        _ = try await store.record(draft(0), idempotencyKey: try IdempotencyKey("taken"), kioskID: "k-0")
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<240 {
                group.addTask {
                    let draft = PledgeDraft(
                        name: index % 2 == 0 ? nil : "Người ký \(index)", ageBand: bands[index % bands.count],
                        province: provinces[index % provinces.count], guardianConsent: true,
                        signedAt: now.addingTimeInterval(-Double(index % 7) * 3600))
                    // Every 10th reuses a key (refused); every 15th repeats its own key (a retry).
                    let key = index % 10 == 9 ? "taken" : "n-\(index % 15 == 14 ? index - 1 : index)"
                    _ = try? await store.record(
                        draft, idempotencyKey: try IdempotencyKey(key), kioskID: "k-\(index % 3)")
                }
            }
        }
        @Sendable func values(_ rows: [Row]) -> [[DatabaseValue]] { rows.map { Array($0.databaseValues) } }
        try await store.pool.read { db in
            let stored = try Int.fetchOne(db, sql: "SELECT count(*) FROM pledge")!
            #expect(stored > 200)
            let counted = try Row.fetchAll(
                db,
                sql: """
                    SELECT event_id, kiosk_id, hour, age_band, province, count FROM pledge_count
                    ORDER BY 1, 2, 3, 4, 5
                    """)
            let grouped = try Row.fetchAll(
                db,
                sql: """
                    SELECT event_id, kiosk_id, CAST(strftime('%s', created_at) AS INTEGER) / 3600, age_band,
                        coalesce(province, ''), count(*)
                    FROM pledge GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
                    """)
            #expect(values(counted) == values(grouped))
            let activity = try Row.fetchAll(
                db, sql: "SELECT event_id, kiosk_id, pledges, last_pledge_at FROM kiosk_activity ORDER BY 1, 2")
            let activityOfRows = try Row.fetchAll(
                db,
                sql: "SELECT event_id, kiosk_id, count(*), max(created_at) FROM pledge GROUP BY 1, 2 ORDER BY 1, 2")
            #expect(values(activity) == values(activityOfRows))
            for (dimension, column) in [
                ("kiosk", "kiosk_id"), ("hour", "CAST(hour AS TEXT)"), ("age-band", "age_band"),
                ("province", "province"),
            ] {
                let tally = try Row.fetchAll(
                    db,
                    sql: "SELECT event_id, value, count FROM pledge_tally WHERE dimension = ? ORDER BY 1, 2",
                    arguments: [dimension])
                let tallyOfCounts = try Row.fetchAll(
                    db, sql: "SELECT event_id, \(column), sum(count) FROM pledge_count GROUP BY 1, 2 ORDER BY 1, 2")
                #expect(values(tally) == values(tallyOfCounts), "\(dimension)")
            }
        }
    }
}
