import PledgeKit
import Testing

@Suite("Certificate codes and links")
struct CertificateCodeTests {
    @Test func randomCodesAreSixteenCrockfordCharacters() {
        var seen = Set<String>()
        for _ in 0..<2_000 {
            let code = CertificateCode.random()
            #expect(code.rawValue.count == 16)
            #expect(code.rawValue.allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) })
            seen.insert(code.rawValue)
        }
        #expect(seen.count == 2_000)
    }

    /// Every position of a code draws from the whole alphabet evenly (the positions are made
    /// from two 64-bit draws, 5 bits each): over 32,000 codes each character appears about 1,000
    /// times at each position; a bit that never varied would show as 0 or 2,000.
    @Test func everyPositionUsesTheWholeAlphabetEvenly() {
        var counts = Array(repeating: [UInt8: Int](), count: CertificateCode.length)
        for _ in 0..<32_000 {
            for (position, byte) in CertificateCode.random().rawValue.utf8.enumerated() {
                counts[position][byte, default: 0] += 1
            }
        }
        for position in counts {
            #expect(position.count == 32)
            #expect(position.values.allSatisfy { (800...1200).contains($0) })
        }
    }

    @Test func parsingForgivesCaseDashesAndLookAlikes() throws {
        let code = try #require(CertificateCode(parsing: "7KQ2MX4P9TZA01B1"))
        #expect(CertificateCode(parsing: "7kq2-mx4p-9tza-01b1") == code)
        #expect(CertificateCode(parsing: "7KQ2 MX4P 9TZA OIBL") == code)
        #expect(code.grouped == "7KQ2-MX4P-9TZA-01B1")
    }

    @Test(
        "Anything else is not a code",
        arguments: ["", "7KQ2", "7KQ2MX4P9TZA01B1X", "../../etc/passwd", "7KQ2MX4P9TZA01BU", "ẤKQ2MX4P9TZA01B1"])
    func refusesNonCodes(_ text: String) {
        #expect(CertificateCode(parsing: text) == nil)
    }

    @Test func linksAreCapitalsOnSchemeAndHost() throws {
        let links = try CertificateLinks(baseURL: "http://192.168.1.20:8080/")
        let code = try #require(CertificateCode(parsing: "7KQ2MX4P9TZA01B1"))
        #expect(links.certificateURL(for: code) == "HTTP://192.168.1.20:8080/C/7KQ2MX4P9TZA01B1")
        let withPath = try CertificateLinks(baseURL: "https://Example.vn/kiosk")
        #expect(withPath.certificateURL(for: code) == "HTTPS://EXAMPLE.VN/kiosk/C/7KQ2MX4P9TZA01B1")
        #expect(throws: PledgeError.self) { try CertificateLinks(baseURL: "ftp://x") }
        #expect(throws: PledgeError.self) { try CertificateLinks(baseURL: "http:///path") }
    }
}
