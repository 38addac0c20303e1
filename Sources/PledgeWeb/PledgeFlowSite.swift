import Foundation
import PledgeKit

/// Where the web pledge flow (``PhonePledgeRoutes``) finds the event a presence code is for and
/// records its pledges: the event service's own event (``EventPledgeFlow``), or, at the national
/// hub, the linked events and the hub's online pledges (HubService's `HubPledgeFlow`). The pages,
/// steps, rules and limits are the routes' own, the same at both.
public protocol PledgeFlowSite: Sendable {
    /// The place a page with `presence` (as the link or the form carries it, any case) is for at `date`.
    /// - Throws: ``PledgeError`` `unavailable` when the store cannot be read.
    func place(presence: String, at date: Date) async throws(PledgeError) -> PledgeFlowPlace

    /// Records `draft` at `place` under the idempotency key `key`, durably, before returning: the
    /// same key with the same draft returns the first outcome and records nothing.
    /// - Throws: ``PledgeError`` (`idempotency-key-reused` with another draft, `unavailable`).
    func record(_ draft: PledgeDraft, key: IdempotencyKey, at place: PledgeFlowPlace) async throws(PledgeError)
        -> RecordOutcome

    /// Whether a signature with `key` is recorded already (a signature sent again passes the limits).
    func isRecorded(idempotencyKey key: IdempotencyKey) async -> Bool
}

/// What the flow knows of a presence: the event's configuration (its name, pledge text, language,
/// retention date), whether the code is one the event showed lately, and what happens without one.
public struct PledgeFlowPlace: Sendable {
    /// What a pledge without a presence code the event showed lately becomes.
    public enum WithoutPresence: Sendable {
        /// Refused (403 `presence-required`): the event service, whose every pledge is made there.
        case refused
        /// Counted as an online pledge, for no event (the hub): this place is the online one.
        case online
    }

    /// The event the pages name and the pledge counts for.
    public var configuration: EventConfiguration
    /// The presence in canonical form, as the pages carry it on; `"0"` when there is none.
    public var presence: String
    /// Whether ``presence`` is one the event showed in the last few periods.
    public var accepted: Bool
    public var withoutPresence: WithoutPresence
    /// Why a given presence was not taken, for the page and the problem detail.
    public var refusal: PledgeError
    /// What ``PledgeFlowSite/record(_:key:at:)`` needs to find the event again (its id).
    public var eventID: String

    public init(
        configuration: EventConfiguration, presence: String, accepted: Bool, withoutPresence: WithoutPresence,
        refusal: PledgeError, eventID: String
    ) {
        self.configuration = configuration
        self.presence = presence
        self.accepted = accepted
        self.withoutPresence = withoutPresence
        self.refusal = refusal
        self.eventID = eventID
    }
}

/// The event service's site: its one event, its presence codes, its recorder (the store and its
/// observers), pledges under the kiosk id `phone`; a code it did not show lately is refused.
public struct EventPledgeFlow: PledgeFlowSite {
    let recorder: any PledgeRecorder
    let recordedKeys: (any RecordedKeys)?
    let presence: PresenceCodes
    let configuration: EventConfiguration

    public init(
        recorder: any PledgeRecorder, recordedKeys: (any RecordedKeys)?, presence: PresenceCodes,
        configuration: EventConfiguration
    ) {
        self.recorder = recorder
        self.recordedKeys = recordedKeys
        self.presence = presence
        self.configuration = configuration
    }

    public func place(presence text: String, at date: Date) -> PledgeFlowPlace {
        // Echoed in the page's links only in its canonical form.
        let code = PresenceCodes.canonical(text) ?? "0"
        return PledgeFlowPlace(
            configuration: configuration, presence: code, accepted: presence.accepts(code, at: date),
            withoutPresence: .refused, refusal: PhonePledgeRoutes.presenceRequired,
            eventID: configuration.eventID)
    }

    public func record(_ draft: PledgeDraft, key: IdempotencyKey, at place: PledgeFlowPlace) async throws(PledgeError)
        -> RecordOutcome
    {
        try await recorder.record(draft, key: key, kioskID: .phone, code: nil)
    }

    public func isRecorded(idempotencyKey key: IdempotencyKey) async -> Bool {
        (try? await recordedKeys?.isRecorded(idempotencyKey: key)) ?? false
    }
}
