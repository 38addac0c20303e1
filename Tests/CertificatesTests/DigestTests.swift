import Testing

@testable import Certificates

/// CRC-64/XZ (ECMA-182 polynomial, reflected, as ISA-L's `crc64_ecma_refl` computes it) as
/// published, whatever the shape of the bytes: a contiguous array, a string's UTF-8, a lazy
/// sequence, a slice.
@Suite struct DigestTests {
    @Test func knownValues() {
        // The catalogue's check value of CRC-64/XZ ("123456789").
        #expect(Digest.crc64(Array("123456789".utf8)) == 0x995d_c9bb_df19_39fa)
        #expect(Digest.crc64([UInt8]()) == 0)
        #expect(Digest.hex("123456789".utf8) == "995dc9bbdf1939fa")
        #expect(Digest.hex([UInt8]()) == "0000000000000000")
    }

    @Test func everyShapeOfTheSameBytesHashesAlike() {
        let text = "Giấy chứng nhận · Không một mình " + String(repeating: "x", count: 1000)
        let bytes = Array(text.utf8)
        #expect(Digest.crc64(text.utf8) == Digest.crc64(bytes))
        #expect(Digest.crc64(bytes.lazy.map { $0 }) == Digest.crc64(bytes))
        #expect(Digest.crc64(bytes[3...]) == Digest.crc64(Array(bytes[3...])))
        #expect(Digest.crc64(bytes) != Digest.crc64(bytes.dropLast()))
    }

    @Test("Parts with a separator hash as their joined bytes, empty parts and non-ASCII included")
    func partsHashAsTheirJoin() {
        for parts in [
            ["123", "456789"], ["Nguyễn Thị Ánh", "", "Huế", String(repeating: "ữ", count: 300)], [""], ["a"],
            [String](),
        ] {
            let joined = parts.joined(separator: "\u{1F}")
            #expect(Digest.crc64(parts, separator: 0x1F) == Digest.crc64(joined.utf8), "\(parts)")
        }
    }
}
