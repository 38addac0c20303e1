import Foundation
import GRDB
import PledgeKit
import Synchronization

/// Group commit: pledges that wait while a transaction is being synced are inserted together in
/// the next one, so one `synchronous=FULL` commit (one WAL fsync) acknowledges several of them.
///
/// Each caller is resumed only after the COMMIT of the transaction that holds its pledge. A pledge
/// refused by the domain (idempotency key reused, certificate code taken) is refused before it
/// writes anything (``PledgeStore/insertUncounted(_:key:code:issuer:eventID:kioskID:at:keys:in:)``), so
/// it fails alone without a savepoint. The aggregate counts of the batch's new pledges are added
/// once per group at the end of the transaction (``CountBatch``). Any other error aborts the whole
/// transaction; its pledges are then tried again one transaction each, so one bad pledge never
/// fails the others.
///
/// After each COMMIT and before anyone is answered, the database files are checked
/// (``DatabaseFiles/verify(_:)``): a pledge committed into a file that no longer is the database
/// at its path is not acknowledged (`database-gone`), nor is any later one.
///
/// Each transaction's outcome goes to ``WriteOutcomes`` (readiness) and its numbers to
/// ``StoreMetrics``: new rows, its duration, its size. Both cost a counter or a short lock.
final class GroupCommitter: Sendable {
    /// One waiting pledge, already validated.
    struct Job: Sendable {
        let draft: PledgeDraft
        let key: IdempotencyKey
        let code: CertificateCode?
        let kioskID: String
        let date: Date
        let keys: NameKeys
        let continuation: CheckedContinuation<Pledge, any Error>
    }

    struct State {
        var pending: [Job] = []
        var draining = false
    }

    let pool: DatabasePool
    let eventID: String
    let files: DatabaseFiles
    let writes: WriteOutcomes
    let metrics: StoreMetrics
    /// Makes the codes of new pledges (``PledgeStore/codeIssuer``).
    let codeIssuer: CodeIssuer?
    /// The most pledges in one transaction (bounds its latency and its memory).
    let maximumBatch: Int
    private let state = Mutex(State())
    private let committed = Mutex(0)
    /// Transactions committed so far (for tests and benchmarks).
    var transactions: Int { committed.withLock { $0 } }

    init(
        pool: DatabasePool, eventID: String, files: DatabaseFiles, writes: WriteOutcomes, metrics: StoreMetrics,
        codeIssuer: CodeIssuer? = nil, maximumBatch: Int = 256
    ) {
        self.pool = pool
        self.eventID = eventID
        self.files = files
        self.writes = writes
        self.metrics = metrics
        self.codeIssuer = codeIssuer
        self.maximumBatch = maximumBatch
    }

    /// Inserts a validated draft, stamped `date`; returns after the transaction that holds it has
    /// committed.
    func insert(
        _ draft: PledgeDraft, key: IdempotencyKey, code: CertificateCode?, kioskID: String, at date: Date,
        keys: NameKeys
    ) async throws
        -> Pledge
    {
        try await withCheckedThrowingContinuation { continuation in
            let job = Job(
                draft: draft, key: key, code: code, kioskID: kioskID, date: date, keys: keys,
                continuation: continuation)
            let leads = state.withLock { state in
                state.pending.append(job)
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            // The first caller to find no transaction running starts the drain; it ends when the
            // queue is empty, so no job waits for a drain that is not coming.
            if leads { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch: [Job] = state.withLock { state in
                let batch = Array(state.pending.prefix(maximumBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            await commit(batch)
        }
    }

    private func commit(_ batch: [Job]) async {
        let eventID = eventID
        let issuer = codeIssuer
        do {
            // Gone before this batch: it writes nothing.
            try await files.refuseIfGone()
        } catch {
            for job in batch { job.continuation.resume(throwing: error) }
            return
        }
        do {
            let started = ContinuousClock.now
            let (outcomes, added): ([Result<Pledge, PledgeError>], Int) = try await pool.write { db in
                var counts = CountBatch()
                var added = 0
                let outcomes = try batch.map { job -> Result<Pledge, PledgeError> in
                    do {
                        let (pledge, isNew) = try PledgeStore.insertUncounted(
                            job.draft, key: job.key, code: job.code, issuer: issuer, eventID: eventID,
                            kioskID: job.kioskID, at: job.date, keys: job.keys, in: db)
                        if isNew {
                            counts.add(pledge)
                            added += 1
                        }
                        return .success(pledge)
                    } catch let refused as PledgeError {
                        return .failure(refused)
                    }
                }
                try counts.write(in: db)
                return (outcomes, added)
            }
            // `write` returned: COMMIT is done. The pledges may be acknowledged once the file
            // they went into is still the database at its path.
            committed.withLock { $0 += 1 }
            observe(batch: batch.count, added: added, since: started)
            do {
                try await files.verify(pool)
            } catch {
                for job in batch { job.continuation.resume(throwing: error) }
                return
            }
            for (job, outcome) in zip(batch, outcomes) { job.continuation.resume(with: outcome) }
        } catch {
            writes.failed(error)
            // The whole transaction rolled back: one transaction per pledge, so that one failing
            // pledge fails alone.
            for job in batch {
                do {
                    try await files.refuseIfGone()
                    let started = ContinuousClock.now
                    let (pledge, isNew) = try await pool.write { db in
                        try PledgeStore.insert(
                            job.draft, key: job.key, code: job.code, issuer: issuer, eventID: eventID,
                            kioskID: job.kioskID, at: job.date, keys: job.keys, in: db)
                    }
                    committed.withLock { $0 += 1 }
                    observe(batch: 1, added: isNew ? 1 : 0, since: started)
                    try await files.verify(pool)
                    job.continuation.resume(returning: pledge)
                } catch {
                    writes.failed(error)
                    job.continuation.resume(throwing: error)
                }
            }
        }
    }

    /// A transaction committed: its numbers, and the store is ready again when it wrote rows
    /// (an empty COMMIT, all retries or refusals, proves nothing about the disk).
    private func observe(batch: Int, added: Int, since started: ContinuousClock.Instant) {
        metrics.committed(groupSize: batch, added: added, duration: ContinuousClock.now - started)
        if added > 0 { writes.succeeded() }
    }
}
