import Foundation
import GRDB
import HubRelay
import HubStore
import KioskAPI
import Logging
import PledgeKit
import PledgeStore
import Testing

/// The hub lost rows it had acknowledged (restored from a backup, a failover that lost its last
/// commits, the event linked to a new hub database): the event, which deleted those rows once
/// acknowledged, queues them again (``PledgeStore/requeueForHub(from:)``) instead of staying on
/// 409 `sequence-gap` for ever. Each "restored" hub is a real hub on a fresh PostgreSQL database
/// (``TestHub``), given what a backup would hold by the batches the first hub took.
@Suite("A hub that lost acknowledged rows gets them again, once")
struct HubRequeueTests {
    func relay(_ store: PledgeStore, _ link: EventConfiguration.HubLink) throws -> HubRelay {
        try HubRelayTests().relay(store, link)
    }

    func record(_ store: PledgeStore, _ indices: ClosedRange<Int>) async throws -> [PledgeReceipt] {
        var receipts: [PledgeReceipt] = []
        for index in indices {
            receipts.append(
                try await store.record(signer(index), idempotencyKey: try IdempotencyKey("q-\(index)"), kioskID: nil))
        }
        return receipts
    }

    /// Rounds until the outbox is empty (at most `limit`), as the running relay would.
    func drain(_ relay: HubRelay, _ store: PledgeStore, limit: Int = 10) async throws {
        for _ in 0..<limit {
            _ = await relay.round()
            if try await store.hubLinkStatus().backlog == 0 { return }
        }
        Issue.record("the outbox did not empty in \(limit) rounds")
    }

    @Test func aNewHubDatabaseGetsEveryPledgeErasureAndHeldRowOnce() async throws {
        let (store, file) = try makeHubStore()
        defer { try? store.close() }
        let receipts = try await record(store, 1...4)
        // Pledge 2 breaks the hub's rules (held), pledge 3 is erased at the event.
        try rewriteOutboxName(file, sequence: 2, name: String(repeating: "a", count: 61))
        #expect(try await store.erasePersonalData(code: receipts[2].code))
        let first = TestHub()
        try await first.serve { link in
            let relay = try relay(store, link)
            try await drain(relay, store)
            #expect(try await first.pledgeCount() == 3)
            // A signer erases pledge 4 at the official domain; the event learns it (cursor 1).
            #expect(try await first.store.erase(code: receipts[3].code, at: Date()))
            _ = try await self.relay(store, link).round()
        }
        #expect(try await store.pledge(code: receipts[3].code)?.name == nil)
        let late = try await record(store, 5...5)
        #expect(try await store.hubLinkStatus().acknowledged == 5)

        let second = TestHub()
        try await second.serve { link in
            let relay = try relay(store, link)
            // Row 6 first: 409, the hub expects 1. Everything is queued again from 1, sent at once.
            #expect(await relay.round() == .zero)
            #expect(second.batches.first?.rows.map(\.sequence) == [6])
            let queued = try outboxRows(file)
            #expect(queued.map { $0["sequence"] as Int } == Array(1...queued.count))
            try await drain(relay, store)
            let sent = second.batches.dropFirst().flatMap(\.rows)
            #expect(Set(sent.compactMap(\.pledge?.code)).count == sent.compactMap(\.pledge).count)
            // Every pledge but the held one, once; the held one as its placeholder.
            #expect(try await second.pledgeCount() == 4)
            #expect(try await second.store.heldRows(event: EventID("hub-event")!) == 1)
            #expect(sent.contains { $0.held?.reason.hasPrefix("name: ") == true })
            for receipt in receipts + late where receipt.code != receipts[1].code {
                let pledge = try await second.store.pledge(code: receipt.code)
                #expect(pledge != nil)
                // Erased at either side: no name at the new hub either.
                let erased = receipt.code == receipts[2].code || receipt.code == receipts[3].code
                #expect((pledge?.name == nil) == erased)
            }
            // The new hub numbers its erasures from 1 again; the event's cursor went back to 0.
            #expect(try await second.store.erase(code: late[0].code, at: Date()))
            _ = try await self.relay(store, link).round()
            #expect(try await store.pledge(code: late[0].code)?.name == nil)
            // Nothing is sent twice from now on.
            _ = try await record(store, 6...6)
            _ = await relay.round()
            #expect(try await second.pledgeCount() == 5)
        }
    }

