/// What the hub's live counter shows (``HubRecords/nationalTotals()``): the pledges of every
/// event, and their split by where they were made: the province of each event (an event's place,
/// which anyone in the room sees, not a signer's own province), or ``online`` for the hub's online
/// pledges.
public struct NationalTotals: Sendable, Equatable {
    /// The bucket of online pledges (the ``HubEvent/onlineID`` pseudo-event's), made at no place.
    public static let online = "online"

    /// Pledges of every event, synced and made at the hub alike.
    public var total: Int
    /// Pledges by the event's province name (``online`` for online ones); adds up to ``total``.
    /// Exact: the public sees it through `Breakdown.published(withholding:minimumGroupSize:)`.
    public var byEventProvince: [String: Int]

    public init(total: Int, byEventProvince: [String: Int]) {
        self.total = total
        self.byEventProvince = byEventProvince
    }
}
