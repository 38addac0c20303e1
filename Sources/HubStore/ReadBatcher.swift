import HubCore
import Synchronization

/// Reads by key grouped into one statement while others are under way: at most
/// ``maximumInFlight`` reads run at once; a key asked for meanwhile waits, and every key waiting
/// when one ends goes in the next read (at most ``maximumBatch`` in one). Alone, a key is read at
/// once, as one statement; under load, 32 first views cost a few statements instead of 32 (issue
/// 14, H2: the statement's round trip, not the row, is what a first view paid for).
///
/// Each key keeps its own deadline, counted from when it was asked for: a read is given what is
/// left of its oldest key's, and keys whose deadline passed while they waited fail with
/// `unavailable` without a read.
final class ReadBatcher<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// Reads `keys` (distinct) within the duration; returns the value of each key found.
    typealias Read = @Sendable ([Key], Duration) async throws(HubError) -> [Key: Value]

    struct Waiter {
        let key: Key
        let asked: ContinuousClock.Instant
        let continuation: CheckedContinuation<Value?, any Error>
    }

    struct State {
        var waiting: [Waiter] = []
        var inFlight = 0
    }

    /// A batch to read, and how.
    struct Batch {
        let waiters: [Waiter]
        let read: Read
    }

    let maximumInFlight: Int
    let maximumBatch: Int
    let deadline: Duration
    /// Told when keys' deadline passed before a read could start (the store logs it).
    let expired: @Sendable () -> HubError
    private let state = Mutex(State())
    private let clock = ContinuousClock()
    /// How many keys wait for a read (for tests).
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    init(
        maximumInFlight: Int, maximumBatch: Int, deadline: Duration, expired: @escaping @Sendable () -> HubError
    ) {
        precondition(maximumInFlight > 0 && maximumBatch > 0)
        self.maximumInFlight = maximumInFlight
        self.maximumBatch = maximumBatch
        self.deadline = deadline
        self.expired = expired
    }

    /// The value of `key`, or nil when the read found none. `read` reads the batch that holds the
    /// key when this call starts it (every caller passes the same).
    /// - Throws: the ``HubError`` of the read that held the key.
    func value(_ key: Key, read: @escaping Read) async throws(HubError) -> Value? {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                let batch = state.withLock { state -> [Waiter]? in
                    state.waiting.append(Waiter(key: key, asked: clock.now, continuation: continuation))
                    return Self.take(&state, maximumInFlight: maximumInFlight, maximumBatch: maximumBatch)
                }
                if let batch { start(Batch(waiters: batch, read: read)) }
            }
        } catch let error as HubError {
            throw error
        } catch {
            throw expired()
        }
    }

    /// The next batch when a read may start now (and counts it as in flight).
    private static func take(_ state: inout State, maximumInFlight: Int, maximumBatch: Int) -> [Waiter]? {
        guard state.inFlight < maximumInFlight, !state.waiting.isEmpty else { return nil }
        state.inFlight += 1
        let count = min(maximumBatch, state.waiting.count)
        let batch = Array(state.waiting.prefix(count))
        state.waiting.removeFirst(count)
        return batch
    }

    private func start(_ batch: Batch) {
        Task {
            await run(batch)
            // This read's place goes to the keys that waited for it.
            let next = state.withLock { state -> [Waiter]? in
                state.inFlight -= 1
                return Self.take(&state, maximumInFlight: maximumInFlight, maximumBatch: maximumBatch)
            }
            if let next { start(Batch(waiters: next, read: batch.read)) }
        }
    }

    private func run(_ batch: Batch) async {
        let now = clock.now
        var live: [Waiter] = []
        var left = deadline
        for waiter in batch.waiters {
            let remaining = deadline - (now - waiter.asked)
            if remaining > .zero {
                live.append(waiter)
                left = min(left, remaining)
            } else {
                waiter.continuation.resume(throwing: expired())
            }
        }
        guard !live.isEmpty else { return }
        var keys: [Key] = []
        var seen = Set<Key>()
        for waiter in live where seen.insert(waiter.key).inserted { keys.append(waiter.key) }
        do {
            let found = try await batch.read(keys, left)
            for waiter in live { waiter.continuation.resume(returning: found[waiter.key]) }
        } catch {
            for waiter in live { waiter.continuation.resume(throwing: error) }
        }
    }
}
