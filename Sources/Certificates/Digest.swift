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

    /// The CRC-64 of `parts` joined by `separator`, without joining them (ISA-L's CRC goes on
    /// from the value so far): the same value as ``crc64(_:)`` of the joined bytes.
    package static func crc64(_ parts: [String], separator: UInt8) -> UInt64 {
        var value: UInt64 = 0
        for (index, part) in parts.enumerated() {
            if index > 0 { value = withUnsafeBytes(of: separator) { crc64_ecma_refl(value, $0.baseAddress, 1) } }
            var part = part
            value = part.withUTF8 { bytes in
                guard let base = bytes.baseAddress else { return value }
                return crc64_ecma_refl(value, base, UInt64(bytes.count))
            }
        }
        return value
    }

    /// 16 hex digits.
    package static func hex(_ bytes: some Sequence<UInt8>) -> String {
        hex(crc64(bytes))
    }

    /// `value` as 16 hex digits.
    package static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
