/// The order of a breakdown's buckets, the same at an event and at the hub: age bands youngest
/// first, provinces in the order of the 2025 resolution with "unknown" last, everything else
/// (event, kiosk, day, hour, channel) by text. Public breakdowns merge the smallest buckets first
/// and, between buckets of one size, the first in this order, so both services merge the same ones.
public struct BucketOrder: Sendable {
    public let dimensions: [CountDimension]
    private static let bandRank = Dictionary(
        uniqueKeysWithValues: AgeBand.allCases.enumerated().map { ($0.element.rawValue, $0.offset) })
    private static let provinceRank = Dictionary(
        uniqueKeysWithValues: Province.all.enumerated().map { ($0.element.name, $0.offset) })

    public init(dimensions: [CountDimension]) {
        self.dimensions = dimensions
    }

    /// Whether bucket `a` comes before bucket `b` (both with values in the order of ``dimensions``).
    public func precedes(_ a: Breakdown.Bucket, _ b: Breakdown.Bucket) -> Bool {
        for (index, dimension) in dimensions.enumerated() where a.values[index] != b.values[index] {
            let (x, y) = (a.values[index], b.values[index])
            switch dimension {
            case .ageBand: return (Self.bandRank[x] ?? 99) < (Self.bandRank[y] ?? 99)
            case .province: return (Self.provinceRank[x] ?? 99, x) < (Self.provinceRank[y] ?? 99, y)
            default: return x < y
            }
        }
        return false
    }
}

extension Breakdown {
    /// The breakdown as the HTTP answers (`?by=`, at an event and at the hub) give it: without
    /// dimensions, one bucket with no values holding the total (like SQL's `GROUP BY ()`), so the
    /// buckets still add up to the total; otherwise unchanged.
    public var answered: Breakdown {
        guard dimensions.isEmpty else { return self }
        var answer = self
        answer.buckets = [Bucket(values: [], count: total)]
        return answer
    }
}
