import Foundation
import KioskTestSupport
import LiveWeb
import NIOCore
import PledgeKit
import PledgeStore
import Synchronization
import Testing

/// The live counter reads its totals for its viewers only: commits while nobody watches read
/// nothing (at the hub each would read PostgreSQL), and the first viewer to come gets them read once.
@Suite struct LiveCounterViewersTests {
    /// A real store's totals (the event service's own source), its reads counted.
    final class CountedTotals: LiveSource {
        let store: PledgeStore
        let reads = Mutex(0)

        init(store: PledgeStore) { self.store = store }

        func liveSnapshot() async throws(PledgeError) -> LiveSnapshot {
            reads.withLock { $0 += 1 }
            let events = try await store.eventTotals()
            return LiveSnapshot(total: events.reduce(0) { $0 + $1.count }, events: events)
        }
    }

    func record(_ store: PledgeStore, _ key: String) async throws {
        _ = try await store.record(
            PledgeDraft(name: nil, ageBand: .from18To24, province: nil, school: nil, guardianConsent: false),
            idempotencyKey: try IdempotencyKey(key), kioskID: nil)
    }

    @Test(
        "With no viewer, commits read nothing; the first viewer gets one read with the new total; then each commit reads"
    )
    func readsOnlyForViewers() async throws {
        let store = try temporaryStore("live-viewers")
        let totals = CountedTotals(store: store)
        let live = LiveCounter(source: totals, interval: .zero)

        // Viewers: 0. Three commits, three refreshes, no read.
        for key in ["k-1", "k-2", "k-3"] {
            try await record(store, key)
            let before = await live.refreshes
            live.pledgeCommitted()
            try await waitUntil("the refresh after \(key)") { await live.refreshes > before }
        }
        #expect(await live.viewerCount == 0)
        #expect(totals.reads.withLock { $0 } == 0)

        // Viewers: 1. One read, and the viewer's first message holds the total of the commits it missed.
        let (id, stream) = await live.join()
        var messages = stream.makeAsyncIterator()
        let first = await messages.next().map { String(buffer: $0) }
        #expect(first?.contains(#""total":3"#) == true, "\(first ?? "no message")")
        #expect(totals.reads.withLock { $0 } == 1)

        // A commit while it watches: read and pushed.
        try await record(store, "k-4")
        live.pledgeCommitted()
        let next = await messages.next().map { String(buffer: $0) }
        #expect(next?.contains(#""total":4"#) == true, "\(next ?? "no message")")
        #expect(totals.reads.withLock { $0 } == 2)

        // Gone again: commits read nothing more.
        await live.leave(id)
        try await record(store, "k-5")
        let before = await live.refreshes
        live.pledgeCommitted()
        try await waitUntil("the refresh after k-5") { await live.refreshes > before }
        #expect(totals.reads.withLock { $0 } == 2)
        // A page asking for the totals reads them, fresh.
        #expect(try await live.current().total == 5)
        #expect(totals.reads.withLock { $0 } == 3)
    }

    /// A real store's totals whose first read, once it has read them, waits until ``release()``:
    /// a read slower than the next one.
    final class FirstReadHeld: LiveSource {
        let store: PledgeStore
        let state = Mutex<(reads: Int, held: CheckedContinuation<Void, Never>?, released: Bool)>((0, nil, false))

        init(store: PledgeStore) { self.store = store }

        func liveSnapshot() async throws(PledgeError) -> LiveSnapshot {
            let events = try await store.eventTotals()
            let first = state.withLock { state in
                state.reads += 1
                return state.reads == 1 && !state.released
            }
            if first {
                await withCheckedContinuation { continuation in
                    let go = state.withLock { state in
                        state.held = continuation
                        return state.released
                    }
                    if go { continuation.resume() }
                }
            }
            return LiveSnapshot(total: events.reduce(0) { $0 + $1.count }, events: events)
        }

        var holding: Bool { state.withLock { $0.held != nil } }

        func release() {
            state.withLock { state in
                state.released = true
                return state.held.take()
            }?.resume()
        }
    }

    @Test("A read slower than the next one never puts its older totals in place of the newer ones")
    func aSlowReadDoesNotOverwriteANewerOne() async throws {
        let store = try temporaryStore("live-order")
        let totals = FirstReadHeld(store: store)
        let live = LiveCounter(source: totals, interval: .zero, heartbeat: .seconds(3600))
        try await record(store, "o-1")
        // The first viewer's read has the total 1, and is held.
        let (id, _) = await live.join()
        try await waitUntil("the first read held") { totals.holding }
        // A second pledge's refresh reads 2 and pushes it.
        try await record(store, "o-2")
        live.pledgeCommitted()
        try await waitUntil("the second refresh") { await live.refreshes == 1 }
        #expect(try await live.current().total == 2)
        // The first read ends: its 1 comes too late to be kept.
        totals.release()
        try await waitUntil("the first refresh") { await live.refreshes == 2 }
        #expect(try await live.current().total == 2)
        await live.leave(id)
        await live.close()
    }
}
