import Foundation

/// Public counts that cannot be differenced to one signer.
///
/// Merging small groups (``Breakdown/anonymized(minimumGroupSize:)``) is not enough on its own: a
/// watcher who reads the public counts just before and just after a person signs sees which
/// group grew by one, so learns that signer's age band and province. So the public numbers lag
/// in steps: the pledges of each kiosk of each event are published k at a time, in the order they
/// arrived.
/// The newest `n mod k` pledges of a kiosk that has `n` are *withheld*: counted in the total and
/// in the `other` bucket, in no named group. Between two steps only the total and `other` move,
/// by one per pledge, which tells no more than the room sees (someone signed); at a step, k
/// pledges of one kiosk join the named groups at once, so no change belongs to one person.
///
/// The k pledges of a step share their event and kiosk but not always their hour or day, so a
/// public breakdown may not cross `day` or `hour` with `age-band` or `province`
/// (``CountDimension/publicCombinationError(_:)``). The live counter shows the total only, which
/// may move by one. Organizers' counts and exports stay exact.
public enum PublicCounts {
    /// The dimensions that say who a signer is, as opposed to where and when they signed (which
    /// anyone in the room sees).
    public static let personal: Set<CountDimension> = [.ageBand, .province]

    /// How many of a kiosk's `pledges` are withheld: the newest `pledges mod k`.
    public static func withheld(of pledges: Int, minimumGroupSize k: Int = Breakdown.defaultMinimumGroupSize) -> Int {
        pledges % k
    }
}

extension CountDimension {
    /// Why a public breakdown by `dimensions` is refused, or nil when it is allowed: one that
    /// crosses a time (`day`, `hour`) with a personal dimension (`age-band`, `province`) could
    /// show, at a step, one pledge alone in its hour.
    public static func publicCombinationError(_ dimensions: [CountDimension]) -> PledgeError? {
        let dimensions = Set(dimensions)
        guard !dimensions.isDisjoint(with: [.day, .hour]), !dimensions.isDisjoint(with: PublicCounts.personal) else {
            return nil
        }
        return PledgeError(
            .invalidRequest, field: "by",
            vi: "Số liệu công khai không chia nhóm tuổi hay tỉnh theo ngày hoặc giờ (có thể lộ từng người ký).",
            en: "Public counts do not cross age band or province with day or hour (that could single out a signer).")
    }
}

extension Breakdown {
    /// The breakdown fit for the public: the `withheld` pledges (each given by its values in
    /// ``dimensions``) taken out of their groups, groups below `k` merged as
    /// ``anonymized(minimumGroupSize:)`` does, then the withheld pledges added to the `other`
    /// bucket (made when missing). The total is unchanged and the buckets still add up to it.
    /// Without dimensions (the total alone) nothing is personal and the breakdown is unchanged.
    public func published(
        withholding withheld: [[String]], minimumGroupSize k: Int = Breakdown.defaultMinimumGroupSize
    ) -> Breakdown {
        guard !dimensions.isEmpty else {
            return Breakdown(dimensions: dimensions, total: total, buckets: buckets, minimumGroupSize: k)
        }
        var taken: [[String]: Int] = [:]
        for values in withheld { taken[values, default: 0] += 1 }
        let shown = buckets.map { Bucket(values: $0.values, count: $0.count - (taken[$0.values] ?? 0)) }
            .filter { $0.count > 0 }
        var result = Breakdown(dimensions: dimensions, total: total - withheld.count, buckets: shown)
            .anonymized(minimumGroupSize: k)
        result.total = total
        guard !withheld.isEmpty else { return result }
        let other = dimensions.map { _ in Self.other }
        if let index = result.buckets.firstIndex(where: { $0.values == other }) {
            result.buckets[index].count += withheld.count
        } else {
            result.buckets.append(Bucket(values: other, count: withheld.count))
        }
        return result
    }
}

extension PledgeCounts {
    /// The counts fit for the public: as ``Breakdown/published(withholding:minimumGroupSize:)``
    /// for each of the two breakdowns; `withheld` gives each withheld pledge's age band and
    /// province (`unknown` when it has none).
    public func published(
        withholding withheld: [(ageBand: String, province: String)],
        minimumGroupSize k: Int = Breakdown.defaultMinimumGroupSize
    ) -> PledgeCounts {
        func publish(_ groups: [String: Int], _ dimension: CountDimension, _ values: [String]) -> [String: Int] {
            let breakdown = Breakdown(
                dimensions: [dimension], total: total,
                buckets: groups.sorted { $0.key < $1.key }.map { Breakdown.Bucket(values: [$0.key], count: $0.value) }
            ).published(withholding: values.map { [$0] }, minimumGroupSize: k)
            return Dictionary(breakdown.buckets.map { ($0.values[0], $0.count) }, uniquingKeysWith: +)
        }
        return PledgeCounts(
            total: total, byAgeBand: publish(byAgeBand, .ageBand, withheld.map(\.ageBand)),
            byProvince: publish(byProvince, .province, withheld.map(\.province)))
    }
}
