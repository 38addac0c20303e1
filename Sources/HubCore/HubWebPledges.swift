import Foundation
import PledgeKit

/// Pledges made at the hub itself, through the web pledge flow at the official domain (issue 16):
/// a phone that reached the hub over mobile data, with a linked event's presence code (counted
/// for that event), or without one (counted online only, under ``HubEvent/onlineID``).
///
/// Numbering: the event numbers its own pledges 1, 2, 3… in its SQLite file and never learns of
/// the hub's, so the hub numbers an event's pledges made at the hub from ``hubNumberBase`` + 1,
/// a range the event's own never reach (a billion pledges at one event); online pledges, which
/// no event numbers, from 1.
public protocol HubWebPledges: Sendable {
    /// Records `draft` as a pledge made at the hub with channel `phone` (kiosk id `phone`) for
    /// `event` (``HubEvent/onlineID``: an online pledge, after ``onlineEvent(retainUntil:)``), with a certificate code of the event's issued
    /// form (its tag, its key's MAC: recognizable as the event's), in one transaction committed with
    /// `synchronous_commit = on` before it returns. The same `key` with the same draft and event
    /// returns the first pledge and records nothing.
    /// - Throws: ``HubError`` `unknown-event`, `unavailable`.
    func recordWebPledge(_ draft: PledgeDraft, key: IdempotencyKey, event: EventID, at date: Date)
        async throws(HubError) -> HubWebPledgeOutcome

    /// Pledges by channel (``PledgeChannel`` raw values: `kiosk`, `phone`) of every event (`event`
    /// nil) or of one, synced and made at the hub alike; a channel with none is absent.
    func channelCounts(event: EventID?) async throws(HubError) -> [String: Int]

    /// Whether a pledge made at the hub has the idempotency key `key`.
    func isWebPledgeRecorded(key: IdempotencyKey) async throws(HubError) -> Bool

    /// The pseudo-event of online pledges (``HubEvent/onlineID``), registered on first use, its
    /// names kept until the end of `retainUntil` (the campaign's `retainPersonalDataUntil`, set
    /// again when it changed; nil: no limit).
    func onlineEvent(retainUntil: CivilDate?) async throws(HubError) -> HubEvent
}

/// What recording a pledge at the hub gave.
public enum HubWebPledgeOutcome: Sendable, Hashable {
    /// Committed now, or before under the same key with the same draft and event.
    case recorded(Pledge)
    /// The key was used before for another draft or event: nothing recorded.
    case keyReused
}

extension HubEvent {
    /// The id of the hub's pseudo-event of online pledges: pledges made at the hub without a
    /// presence code a linked event showed lately. Reserved: `kiosk hub add-event` refuses it.
    public static let onlineID = EventID("online")!

    /// Numbers of an event's pledges made at the hub start after this (``HubWebPledges``,
    /// ``PledgeKit/Pledge/hubNumberBase``).
    public static let hubNumberBase = Pledge.hubNumberBase

    /// Whether this is the online pseudo-event.
    public var isOnline: Bool { id == Self.onlineID }
}
