/// SplitMix64 (Steele, Lea and Flood, 2014): a small, fast generator whose output depends only
/// on the seed, unlike the system generator. Shared by the tests and by `kiosk-bench`, whose
/// data sets must be the same for a seed.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<bound (bound at most a few thousand: the modulo bias is negligible).
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    /// A number in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