    @Test func anIdleEventFindsTheHubBehindAndSendsEverythingAgain() async throws {
        let (store, _) = try makeHubStore()
        defer { try? store.close() }
        _ = try await record(store, 1...3)
        try await TestHub().serve { link in try await drain(try relay(store, link), store) }
        #expect(try await store.hubLinkStatus().backlog == 0)
        let second = TestHub()
        try await second.serve { link in
            let relay = try relay(store, link)
            // Nothing waits; the first round asks the hub anyway, and its answer (0) is below 3.
            #expect(await relay.round() == .zero)
            #expect(second.batches.first?.rows.isEmpty == true)
            #expect(try await store.hubLinkStatus().backlog == 3)
            try await drain(relay, store)
            #expect(try await second.pledgeCount() == 3)
            #expect(try await store.hubLinkStatus().acknowledged == 3)
        }
    }

    @Test func aHubRestoredFromAnOlderBackupGetsWhatCameAfterItOnce() async throws {
        let (store, _) = try makeHubStore()
        defer { try? store.close() }
        _ = try await record(store, 1...3)
        let first = TestHub()
        try await first.serve { link in
            let relay = try relay(store, link)
            try await drain(relay, store)
            _ = try await record(store, 4...6)
            try await drain(relay, store)
        }
        let backup = try #require(first.batches.first)
        #expect(backup.rows.map(\.sequence) == [1, 2, 3])
        _ = try await record(store, 7...7)
        let second = TestHub()
        try await second.serve { link in
            // The backup: what the hub had committed after the first batch.
            guard case .acknowledged = try await HTTPHubTransport(hub: link).send(backup) else {
                Issue.record("the backup's batch was not applied")
                return
            }
            let relay = try relay(store, link)
            #expect(await relay.round() == .zero)
            #expect(second.batches.last?.rows.map(\.sequence) == [7])
            try await drain(relay, store)
            // Rows from 4 on again, pledges 1 to 3 among them changing nothing.
            #expect(second.batches.dropFirst(2).first?.rows.first?.sequence == 4)
            #expect(try await second.pledgeCount() == 7)
            #expect(try await store.hubLinkStatus().acknowledged == second.batches.last?.rows.last?.sequence)
        }
    }

    /// The breaker's case: a finished event (nothing new to send) and a hub restored from a dump
    /// taken before a signer erased a name there. The restored hub numbers its erasures again, so
    /// its next erasure reuses the cursor the event has seen, and the erased name is back at it.
    @Test func aHubThatNumbersItsErasuresAgainIsFoundOutAndGetsTheErasuresBack() async throws {
        let (store, _) = try makeHubStore()
        defer { try? store.close() }
        let receipts = try await record(store, 1...3)
        let first = TestHub()
        try await first.serve { link in
            try await drain(try relay(store, link), store)
            // A signer erases pledge 2 at the official domain (cursor 1); the event applies it.
            #expect(try await first.store.erase(code: receipts[1].code, at: Date()))
            _ = try await self.relay(store, link).round()
        }
        #expect(try await store.pledge(code: receipts[1].code)?.name == nil)
        let backup = try #require(first.batches.first)
        let second = TestHub()
        try await second.serve { link in
            // The restored hub: the pledges, not the erasure; it acknowledges what the event had.
            guard case .acknowledged = await try HTTPHubTransport(hub: link).send(backup) else {
                Issue.record("the backup's batch was not applied")
                return
            }
            #expect(try await second.store.pledge(code: receipts[1].code)?.name != nil)
            // Its next erasure, of pledge 3, gets cursor 1 again.
            #expect(try await second.store.erase(code: receipts[2].code, at: Date()))
            let relay = try relay(store, link)
            // Found out (its erasure 1 is not the one the event applied): every erasure listed is
            // applied, and the event's erasures are queued again and sent at once.
            #expect(await relay.round() == .zero)
            #expect(
                second.batches.last?.erasuresSeen == 1
                    && second.batches.last?.erasuresSeenCode == receipts[1].code.rawValue)
            #expect(try await store.pledge(code: receipts[2].code)?.name == nil)
            try await drain(relay, store)
            #expect(try await second.store.pledge(code: receipts[1].code)?.name == nil)
            #expect(try await second.store.pledge(code: receipts[0].code)?.name != nil)
            #expect(try await second.pledgeCount() == 3)
            // From now on the cursor is the new hub's: its next erasure reaches the event.
            #expect(try await second.store.erase(code: receipts[0].code, at: Date()))
            _ = try await self.relay(store, link).round()
            #expect(try await store.pledge(code: receipts[0].code)?.name == nil)
        }
    }
}
