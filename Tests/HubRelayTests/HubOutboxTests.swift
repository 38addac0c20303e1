import Foundation
import GRDB
import KioskAPI
import KioskTestSupport
import PledgeKit
import PledgeStore
import Testing

/// A store on a fresh file; `feedsHub` as an event with a hub opens it.
func makeHubStore(_ path: String? = nil, feedsHub: Bool = true) throws -> (PledgeStore, String) {
    let file = path ?? temporaryDirectory("hub-outbox").appendingPathComponent("pledges.sqlite").path
    let store = try PledgeStore(
        path: file, eventID: "hub-event", defaultKioskID: "kiosk-1",
        links: try CertificateLinks(baseURL: "http://192.168.1.20:8080"), feedsHub: feedsHub)
    return (store, file)
}

func signer(_ index: Int, name: String? = nil) -> PledgeDraft {
    PledgeDraft(
        name: name ?? "Nguyễn Thị Hoa \(index)", ageBand: .from18To24, province: Province(matching: "Hà Nội"),
        guardianConsent: false)
}

/// Reads the outbox table on a connection of its own (what another process sees).
func outboxRows(_ file: String) throws -> [Row] {
    let queue = try DatabaseQueue(path: file)
    defer { try? queue.close() }
    return try queue.read { try Row.fetchAll($0, sql: "SELECT * FROM hub_outbox ORDER BY sequence") }
}

/// Sets the name in outbox row `sequence`'s body, on a connection of its own.
func rewriteOutboxName(_ file: String, sequence: Int, name: String) throws {
    let queue = try DatabaseQueue(path: file)
    defer { try? queue.close() }
    try queue.write { db in
        try db.execute(
            sql: "UPDATE hub_outbox SET body = json_set(body, '$.name', ?) WHERE sequence = ?",
            arguments: [name, sequence])
    }
}

@Suite("The event's hub outbox: one row per change, in the change's own transaction")
struct HubOutboxTests {
    @Test func aPledgeAndItsRowCommitTogether() async throws {
        let (store, file) = try makeHubStore()
        defer { try? store.close() }
        let receipt = try await store.record(signer(1), idempotencyKey: try IdempotencyKey("p-1"), kioskID: nil)
        let rows = try outboxRows(file)
        #expect(rows.count == 1)
        let (batch, seen, _) = try await store.hubBatch(limit: 200)
        #expect(seen == 0)
        let pledge = try #require(batch.first?.pledge)
        #expect(batch.first?.sequence == 1)
        #expect(pledge.id == receipt.id && pledge.code == receipt.code.rawValue && pledge.number == 1)
        #expect(pledge.name == "Nguyễn Thị Hoa 1" && pledge.kiosk == "kiosk-1" && pledge.province == "Hà Nội")
        #expect(pledge.createdAt.hasSuffix("Z") && pledge.createdAt.contains("."))
        // The same key again records nothing and queues nothing.
        _ = try await store.record(signer(1), idempotencyKey: try IdempotencyKey("p-1"), kioskID: nil)
        #expect(try outboxRows(file).count == 1)
    }

