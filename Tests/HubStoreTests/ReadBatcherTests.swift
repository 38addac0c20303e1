import HubCore
import KioskTestSupport
import PledgeKit
import Synchronization
import Testing

@testable import HubStore

/// Certificate reads grouped under load: every caller gets its own key's value, keys asked for
/// while a read runs share the next one (in the same session), and a key's deadline holds while it
/// waits and while its read runs (the watchdog gives the read up and cancels it).
@Suite struct ReadBatcherTests {
    /// Reads that record the keys of each call and wait for the test to let the first one end.
    final class Reads: Sendable {
        let calls = Mutex<[[Int]]>([])
        let firstMayEnd = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let firstStarted = Mutex(false)
        let sessions = Mutex(0)

        /// A session that counts itself and gives its batches ``read(_:_:)``.
        var session: ReadBatcher<Int, String>.Session {
            { batches in
                self.sessions.withLock { $0 += 1 }
                await batches { keys, deadline throws(HubError) in try await self.read(keys, deadline) }
            }
        }

        func read(_ keys: [Int], _ deadline: Duration) async throws(HubError) -> [Int: String] {
            let first = calls.withLock { calls in
                calls.append(keys)
                return calls.count == 1
            }
            if first {
                await withCheckedContinuation { continuation in
                    firstMayEnd.withLock { $0 = continuation }
                    firstStarted.withLock { $0 = true }
                }
            }
            // Odd keys are found; even ones are not.
            return Dictionary(uniqueKeysWithValues: keys.filter { $0 % 2 == 1 }.map { ($0, "value \($0)") })
        }
    }

    @Test func keysAskedForDuringAReadShareTheNextOne() async throws {
        let batcher = ReadBatcher<Int, String>(
            maximumInFlight: 1, maximumBatch: 100, deadline: .seconds(60), expired: { HubError.unreadable })
        let reads = Reads()
        let session = reads.session
        async let first = batcher.value(1, session: session)
        try await waitUntil { reads.firstStarted.withLock { $0 } }
        // Five callers (one key twice) while the first read runs.
        async let others = withThrowingTaskGroup(of: (Int, String?).self) { group in
            for key in [2, 3, 4, 3, 5] { group.addTask { (key, try await batcher.value(key, session: session)) } }
            var values: [(Int, String?)] = []
            for try await value in group { values.append(value) }
            return values
        }
        try await waitUntil { batcher.waitingCount == 5 }
        reads.firstMayEnd.withLock { $0?.resume() }
        #expect(try await first == "value 1")
        let values = try await others
        #expect(values.count == 5)
        for (key, value) in values { #expect(value == (key % 2 == 1 ? "value \(key)" : nil)) }
        let calls = reads.calls.withLock { $0 }
        #expect(calls.count == 2)
        #expect(calls.first == [1])
        #expect(calls.last.map { Set($0) } == [2, 3, 4, 5])
        #expect(calls.last?.count == 4)  // the key asked for twice is read once
        // The runner went on to the second read in its session (one connection leased, not two).
        #expect(reads.sessions.withLock { $0 } == 1)
    }

    final class Counter: Sendable {
        let count = Mutex(0)
        var value: Int { count.withLock { $0 } }
        func add() { count.withLock { $0 += 1 } }
    }

    /// A session whose reads are `read`, counting its sessions.
    static func session(
        counting sessions: Counter? = nil, _ read: @escaping ReadBatcher<Int, String>.Read
    ) -> ReadBatcher<Int, String>.Session {
        { batches in
            sessions?.add()
            await batches(read)
        }
    }

    /// Waits until the task is cancelled (a read on a frozen database), then counts the cancellation.
    static func hangUntilCancelled(_ cancellations: Counter) async {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
        await withTaskCancellationHandler {
            for await _ in stream {}
        } onCancel: {
            cancellations.add()
            continuation.finish()
        }
    }

    @Test func aReadsErrorReachesEveryKeyInItAndTheNextReadStillRuns() async throws {
        let batcher = ReadBatcher<Int, String>(
            maximumInFlight: 1, maximumBatch: 100, deadline: .seconds(60), expired: { HubError.unreadable })
        let failing = Self.session { _, _ throws(HubError) in throw HubError(.unavailable, vi: "x", en: "x") }
        await #expect(throws: HubError.self) { try await batcher.value(1, session: failing) }
        let value = try await batcher.value(7, session: Self.session { keys, _ throws(HubError) in [7: "seven"] })
        #expect(value == "seven")
    }

    @Test func aKeyWhoseDeadlinePassedBeforeItsReadFailsWithoutOne() async throws {
        let batcher = ReadBatcher<Int, String>(
            maximumInFlight: 1, maximumBatch: 100, deadline: .zero,
            expired: { HubError(.unavailable, vi: "hết giờ", en: "timed out") })
        let called = Mutex(false)
        await #expect(throws: HubError.self) {
            try await batcher.value(
                1,
                session: Self.session { _, _ throws(HubError) in
                    called.withLock { $0 = true }
                    return [:]
                })
        }
        #expect(!called.withLock { $0 })
    }

