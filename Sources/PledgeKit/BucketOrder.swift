/// The order of a breakdown's buckets: age bands youngest first, provinces in the order of the
/// 2025 resolution with "unknown" last, everything else (event, kiosk, day, hour) by text. One
/// order for every store (the event's SQLite, the hub's PostgreSQL), so a breakdown reads the same
/// wherever it is answered.
public struct BucketOrder: Sendable {
    public let dimensions: [CountDimension]

    public init(dimensions: [CountDimension]) {
        self.dimensions = dimensions
    }
    private static let bandRank = Dictionary(
        uniqueKeysWithValues: AgeBand.allCases.enumerated().map { ($0.element.rawValue, $0.offset) })
    private static let provinceRank = Dictionary(
        uniqueKeysWithValues: Province.all.enumerated().map { ($0.element.name, $0.offset) })

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
