import Testing

@testable import Certificates

/// FNV-1a 64 as published (the ETags and cache keys stay what they were), whatever the shape of
/// the bytes: a contiguous array, a string's UTF-8, a lazy sequence.
@Suite struct DigestTests {
    @Test func knownValues() {
        #expect(Digest.fnv1a([UInt8]()) == 0xcbf2_9ce4_8422_2325)
        #expect(Digest.fnv1a(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
        #expect(Digest.hex("foobar".utf8) == "85944171f73967e8")
    }

    @Test func everyShapeOfTheSameBytesHashesAlike() {
        let text = "Giấy chứng nhận · Không một mình " + String(repeating: "x", count: 1000)
        let bytes = Array(text.utf8)
        #expect(Digest.fnv1a(text.utf8) == Digest.fnv1a(bytes))
        #expect(Digest.fnv1a(bytes.lazy.map { $0 }) == Digest.fnv1a(bytes))
        #expect(Digest.fnv1a(bytes[3...], seed: 7) == Digest.fnv1a(Array(bytes[3...]), seed: 7))
    }
}