    /// A read that does not end (a frozen database): its keys fail at their deadline, its runner is
    /// cancelled (the store's session closes its connection then), and a key asked for afterwards
    /// gets a read of its own at once instead of waiting behind it.
    @Test func aReadPastItsDeadlineIsGivenUpAndCancelled() async throws {
        let batcher = ReadBatcher<Int, String>(
            maximumInFlight: 1, maximumBatch: 100, deadline: .milliseconds(300), tick: .milliseconds(20),
            expired: { HubError(.unavailable, vi: "hết giờ", en: "timed out") })
        let cancelled = Counter()
        let frozen = Self.session { keys, _ throws(HubError) in
            if keys == [1] {
                // Never answers; ends only when its task is cancelled.
                await Self.hangUntilCancelled(cancelled)
                throw HubError(.unavailable, vi: "đóng", en: "closed")
            }
            return Dictionary(uniqueKeysWithValues: keys.map { ($0, "value \($0)") })
        }
        let error = await #expect(throws: HubError.self) { try await batcher.value(1, session: frozen) }
        #expect(error?.message.en == "timed out")
        try await waitUntil { cancelled.value == 1 }
        #expect(try await batcher.value(2, session: frozen) == "value 2")
    }

    /// A read running past `askAfter` asks `stalled`; an error from it fails the read's keys at once
    /// (the store: the database's address refuses connections) and cancels the read.
    @Test func aStalledReadFailsWithTheErrorStalledGives() async throws {
        let refused = HubError(.unavailable, vi: "không kết nối được", en: "cannot reach")
        let asked = Mutex(0)
        let batcher = ReadBatcher<Int, String>(
            maximumInFlight: 1, maximumBatch: 100, deadline: .seconds(600), askAfter: .milliseconds(50),
            tick: .milliseconds(20), expired: { HubError.unreadable },
            stalled: {
                asked.withLock { $0 += 1 }
                return refused
            })
        let cancelled = Counter()
        let hanging = Self.session { _, _ throws(HubError) in
            await Self.hangUntilCancelled(cancelled)
            return [:]
        }
        let error = await #expect(throws: HubError.self) { try await batcher.value(1, session: hanging) }
        #expect(error?.message.en == refused.message.en)
        try await waitUntil { cancelled.value == 1 }
        #expect(asked.withLock { $0 } >= 1)
    }

    /// A failed read ends its session (its connection may be closed): the keys that waited get a
    /// new session, not the broken one.
    @Test func theReadAfterAFailedOneHasANewSession() async throws {
        let batcher = ReadBatcher<Int, String>(
            maximumInFlight: 1, maximumBatch: 100, deadline: .seconds(60), expired: { HubError.unreadable })
        let sessions = Counter()
        let firstStarted = Mutex(false)
        let firstMayEnd = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let session = Self.session(counting: sessions) { keys, _ throws(HubError) in
            if keys == [1] {
                await withCheckedContinuation { continuation in
                    firstMayEnd.withLock { $0 = continuation }
                    firstStarted.withLock { $0 = true }
                }
                throw HubError(.unavailable, vi: "hỏng", en: "broken")
            }
            return Dictionary(uniqueKeysWithValues: keys.map { ($0, "value \($0)") })
        }
        let first = Task { try await batcher.value(1, session: session) }
        try await waitUntil { firstStarted.withLock { $0 } }
        async let second = batcher.value(2, session: session)
        try await waitUntil { batcher.waitingCount == 1 }
        firstMayEnd.withLock { $0?.resume() }
        await #expect(throws: HubError.self) { try await first.value }
        #expect(try await second == "value 2")
        #expect(sessions.value == 2)
    }
}
