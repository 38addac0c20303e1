import Foundation
import KioskAPI
import Logging
import PledgeKit
import PledgeStore

/// The monotonic time of the relay's waits (a clock that tests move by hand).
public protocol RelayClock: Sendable {
    var now: ContinuousClock.Instant { get }
    func sleep(for duration: Duration) async throws
}

/// The system's monotonic clock.
public struct SystemRelayClock: RelayClock {
    public init() {}
    public var now: ContinuousClock.Instant { ContinuousClock.now }
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

/// The event service's relay to the national hub: uploads the event's hub outbox
/// (``PledgeStore/hubBatch(limit:)``) in order, in batches, and applies what the hub answers.
///
/// - 200: rows up to the acknowledged sequence are done (``PledgeStore/hubAcknowledged(_:sentThrough:at:)``:
///   deleted only then, the hub's certificate base cached, its erasures applied).
/// - 422 `rows-refused`: those rows are held (kept, shown to the organizer) and the batch goes again
///   with `held` placeholders in their place.
/// - 413: the batch is halved (down to one row) and sent again; a row refused alone is held.
/// - 408, 429, 5xx, no answer: tried again after `Retry-After` when the hub gave one, else after an
///   exponential back-off (``Settings/firstBackoff`` doubling up to ``Settings/longestBackoff``)
///   with jitter: a wait drawn between half the back-off and all of it, so events that lost the hub
///   together do not come back together. Other refusals (401, 403, 404, 409) wait the back-off too.
/// - 409 `sequence-gap` expecting a row before the batch's first, or a 200 acknowledging less than
///   the hub had: the hub lost rows it had acknowledged (a restore, a failover, a new hub
///   database), so they are queued again (``PledgeStore/requeueForHub(from:)``) and sent at once.
///
/// Every failure is noted in the database (``PledgeStore/hubFailed(_:at:)``) for `kiosk status` and
/// `/admin`. The log holds counts, sequences and statuses, never a name.
public actor HubRelay {
    public struct Settings: Sendable {
        /// The most rows in one batch (the hub takes up to ``SyncBatch/maximumRows``).
        public var batchRows = 200
        /// How often the outbox is read for new rows while nothing waits.
        public var poll: Duration = .seconds(1)
        /// How often the hub is asked for its erasures (an empty batch) while nothing waits.
        public var idleContact: Duration = .seconds(60)
        public var firstBackoff: Duration = .seconds(1)
        public var longestBackoff: Duration = .seconds(300)
        /// The longest `Retry-After` obeyed as given; a longer one waits this long.
        public var longestRetryAfter: Duration = .seconds(3600)

        public init() {}
    }

    let store: PledgeStore
    let eventID: String
    let transport: any HubTransport
    let clock: any RelayClock
    let settings: Settings
    /// A number in [0, 1) for each wait's jitter.
    let random: @Sendable () -> Double
    let logger: Logger
    /// Rows per batch now: halved by each 413.
    private(set) var batchRows: Int
    private var backoff: Duration
    /// When the hub last acknowledged a batch; nil: not since the start, so the first round asks.
    private var lastContact: ContinuousClock.Instant?
    /// Why the hub refused the event's sync token at its last answer (401 or 403); nil once it
    /// takes it again, or before it has answered.
    public private(set) var tokenRefusal: String?

    public init(
        store: PledgeStore, eventID: String, transport: any HubTransport, clock: any RelayClock = SystemRelayClock(),
        settings: Settings = Settings(), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger
    ) {
        self.store = store
        self.eventID = eventID
        self.transport = transport
        self.clock = clock
        self.settings = settings
        self.random = random
        self.logger = logger
        batchRows = max(1, min(settings.batchRows, SyncBatch.maximumRows))
        backoff = settings.firstBackoff
    }

    /// Uploads until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            let wait = await round()
            if wait > .zero {
                do { try await clock.sleep(for: wait) } catch { return }
            }
        }
    }

    /// One step: reads the next batch, sends it when there is one (or when the hub is due a visit)
    /// and applies the answer. Returns how long to wait before the next step (zero: at once).
    public func round() async -> Duration {
        let due = lastContact.map { clock.now - $0 >= settings.idleContact } ?? true
        let rows: [SyncRow]
        let seen: Int
        let seenCode: String?
        do { (rows, seen, seenCode) = try await store.hubBatch(limit: batchRows) } catch {
            logger.error("hub outbox cannot be read", metadata: ["error.type": "\(type(of: error))"])
            return nextBackoff()
        }
        if rows.isEmpty && !due { return settings.poll }
        let batch = Self.fitting(
            SyncBatch(event: eventID, rows: rows, erasuresSeen: seen, erasuresSeenCode: seenCode))
        let answer = await transport.send(batch)
        if Task.isCancelled { return .zero }
        return await apply(answer, to: batch)
    }

    private func apply(_ answer: HubAnswer, to batch: SyncBatch) async -> Duration {
        switch answer {
        case .acknowledged(let acknowledgement):
            tokenRefusal = nil
            let applied: HubAcknowledgementApplied
            do {
                applied = try await store.hubAcknowledged(
                    acknowledgement, sentThrough: batch.rows.last?.sequence ?? 0, at: Date())
            } catch {
                logger.error("hub acknowledgement not stored", metadata: ["error.type": "\(type(of: error))"])
                return nextBackoff()
            }
            backoff = settings.firstBackoff
            lastContact = clock.now
            if !batch.rows.isEmpty || applied.erased > 0 {
                logger.info(
                    "hub acknowledged",
                    metadata: [
                        "hub.acknowledged": "\(acknowledgement.acknowledged)", "rows.sent": "\(applied.sent)",
                        "hub.erasures": "\(acknowledgement.erasures.count)", "pledges.erased": "\(applied.erased)",
                    ])
            }
            if !applied.baseTaken { logger.warning("hub certificate base is not a valid base; not used") }
            if applied.requeued > 0 {
                logger.warning(
                    "hub lost acknowledged rows; queued again",
                    metadata: [
                        "hub.acknowledged": "\(acknowledgement.acknowledged)", "rows.queued": "\(applied.requeued)",
                    ])
                return .zero
            }
            // A full page of erasures: more may wait at the hub.
            if acknowledgement.erasures.count >= 500 { lastContact = nil }
            return batch.rows.isEmpty && acknowledgement.erasures.count < 500 ? settings.poll : .zero
        case .refused(let refused):
            let held: Int
            do { held = try await store.holdHubRows(refused) } catch {
                logger.error("refused hub rows not held", metadata: ["error.type": "\(type(of: error))"])
                return nextBackoff()
            }
            let sequences = refused.map(\.sequence)
            guard held > 0 else {
                // Nothing here to hold: sending again would get the same answer.
                return await failed("HTTP 422 rows-refused for rows not waiting here: \(sequences)")
            }
            logger.warning("hub refused rows for good; held", metadata: ["rows.held": "\(sequences)"])
            return .zero
        case .tooLarge:
            guard batch.rows.count > 1 else {
                // Too large even alone: refused for good, so held for the organizer like a 422's
                // rows, and the rows behind it go on.
                guard let row = batch.rows.first else { return await failed("HTTP 413 for an empty batch") }
                let refusal = SyncRefusedRow(
                    sequence: row.sequence, field: nil,
                    detail: "quá lớn với hub (HTTP 413) · too large for the hub (HTTP 413)")
                return await apply(.refused([refusal]), to: batch)
            }
            batchRows = max(1, batch.rows.count / 2)
            logger.notice("hub batch too large; halved", metadata: ["batch.rows": "\(batchRows)"])
            return .zero
        case .later(let retryAfter, let reason):
            let wait = await failed(reason)
            guard let retryAfter else { return wait }
            return min(retryAfter, settings.longestRetryAfter)
        case .sequenceGap(let expected, let reason):
            // The hub expects a row at or after this batch's first: something else is wrong.
            guard let first = batch.rows.first?.sequence, expected < first else { return await failed(reason) }
            let requeued: Int
            do { requeued = try await store.requeueForHub(from: expected) } catch {
                logger.error("hub rows not queued again", metadata: ["error.type": "\(type(of: error))"])
                return nextBackoff()
            }
            logger.warning(
                "hub lost acknowledged rows; queued again",
                metadata: ["hub.expected": "\(expected)", "rows.queued": "\(requeued)"])
            return .zero
        case .failed(let reason):
            return await failed(reason)
        case .tokenRefused(let reason):
            tokenRefusal = reason
            return await failed(reason)
        }
    }

    /// Notes the failure in the database and the log; returns the back-off's next wait.
    private func failed(_ reason: String) async -> Duration {
        logger.warning("hub upload failed", metadata: ["reason": "\(reason)"])
        do { try await store.hubFailed(reason, at: Date()) } catch {
            logger.error("hub failure not stored", metadata: ["error.type": "\(type(of: error))"])
        }
        return nextBackoff()
    }

    /// A wait between half the back-off and all of it; the back-off doubles, up to the longest.
    private func nextBackoff() -> Duration {
        let ceiling = backoff
        backoff = min(backoff * 2, settings.longestBackoff)
        return ceiling * (0.5 + 0.5 * min(max(random(), 0), 1))
    }

    /// The batch, cut to its first half until its body is within ``SyncBatch/maximumBytes``.
    static func fitting(_ batch: SyncBatch) -> SyncBatch {
        var batch = batch
        while batch.rows.count > 1, ((try? WireJSON.encode(batch))?.count ?? 0) > SyncBatch.maximumBytes {
            batch.rows.removeLast(batch.rows.count - batch.rows.count / 2)
        }
        return batch
    }
}
