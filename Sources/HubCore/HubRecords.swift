import Foundation
import KioskAPI
import PledgeKit

/// What the hub keeps, whatever keeps it (PostgreSQL, `HubStore`): events, the pledges their
/// outboxes send, erasures and counts. Every call has a deadline and throws ``HubError`` on
/// failure; none acknowledges a write before its transaction has committed.
public protocol HubRecords: PledgeLookup {
    /// Registers an event with the SHA-256 (hex) of its sync token.
    /// - Throws: ``HubError`` `event-exists` (the id), `code-tag-taken` (pick another tag).
    func addEvent(_ event: HubEvent, tokenHash: String) async throws(HubError)

    /// The event whose sync token has this SHA-256 (hex), or nil.
    func event(tokenHash: String) async throws(HubError) -> HubEvent?

    /// The event with this id, or nil.
    func event(id: EventID) async throws(HubError) -> HubEvent?

    /// The event with this code tag, or nil.
    func event(codeTag: String) async throws(HubError) -> HubEvent?

    /// Applies a batch of `event`'s outbox rows in one transaction, idempotently: a row already
    /// applied changes nothing, an erasure that came before its pledge wins. Returns after the
    /// commit, with the highest sequence committed for the event and the hub's erasures of its
    /// pledges after `batch.erasuresSeen`.
    /// - Throws: ``HubError`` `sequence-gap` (the first row is past the next expected sequence),
    ///   `rows-refused` (rows that break the rules; nothing applied), `unavailable`.
    func apply(_ batch: SyncBatch, from event: HubEvent) async throws(HubError) -> SyncApplied

    /// The pledge with `code` (its event by ``Pledge/eventID``: ``event(id:)``), or nil.
    func certificate(code: CertificateCode) async throws(HubError) -> Pledge?

    /// Counts of every event (`event` nil) or of one, in the event service's shape.
    func counts(event: EventID?) async throws(HubError) -> PledgeCounts

    /// Counts by `dimensions` (of ``HubCountDimensions/all``) of every event (`event` nil) or of
    /// one, from the counters (never a count of the pledges), with the pledges public answers
    /// withhold when `withholding`; read in one snapshot. Public answers (`withholding`) may come
    /// from a hot standby, a moment behind the primary (the hub's store, docs/production.md).
    func tally(by dimensions: [CountDimension], event: EventID?, withholding: Bool) async throws(HubError) -> HubTally

    /// A number that changes whenever the counts may have changed (the store's count
    /// notifications and its own commits of pledges), so public counts read under one value may be
    /// kept while it is the same; nil while the store cannot tell (every read then goes to it).
    func countStamp() -> Int?

    /// Which events' counts may have changed (``CountVersions``), known without a read; nil while
    /// the store cannot tell (nothing is kept).
    func countVersions() -> CountVersions?

    /// The national totals of the live counter, from the counter tables (never a count of
    /// pledges), exact.
    func nationalTotals() async throws(HubError) -> NationalTotals

    /// Erases the name of the pledge with `code` at the hub (its signer asked at the official
    /// domain) and records the erasure for its event to apply; an erasure of a code whose pledge
    /// has not arrived is kept and wins when it does. Returns false when the code is neither a
    /// pledge at the hub nor one a registered event issued.
    func erase(code: CertificateCode, at date: Date) async throws(HubError) -> Bool

    /// Erases the names of pledges whose event's retention limit has passed at `date`; returns
    /// how many.
    func purgeExpired(at date: Date) async throws(HubError) -> Int
}

extension HubRecords {
    /// Nil: a store that cannot tell when counts change has every public count read again.
    public func countStamp() -> Int? { nil }

    /// Nil: nothing is kept.
    public func countVersions() -> CountVersions? { nil }
}

/// Versions of the counts, per event: counts of an event read while its version and the
/// generation were what they are now are current.
public struct CountVersions: Sendable, Equatable {
    /// Moves when any counts may have changed unseen (notifications possibly missed, a repair of
    /// the counters, a notification naming no event): nothing read under another is current.
    public var generation: Int
    /// Each event's version, moved by every commit of its pledges this store hears of; an event
    /// absent has not moved since the store started listening (version 0).
    public var events: [String: Int]

    public init(generation: Int, events: [String: Int]) {
        self.generation = generation
        self.events = events
    }

    /// `event`'s version (0: not moved since the store started listening).
    public func version(of event: String) -> Int { events[event] ?? 0 }
}

/// What applying a batch committed.
public struct SyncApplied: Sendable, Equatable {
    /// The highest sequence of the event the hub has committed.
    public var acknowledged: Int
    /// Erasures made at the hub for the event's pledges after ``erasuresAfter``.
    public var erasures: [HubErasure]
    /// The batch's `erasuresSeen`, or 0 when the hub's erasure at it is not the one the batch
    /// names (``KioskAPI/SyncAcknowledgement/erasuresAfter``).
    public var erasuresAfter: Int

    public init(acknowledged: Int, erasures: [HubErasure], erasuresAfter: Int) {
        self.acknowledged = acknowledged
        self.erasures = erasures
        self.erasuresAfter = erasuresAfter
    }
}
