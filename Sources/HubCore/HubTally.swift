import PledgeKit

/// The hub's counts (issue 15), read from its counters in one snapshot: the exact breakdown and
/// the values of the pledges public answers withhold (``PledgeKit/PublicCounts``: each kiosk's newest
/// `pledges mod k`, as at an event), so the hub publishes an event's numbers by the event
/// service's rule (``PledgeKit/Breakdown/published(withholding:minimumGroupSize:)``) and they
/// equal the event's own for the same pledges.
public struct HubTally: Sendable, Hashable {
    /// Exact counts (organizers' numbers): buckets in ``PledgeKit/BucketOrder``, adding up to the total.
    public var exact: Breakdown
    /// One entry per withheld pledge: its values in the order of `exact.dimensions`.
    public var withheld: [[String]]

    public init(exact: Breakdown, withheld: [[String]]) {
        self.exact = exact
        self.withheld = withheld
    }

    /// The breakdown fit for the public: small groups (below k = 5) merged into `other`, with
    /// complementary suppression, and the withheld pledges in `other` (the event service's rule).
    public var published: Breakdown { exact.published(withholding: withheld) }
}

/// The dimensions the hub counts by: its counter table's key (event, Vietnam day, age band,
/// province, channel). Kiosk and hour are an event's own detail (its service answers them).
public enum HubCountDimensions {
    public static let all: [CountDimension] = [.event, .day, .ageBand, .province, .channel]

    /// Why the hub refuses a breakdown by `dimensions`, or nil: a dimension it does not count by,
    /// or (when `public`) a combination the public may not see
    /// (``PledgeKit/CountDimension/publicCombinationError(_:)``).
    public static func refusal(_ dimensions: [CountDimension], public: Bool) -> PledgeError? {
        if let other = dimensions.first(where: { !all.contains($0) }) {
            let names = all.map(\.rawValue).joined(separator: ", ")
            return PledgeError(
                .invalidRequest, field: "by",
                vi:
                    "Hub không đếm theo “\(other.rawValue)” (số liệu của từng sự kiện có ở dịch vụ của sự kiện). Chọn trong: \(names).",
                en: "The hub does not count by “\(other.rawValue)” (each event's service does). Choose from: \(names).")
        }
        return `public` ? CountDimension.publicCombinationError(dimensions) : nil
    }
}

/// One key whose counter differs from the count of the pledges at the hub (a reconciliation's finding).
public struct HubCountDrift: Sendable, Hashable, CustomStringConvertible {
    /// The counter table: `hub_tally` (event × day × age band × province × channel) or
    /// `hub_kiosk_tally` (event × kiosk: what the public answers' withholding reads) or
    /// `hub_province_tally` (event × province: what breakdowns by event and province read).
    public var counter: String
    /// The key, as `name=value` pairs (no personal data: ids, a day, an age band, a province, a channel).
    public var key: [String]
    /// What the counter holds (0: no row).
    public var counted: Int
    /// How many pledges at the hub have the key.
    public var rows: Int

    public init(counter: String, key: [String], counted: Int, rows: Int) {
        self.counter = counter
        self.key = key
        self.counted = counted
        self.rows = rows
    }

    /// `counted - rows`: positive when the counter counts too many.
    public var difference: Int { counted - rows }

    /// `hub_tally event=… day=… age-band=… province=… channel=…: counter 7, rows 5 (+2)`.
    public var description: String {
        "\(counter) \(key.joined(separator: " ")): counter \(counted), rows \(rows) (\(difference > 0 ? "+" : "")\(difference))"
    }
}

/// What a reconciliation of the hub's counters found (and did).
public struct HubReconciliation: Sendable, Hashable {
    /// Keys whose counter differs from the pledges, as of one snapshot.
    public var drift: [HubCountDrift]
    /// Whether the drift was repaired (each counter moved by its difference, in one transaction).
    public var repaired: Bool
    /// How many keys the pledges have (both counter tables).
    public var keys: Int

    public init(drift: [HubCountDrift], repaired: Bool, keys: Int) {
        self.drift = drift
        self.repaired = repaired
        self.keys = keys
    }
}
