import HubCore
import Synchronization

/// Reads by key grouped into one statement while others are under way: at most
/// ``maximumInFlight`` reads run at once; a key asked for meanwhile waits, and every key waiting
/// when one ends goes in the next read (at most ``maximumBatch`` in one). Alone, a key is read at
/// once, as one statement; under load, 32 first views cost a few statements instead of 32 (issue
/// 14, H2: the statement's round trip, not the row, is what a first view paid for).
///
/// A read runs in a runner task that goes on to the next batch itself while keys wait, and the
/// read's deadline is kept by one watchdog task for all of them, not a task and a timer per read:
/// each hop between tasks was a wait in the executor's queue on the path of every batch
/// (BENCHMARKS.md, H2). Each key keeps its own deadline, counted from when it was asked for:
/// a key whose deadline passes while it waits fails with ``expired`` without a read; when the
/// oldest key of a read under way passes it, the read's keys fail with ``expired``, its runner is
/// cancelled and its place goes to the keys waiting. A read under way longer than ``askAfter``
/// asks ``stalled`` (at most once a tick) whether to give up now, with which error.
final class ReadBatcher<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// Reads `keys` (distinct); returns the value of each key found. The duration is what is left
    /// of the oldest key's deadline (the watchdog keeps it; a read may use it for a part of its own).
    typealias Read = @Sendable ([Key], Duration) async throws(HubError) -> [Key: Value]
    /// Calls `batches` once with the read for a runner's batches, one after another, and returns
    /// when it returns: the store leases one connection for them (a lease and a release for every
    /// read cost the pool's timers a task each: BENCHMARKS.md, H2). A session that cannot start
    /// gives `batches` a read that throws why.
    typealias Session = @Sendable (_ batches: (Read) async -> Void) async -> Void

    struct Waiter {
        let key: Key
        let asked: ContinuousClock.Instant
        let continuation: CheckedContinuation<Value?, any Error>
    }

    /// A read under way: its runner, its keys, when it started.
    struct Runner {
        var waiters: [Waiter]
        var started: ContinuousClock.Instant
        /// Counts the runner's reads: an answer or a failure for an earlier one is not this one's.
        var generation = 0
        var task: Task<Void, Never>?
        var asking = false
    }

    struct State {
        var waiting: [Waiter] = []
        var runners: [Int: Runner] = [:]
        var nextRunner = 0
        var watching = false
        /// The session callers pass (the same for every one), for runners the watchdog starts.
        var session: Session?
    }

    let maximumInFlight: Int
    let maximumBatch: Int
    let deadline: Duration
    /// How long a read may run before ``stalled`` is asked.
    let askAfter: Duration
    /// How often the watchdog looks.
    let tick: Duration
    /// Told when keys' deadline passed (the store logs it).
    let expired: @Sendable () -> HubError
    /// Asked about a read under way longer than ``askAfter``: the error to fail it with now, or nil
    /// to let it go on (the store asks whether the database's address still accepts connections).
    let stalled: @Sendable () async -> HubError?
    private let state = Mutex(State())
    private let clock = ContinuousClock()
    /// How many keys wait for a read (for tests).
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    init(
        maximumInFlight: Int, maximumBatch: Int, deadline: Duration, askAfter: Duration = .milliseconds(100),
        tick: Duration = .milliseconds(50), expired: @escaping @Sendable () -> HubError,
        stalled: @escaping @Sendable () async -> HubError? = { nil }
    ) {
        precondition(maximumInFlight > 0 && maximumBatch > 0)
        self.maximumInFlight = maximumInFlight
        self.maximumBatch = maximumBatch
        self.deadline = deadline
        self.askAfter = askAfter
        self.tick = tick
        self.expired = expired
        self.stalled = stalled
    }

    /// The value of `key`, or nil when the read found none. `session` reads the batch that holds
    /// the key when this call starts a runner (every caller passes the same).
    /// - Throws: the ``HubError`` of the read that held the key; ``expired`` past its deadline.
    func value(_ key: Key, session: @escaping Session) async throws(HubError) -> Value? {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                let waiter = Waiter(key: key, asked: clock.now, continuation: continuation)
                let (start, late, watch) = state.withLock { state in
                    if state.session == nil { state.session = session }
                    state.waiting.append(waiter)
                    var late: [Waiter] = []
                    let start = startRunner(&state, late: &late)
                    return (start, late, startWatching(&state))
                }
                fail(late, with: expired())
                if watch { self.watch() }
                if let start { launch(start, session: session) }
            }
        } catch let error as HubError {
            throw error
        } catch {
            throw expired()
        }
    }

    /// A runner's first read, to launch.
    private struct Start {
        let runner: Int
        let keys: [Key]
        let left: Duration
    }

    /// Takes the next batch into a new runner when a read may start now. Keys whose deadline has
    /// passed go to `late`.
    private func startRunner(_ state: inout State, late: inout [Waiter]) -> Start? {
        guard state.runners.count < maximumInFlight, let (batch, left) = take(&state, late: &late) else { return nil }
        let id = state.nextRunner
        state.nextRunner += 1
        state.runners[id] = Runner(waiters: batch, started: clock.now)
        return Start(runner: id, keys: Self.keys(of: batch), left: left)
    }

    /// The next batch of waiting keys still within their deadline, and what is left of the oldest
    /// one's; keys past it go to `late`.
    private func take(_ state: inout State, late: inout [Waiter]) -> ([Waiter], Duration)? {
        let now = clock.now
        var batch: [Waiter] = []
        var left = deadline
        var taken = 0
        for waiter in state.waiting {
            if batch.count == maximumBatch { break }
            taken += 1
            let remaining = deadline - (now - waiter.asked)
            if remaining > .zero {
                batch.append(waiter)
                left = min(left, remaining)
            } else {
                late.append(waiter)
            }
        }
        state.waiting.removeFirst(taken)
        return batch.isEmpty ? nil : (batch, left)
    }

    private static func keys(of batch: [Waiter]) -> [Key] {
        var keys: [Key] = []
        var seen = Set<Key>()
        for waiter in batch where seen.insert(waiter.key).inserted { keys.append(waiter.key) }
        return keys
    }

    private func startWatching(_ state: inout State) -> Bool {
        guard !state.watching else { return false }
        state.watching = true
        return true
    }

    private func launch(_ start: Start, session: @escaping Session) {
        let task = Task { await run(start, session: session) }
        let cancel = state.withLock { state in
            guard state.runners[start.runner] != nil else { return true }
            state.runners[start.runner]?.task = task
            return false
        }
        // The watchdog gave its read up before the runner was recorded.
        if cancel { task.cancel() }
    }

    /// Reads the runner's batch, answers its keys, and goes on with the keys that waited meanwhile
    /// until none does (or the watchdog took the runner's place away), in one session while its
    /// reads succeed, in a new one after a read that failed.
    private func run(_ start: Start, session: Session) async {
        var keys = start.keys
        var left = start.left
        var generation = 0
        var finished = false
        while !finished {
            await session { read in
                while !finished {
                    let result: Result<[Key: Value], HubError>
                    do throws(HubError) {
                        result = .success(try await read(keys, left))
                    } catch {
                        result = .failure(error)
                    }
                    var late: [Waiter] = []
                    let (answered, next) = state.withLock {
                        state -> ([Waiter], (batch: [Waiter], left: Duration)?) in
                        // Given up by the watchdog: its keys were answered, its place taken.
                        guard var runner = state.runners[start.runner], runner.generation == generation else {
                            return ([], nil)
                        }
                        let answered = runner.waiters
                        guard let (batch, left) = take(&state, late: &late) else {
                            state.runners[start.runner] = nil
                            return (answered, nil)
                        }
                        runner.waiters = batch
                        runner.started = clock.now
                        runner.generation += 1
                        runner.asking = false
                        state.runners[start.runner] = runner
                        return (answered, (batch, left))
                    }
                    fail(late, with: expired())
                    for waiter in answered { waiter.continuation.resume(with: result.map { $0[waiter.key] }) }
                    guard let next else {
                        finished = true
                        return
                    }
                    keys = Self.keys(of: next.batch)
                    left = next.left
                    generation += 1
                    // A failed read may have left the session unusable (a connection closed).
                    if case .failure = result { return }
                }
            }
        }
    }

    /// The watchdog: every ``tick`` while keys wait or reads run, fails the keys past their
    /// deadline and gives up their reads, and asks ``stalled`` about reads running past ``askAfter``.
    private func watch() {
        Task {
            while true {
                try? await Task.sleep(for: tick)
                let now = clock.now
                var late: [Waiter] = []
                var cancelled: [Task<Void, Never>] = []
                var ask: [(runner: Int, generation: Int)] = []
                var starts: [Start] = []
                var session: Session?
                let done = state.withLock { state -> Bool in
                    session = state.session
                    if state.runners.isEmpty && state.waiting.isEmpty {
                        state.watching = false
                        // Idle: the session (which holds the store) is let go until the next key.
                        state.session = nil
                        return true
                    }
                    let waiting = state.waiting
                    state.waiting.removeAll(keepingCapacity: true)
                    for waiter in waiting {
                        if now - waiter.asked >= deadline { late.append(waiter) } else { state.waiting.append(waiter) }
                    }
                    for (id, runner) in state.runners {
                        if runner.waiters.contains(where: { now - $0.asked >= deadline }) {
                            state.runners[id] = nil
                            late += runner.waiters
                            if let task = runner.task { cancelled.append(task) }
                        } else if !runner.asking, now - runner.started >= askAfter {
                            state.runners[id]?.asking = true
                            ask.append((id, runner.generation))
                        }
                    }
                    while let start = startRunner(&state, late: &late) { starts.append(start) }
                    return false
                }
                fail(late, with: expired())
                for task in cancelled { task.cancel() }
                if let session { for start in starts { launch(start, session: session) } }
                for (runner, generation) in ask { askStalled(runner, generation) }
                if done { return }
            }
        }
    }

    /// Asks ``stalled`` about one read; gives it up with the error it answers.
    private func askStalled(_ runner: Int, _ generation: Int) {
        Task {
            let error = await stalled()
            let (given, task) = state.withLock { state -> ([Waiter], Task<Void, Never>?) in
                guard let current = state.runners[runner], current.generation == generation else { return ([], nil) }
                guard error != nil else {
                    state.runners[runner]?.asking = false
                    return ([], nil)
                }
                state.runners[runner] = nil
                return (current.waiters, current.task)
            }
            if let error { fail(given, with: error) }
            task?.cancel()
        }
    }

    private func fail(_ waiters: [Waiter], with error: @autoclosure () -> HubError) {
        guard !waiters.isEmpty else { return }
        let error = error()
        for waiter in waiters { waiter.continuation.resume(throwing: error) }
    }
}
