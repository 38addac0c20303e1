/// FNV-1a, 64 bits: a fast, stable fingerprint for cache keys and ETags (not for security).
package enum Digest {
    package static func fnv1a(_ bytes: some Sequence<UInt8>, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        // Through a buffer pointer: this generic function is not specialized across modules, and
        // iterating `bytes` through its witnesses cost 12 % of the hub's CPU on first views (the
        // ETag of each new page, `perf`).
        if let hash = bytes.withContiguousStorageIfAvailable({ fnv1a(buffer: $0, seed: seed) }) { return hash }
        return Array(bytes).withUnsafeBufferPointer { fnv1a(buffer: $0, seed: seed) }
    }

    private static func fnv1a(buffer: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64 {
        var hash = seed
        for byte in buffer {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// 16 hex digits.
    package static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let value = String(fnv1a(bytes), radix: 16)
        return String(repeating: "0", count: 16 - value.count) + value
    }
}
