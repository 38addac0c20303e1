import HubCore
import KioskTestSupport
import Synchronization
import Testing

@testable import HubStore

/// Certificate reads grouped under load: every caller gets its own key's value, keys asked for
/// while a read runs share the next one, and a key's deadline holds while it waits.
@Suite struct ReadBatcherTests {
    /// Reads that record the keys of each call and wait for the test to let the first one end.
    final class Reads: Sendable {
        let calls = Mutex<[[Int]]>([])
        let firstMayEnd = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let firstStarted = Mutex(false)

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
        let read: ReadBatcher<Int, String>.Read = { keys, deadline throws(HubError) in
            try await reads.read(keys, deadline)
        }
        async let first = batcher.value(1, read: read)
        try await waitUntil { reads.firstStarted.withLock { $0 } }
        // Five callers (one key twice) while the first read runs.
        async let others = withThrowingTaskGroup(of: (Int, String?).self) { group in
            for key in [2, 3, 4, 3, 5] { group.addTask { (key, try await batcher.value(key, read: read)) } }
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
    }

    @Test func aReadsErrorReachesEveryKeyInItAndTheNextReadStillRuns() async throws {
        let batcher = ReadBatcher<Int, String>(
            maximumInFlight: 1, maximumBatch: 100, deadline: .seconds(60), expired: { HubError.unreadable })
        let failing: ReadBatcher<Int, String>.Read = { _, _ throws(HubError) in
            throw HubError(.unavailable, vi: "x", en: "x")
        }
        await #expect(throws: HubError.self) { try await batcher.value(1, read: failing) }
        let value = try await batcher.value(7) { keys, _ throws(HubError) in [7: "seven"] }
        #expect(value == "seven")
    }

    @Test func aKeyWhoseDeadlinePassedBeforeItsReadFailsWithoutOne() async throws {
        let batcher = ReadBatcher<Int, String>(
            maximumInFlight: 1, maximumBatch: 100, deadline: .zero,
            expired: { HubError(.unavailable, vi: "hết giờ", en: "timed out") })
        let called = Mutex(false)
        await #expect(throws: HubError.self) {
            try await batcher.value(1) { _, _ throws(HubError) in
                called.withLock { $0 = true }
                return [:]
            }
        }
        #expect(!called.withLock { $0 })
    }
}
