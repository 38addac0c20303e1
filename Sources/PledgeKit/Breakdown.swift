import Foundation

/// Pledge counts grouped by some dimensions, with the total they add up to.
///
/// The invariant organizers rely on: the counts of ``buckets`` always add up to ``total``.
/// Pledges without a province fall in an ``unknown`` bucket rather than out of the breakdown.
public struct Breakdown: Codable, Hashable, Sendable {
    /// One group: a value per dimension, in the order of ``dimensions``, and its count.
    public struct Bucket: Codable, Hashable, Sendable {
        public var values: [String]
        public var count: Int
        public init(values: [String], count: Int) {
            self.values = values
            self.count = count
        }
    }

    /// The bucket value of pledges that did not give one (a province left empty).
    public static let unknown = "unknown"
    /// The bucket that small groups are merged into in public breakdowns.
    public static let other = "other"
    /// The smallest group a public breakdown shows on its own, unless the caller picks another.
    public static let defaultMinimumGroupSize = 5

    public var dimensions: [CountDimension]
    public var total: Int
    public var buckets: [Bucket]
    /// Set on public breakdowns: groups below this size were merged into ``other``.
    public var minimumGroupSize: Int?

    public init(dimensions: [CountDimension], total: Int, buckets: [Bucket], minimumGroupSize: Int? = nil) {
        self.dimensions = dimensions
        self.total = total
        self.buckets = buckets
        self.minimumGroupSize = minimumGroupSize
    }

    /// Whether the buckets add up to the total.
    public var addsUp: Bool { buckets.reduce(0) { $0 + $1.count } == total }

    /// The breakdown fit to leave the organizers' hands: every bucket with fewer than `k` pledges
    /// is merged into one ``other`` bucket (its value is "other" in every dimension), so no small
    /// group can be singled out (k-anonymity, Sweeney 2002). When the merged bucket would itself be
    /// smaller than `k`, the smallest remaining buckets join it until it reaches `k`. Only when the
    /// whole total is below `k` does a smaller "other" remain: it then equals the total, which the
    /// live counter shows anyway. The total is unchanged, so the parts still add up.
    public func anonymized(minimumGroupSize k: Int = Breakdown.defaultMinimumGroupSize) -> Breakdown {
        guard !dimensions.isEmpty else {
            return Breakdown(dimensions: dimensions, total: total, buckets: buckets, minimumGroupSize: k)
        }
        var kept = buckets.filter { $0.count >= k }
        var other = buckets.filter { $0.count < k }.reduce(0) { $0 + $1.count }
        while other > 0, other < k, !kept.isEmpty {
            let smallest = kept.indices.min { kept[$0].count < kept[$1].count }!
            other += kept.remove(at: smallest).count
        }
        if other > 0 {
            kept.append(Bucket(values: dimensions.map { _ in Self.other }, count: other))
        }
        return Breakdown(dimensions: dimensions, total: total, buckets: kept, minimumGroupSize: k)
    }
}

/// The pledge count of one event, for the live counter.
public struct EventTotal: Codable, Hashable, Sendable {
    public var eventID: String
    public var count: Int
    public init(eventID: String, count: Int) {
        self.eventID = eventID
        self.count = count
    }
}

/// What organizers see of a kiosk's pledges: how many it took in all and when the last one came
/// (its heartbeats are in ``KioskStatus``).
public struct KioskActivity: Codable, Hashable, Sendable {
    public var eventID: String
    public var kioskID: String
    public var pledges: Int
    /// In UTC.
    public var lastPledgeAt: Date
    public init(eventID: String, kioskID: String, pledges: Int, lastPledgeAt: Date) {
        self.eventID = eventID
        self.kioskID = kioskID
        self.pledges = pledges
        self.lastPledgeAt = lastPledgeAt
    }
}
