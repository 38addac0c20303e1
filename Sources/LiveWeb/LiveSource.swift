import PledgeKit

/// What the live counter shows: the total over every event and a line per event; at the hub,
/// which has thousands of events, no event lines but a line per place (``provinces``).
public struct LiveSnapshot: Codable, Sendable, Equatable {
    public var total: Int
    public var events: [EventTotal]
    /// The hub's lines: pledges by where they were made (an event's province, `online`, or
    /// `other` for places of fewer than k pledges merged), largest first; nil (absent from the
    /// JSON) at an event.
    public var provinces: [ProvinceTotal]?

    public init(total: Int, events: [EventTotal], provinces: [ProvinceTotal]? = nil) {
        self.total = total
        self.events = events
        self.provinces = provinces
    }
}

/// One line of the hub's live counter: a place and its pledges.
public struct ProvinceTotal: Codable, Sendable, Equatable {
    /// A province's name, `online` (pledges made online) or `other` (small places merged).
    public var province: String
    public var count: Int

    public init(province: String, count: Int) {
        self.province = province
        self.count = count
    }
}

/// What a live counter reads its totals from: at an event, its organizer service (the total of
/// each event); at the hub, its counter tables (HubService's `HubLiveTotals`).
public protocol LiveSource: Sendable {
    /// The totals to show now, from aggregate tables (called at most once per refresh interval).
    /// - Throws: ``PledgeError`` `unavailable` when the database did not answer.
    func liveSnapshot() async throws(PledgeError) -> LiveSnapshot
}

/// The event service's source: the total of each event of its database.
struct OrganizerLiveSource: LiveSource {
    let organizer: any OrganizerService

    func liveSnapshot() async throws(PledgeError) -> LiveSnapshot {
        let events = try await organizer.eventTotals()
        return LiveSnapshot(total: events.reduce(0) { $0 + $1.count }, events: events)
    }
}
