import CIsal

/// A fast, stable 64-bit fingerprint for cache keys and ETags (not for security): CRC-64 as
/// ECMA-182 defines it (reflected), by Intel ISA-L, which folds 16 bytes or more a step where the
/// processor has carry-less multiplication (a byte-at-a-time hash was 5 % of a first view at the
/// hub: BENCHMARKS.md, H2).
package enum Digest {
    package static func crc64(_ bytes: some Sequence<UInt8>) -> UInt64 {
        if let value = bytes.withContiguousStorageIfAvailable({ crc64(buffer: $0) }) { return value }
        return Array(bytes).withUnsafeBufferPointer { crc64(buffer: $0) }
    }

    private static func crc64(buffer: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let base = buffer.baseAddress else { return 0 }
        return crc64_ecma_refl(0, base, UInt64(buffer.count))
    }

    /// 16 hex digits.
    package static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let value = String(crc64(bytes), radix: 16)
        return String(repeating: "0", count: 16 - value.count) + value
    }
}