    @Test func aRefusedPledgeLeavesNoRow() async throws {
        let (store, file) = try makeHubStore()
        defer { try? store.close() }
        let first = try await store.record(signer(1), idempotencyKey: try IdempotencyKey("p-1"), kioskID: nil)
        // The draft's rules, a reused key with another draft, a code that is taken.
        let child = PledgeDraft(name: "Bé An", ageBand: .under12, province: nil, guardianConsent: false)
        await #expect(throws: PledgeError.self) {
            try await store.record(child, idempotencyKey: try IdempotencyKey("p-2"), kioskID: nil)
        }
        await #expect(throws: PledgeError.self) {
            try await store.record(signer(9), idempotencyKey: try IdempotencyKey("p-1"), kioskID: nil)
        }
        await #expect(throws: PledgeError.self) {
            try await store.record(signer(3), idempotencyKey: try IdempotencyKey("p-3"), kioskID: nil, code: first.code)
        }
        #expect(try outboxRows(file).count == 1)
    }

    /// "A kill between them is impossible by construction": when the outbox row cannot be written,
    /// the pledge is not stored either (and not acknowledged).
    @Test func aPledgeWhoseRowFailsIsNotStored() async throws {
        let (store, file) = try makeHubStore()
        defer { try? store.close() }
        let other = try DatabaseQueue(path: file)
        try await other.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER refuse_outbox BEFORE INSERT ON hub_outbox
                    BEGIN SELECT RAISE(ABORT, 'outbox refused'); END
                    """)
        }
        try other.close()
        await #expect(throws: PledgeError.self) {
            try await store.record(signer(1), idempotencyKey: try IdempotencyKey("p-1"), kioskID: nil)
        }
        #expect(try outboxRows(file).isEmpty)
        #expect(try await store.counts().total == 0)
    }

    @Test func groupCommitsQueueEveryPledgeOnceWithConsecutiveSequences() async throws {
        let (store, file) = try makeHubStore()
        defer { try? store.close() }
        let receipts = try await withThrowingTaskGroup(of: PledgeReceipt.self) { group in
            for index in 0..<120 {
                group.addTask {
                    try await store.record(
                        signer(index), idempotencyKey: try IdempotencyKey("g-\(index)"), kioskID: nil)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let rows = try outboxRows(file)
        #expect(rows.map { $0["sequence"] as Int } == Array(1...120))
        let (batch, _, _) = try await store.hubBatch(limit: 500)
        #expect(Set(batch.compactMap(\.pledge?.id)) == Set(receipts.map(\.id)))
        // Sequence order is commit order: pledge numbers rise with it.
        let numbers = batch.compactMap(\.pledge?.number)
        #expect(numbers == numbers.sorted())
    }

    @Test func anEventWithoutHubQueuesNothing() async throws {
        let (store, file) = try makeHubStore(feedsHub: false)
        defer { try? store.close() }
        let receipt = try await store.record(signer(1), idempotencyKey: try IdempotencyKey("p-1"), kioskID: nil)
        _ = try await store.erasePersonalData(code: receipt.code)
        #expect(try outboxRows(file).isEmpty)
        #expect(try await store.hubLinkStatus() == HubLinkStatus(linked: false))
    }

    @Test func anErasureIsQueuedAndBlanksTheNameWaitingInTheOutbox() async throws {
        let (store, file) = try makeHubStore()
        defer { try? store.close() }
        let receipt = try await store.record(
            signer(1, name: "Trần Văn Bảo"), idempotencyKey: try IdempotencyKey("p-1"), kioskID: nil)
        #expect(try await store.erasePersonalData(code: receipt.code))
        // Erasing again changes nothing and queues nothing.
        #expect(try await store.erasePersonalData(code: receipt.code))
        let (batch, _, _) = try await store.hubBatch(limit: 10)
        #expect(batch.count == 2)
        #expect(batch[0].pledge?.code == receipt.code.rawValue && batch[0].pledge?.name == nil)
        #expect(batch[1].erasure?.code == receipt.code.rawValue)
        let bodies = try outboxRows(file).map { $0["body"] as String }.joined()
        #expect(!bodies.contains("Bảo"))
        // Not in the file's bytes either (the erasure empties the WAL).
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        #expect(bytes.range(of: Data("Trần Văn Bảo".utf8)) == nil)
    }

    @Test func aPurgeIsQueuedWithAnOrdinaryDateAndBlanksNames() async throws {
        let (store, _) = try makeHubStore()
        defer { try? store.close() }
        for index in 1...3 {
            _ = try await store.record(signer(index), idempotencyKey: try IdempotencyKey("p-\(index)"), kioskID: nil)
        }
        #expect(try await store.purgePersonalData(createdBefore: .distantFuture) == 3)
        // Nothing left to purge: no second row.
        #expect(try await store.purgePersonalData(createdBefore: .distantFuture) == 0)
        let (batch, _, _) = try await store.hubBatch(limit: 10)
        #expect(batch.count == 4)
        #expect(batch.prefix(3).allSatisfy { $0.pledge != nil && $0.pledge?.name == nil })
        let purge = try #require(batch.last?.purge)
        let before = try #require(try? Date(purge.createdBefore, strategy: .iso8601))
        #expect(before > Date().addingTimeInterval(-60) && before < Date().addingTimeInterval(60))
    }

    @Test func pledgesRecordedBeforeTheEventWasLinkedAreQueuedOnce() async throws {
        let (unlinked, file) = try makeHubStore(feedsHub: false)
        for index in 1...3 {
            _ = try await unlinked.record(signer(index), idempotencyKey: try IdempotencyKey("p-\(index)"), kioskID: nil)
        }
        try unlinked.close()
        let (linked, _) = try makeHubStore(file)
        let (batch, _, _) = try await linked.hubBatch(limit: 10)
        #expect(batch.compactMap(\.pledge?.number) == [1, 2, 3])
        try linked.close()
        let (again, _) = try makeHubStore(file)
        defer { try? again.close() }
        #expect(try await again.hubBatch(limit: 10).rows.count == 3)
    }

    @Test func aRowThatCannotBeReadIsHeldInsteadOfBlockingTheOthers() async throws {
        let (store, file) = try makeHubStore()
        defer { try? store.close() }
        let other = try DatabaseQueue(path: file)
        try await other.write { db in
            try db.execute(sql: "INSERT INTO hub_outbox (kind, body, code) VALUES ('pledge', '{}', 'X')")
        }
        try other.close()
        _ = try await store.record(signer(1), idempotencyKey: try IdempotencyKey("p-1"), kioskID: nil)
        let (batch, _, _) = try await store.hubBatch(limit: 10)
        #expect(batch.map(\.sequence) == [1, 2])
        #expect(batch[0].held != nil && batch[1].pledge != nil)
        #expect(try await store.hubLinkStatus().held.map(\.sequence) == [1])
    }

    /// `kiosk erase` run without the hub's settings (they were only in the service's environment):
    /// the erasure of a linked event's pledge is queued all the same.
    @Test func aLinkedDatabaseStaysLinked() async throws {
        let (linked, file) = try makeHubStore()
        let receipt = try await linked.record(signer(1), idempotencyKey: try IdempotencyKey("p-1"), kioskID: nil)
        try linked.close()
        let (plain, _) = try makeHubStore(file, feedsHub: false)
        defer { try? plain.close() }
        #expect(plain.feedsHub)
        #expect(try await plain.erasePersonalData(code: receipt.code))
        #expect(try await plain.hubBatch(limit: 10).rows.map { $0.erasure != nil } == [false, true])
    }
}
