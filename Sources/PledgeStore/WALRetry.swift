import Foundation
import GRDB
import Synchronization

/// Empties the WAL again in the background after an erasure (or a purge) committed but readers
/// kept its checkpoint from emptying the WAL: without it the erased name stayed in the `-wal`
/// file after the readers let go, since nothing checkpointed again (issue 11).
///
/// One task, and only while a retry is pending: every ``interval`` it tries once
/// (``PledgeStore/emptyWAL(_:waitingAtMost:)``, a short wait so pledges are not held up behind
/// a reader that stays), until the WAL is empty, the files left their path, or the store closes.
/// The lock guards the state only; it is never held across a wait.
final class WALRetry: Sendable {
    /// How long the task waits between two tries.
    let interval: Duration
    private let task = Mutex<Task<Void, Never>?>(nil)
    private let closed = Atomic(false)

    init(interval: Duration) {
        self.interval = interval
    }

    /// Whether a retry is pending (its task is running).
    var isPending: Bool {
        task.withLock { $0 != nil }
    }

    /// Starts retrying, unless a retry is already pending or the store is closed.
    func schedule(_ pool: DatabasePool, files: DatabaseFiles) {
        task.withLock { task in
            guard task == nil, !closed.load(ordering: .acquiring) else { return }
            // Made under the lock: the task clears itself under it too, so never before it is stored.
            task = Task { await self.run(pool, files: files) }
        }
    }

    /// Stops retrying for good (the store closes; ``PledgeStore/close()`` empties the WAL itself).
    func stop() {
        closed.store(true, ordering: .releasing)
        task.withLock { $0 }?.cancel()
    }

    private func run(_ pool: DatabasePool, files: DatabaseFiles) async {
        while true {
            try? await Task.sleep(for: interval)
            if Task.isCancelled || closed.load(ordering: .acquiring) || files.isGone { break }
            do {
                try await pool.writeWithoutTransaction { db in
                    try PledgeStore.emptyWAL(db, waitingAtMost: .milliseconds(250))
                }
                break
            } catch {
                // Readers still hold the WAL (or it failed otherwise): try again after the interval.
            }
        }
        task.withLock { $0 = nil }
    }
}
