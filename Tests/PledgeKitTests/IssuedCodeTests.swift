import Foundation
import KioskTestSupport
import PledgeKit
import Testing

/// The issued form of certificate codes (27 characters: tag, 80 random bits, MAC, check character)
/// and the sync token they are derived from.
@Suite("Issued certificate codes and sync tokens")
struct IssuedCodeTests {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    static let token = SyncToken.random(tag: "K7M2")
    static let issuer = CodeIssuer(token)

    @Test func anIssuedCodeIsTagRandomMACAndCheck() throws {
        let code = Self.issuer.newCode()
        #expect(code.rawValue.count == CertificateCode.issuedLength)
        #expect(code.rawValue.allSatisfy { Self.alphabet.contains($0) })
        #expect(code.codeTag == "K7M2")
        #expect(code.rawValue.hasPrefix("K7M2"))
        #expect(Self.issuer.issued(code))
        // Read back as typed: lower case, in groups, look-alikes.
        #expect(CertificateCode(parsing: code.grouped.lowercased()) == code)
        #expect(CertificateCode.reading(code.grouped) == .code(code))
        #expect(code.grouped.split(separator: "-").map(\.count) == [4, 4, 4, 4, 4, 4, 3])
    }

    @Test func codesOfTheFirstFormStayValidAndHaveNoTag() throws {
        let old = try #require(CertificateCode(parsing: "7kq2-mx4p-9tza-oibl"))
        #expect(old.rawValue == "7KQ2MX4P9TZA01B1")
        #expect(old.codeTag == nil)
        #expect(CertificateCode.reading("7KQ2-MX4P-9TZA-01B1") == .code(old))
        // Not issued by anyone: a first-form code has no MAC.
        #expect(!Self.issuer.issued(old))
        #expect(CertificateCode.random().codeTag == nil)
    }

    /// Every substitution of one character by another of the alphabet, at each of the 27
    /// positions of 200 codes (26,784 typos), fails the check character: never read as a code,
    /// always as a probable typo.
    @Test func everyOneCharacterSubstitutionIsCaughtAsATypo() {
        var typos = 0
        for _ in 0..<200 {
            let code = Array(Self.issuer.newCode().rawValue)
            for position in code.indices {
                for replacement in Self.alphabet where replacement != code[position] {
                    var typed = code
                    typed[position] = replacement
                    let text = String(typed)
                    #expect(CertificateCode.reading(text) == .probableTypo, "\(text)")
                    #expect(CertificateCode(parsing: text) == nil)
                    typos += 1
                }
            }
        }
        #expect(typos == 200 * 27 * 31)
    }

    @Test func aLetterOutsideTheAlphabetOrOneTooFewOrTooManyIsAProbableTypo() {
        let code = Self.issuer.newCode().rawValue
        #expect(CertificateCode.reading(String(code.dropLast())) == .probableTypo)
        #expect(CertificateCode.reading(String(code.dropFirst(5))) == .notACode)
        #expect(CertificateCode.reading(code + "7") == .probableTypo)
        #expect(CertificateCode.reading("U" + code.dropFirst()) == .probableTypo)
        #expect(CertificateCode.reading("") == .notACode)
        #expect(CertificateCode.reading("../../etc/passwd") == .notACode)
        #expect(CertificateCode.reading(String(repeating: "*", count: 27)) == .notACode)
    }

    @Test func aMadeUpCodeOfTheRightShapeIsNotIssued() {
        var refused = 0
        for _ in 0..<2_000 {
            let genuine = Array(Self.issuer.newCode().rawValue)
            // Another random part with the genuine MAC, and a right check character: well formed,
            // but the MAC does not match.
            var forged = Array("K7M2") + Array(CertificateCode.random().rawValue) + genuine[20..<26]
            forged.append(Self.checkCharacter(forged))
            let code = CertificateCode(parsing: String(forged))
            #expect(code?.codeTag == "K7M2")
            if let code, !Self.issuer.issued(code) { refused += 1 }
        }
        #expect(refused == 2_000)
        // A genuine code of another event (another key, same tag) is not this event's either.
        let other = CodeIssuer(tag: "K7M2", key: Array(repeating: 7, count: 32))
        #expect(!Self.issuer.issued(other.newCode()))
        // Nor one of this key under another tag.
        let retagged = CodeIssuer(tag: "AAAA", key: Self.token.codeKey)
        #expect(!Self.issuer.issued(retagged.newCode()))
    }

    /// The 16 random characters of issued codes are uniform: a chi-square test of each
    /// position's 32 counts over 16,000 codes (31 degrees of freedom; 61.1 is the 0.1 % critical
    /// value, so a sound generator fails one position in a thousand; all 16 together in about 1.6 %).
    @Test func theRandomPartIsUniform() {
        let codes = 16_000
        var counts = Array(repeating: Array(repeating: 0, count: 256), count: 16)
        for _ in 0..<codes {
            for (position, byte) in Self.issuer.newCode().rawValue.utf8.dropFirst(4).prefix(16).enumerated() {
                counts[position][Int(byte)] += 1
            }
        }
        let expected = Double(codes) / 32
        var failing: [Int] = []
        for (position, row) in counts.enumerated() {
            let chiSquare = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8).reduce(0.0) { sum, byte in
                let difference = Double(row[Int(byte)]) - expected
                return sum + difference * difference / expected
            }
            if chiSquare > 61.1 { failing.append(position) }
            // A character never drawn would be far past this.
            #expect(chiSquare < 90, "position \(position): chi-square \(chiSquare)")
        }
        #expect(failing.count <= 1, "positions failing at 0.1 %: \(failing)")
        // No two of 16,000 codes alike (a collision of 80 bits is as unlikely as a guess).
        let distinct = Set((0..<codes).map { _ in Self.issuer.newCode() })
        #expect(distinct.count == codes)
    }

    @Test func tagsAreFourCharactersOfTheAlphabet() {
        for _ in 0..<500 {
            let tag = CertificateCode.randomTag()
            #expect(tag.count == 4 && CertificateCode.isTag(tag))
        }
        #expect(!CertificateCode.isTag("K7M"))
        #expect(!CertificateCode.isTag("k7m2"))
        #expect(!CertificateCode.isTag("K7MU"))
    }

    @Test func aTokenReadsBackAndDerivesTheSameKey() throws {
        let token = SyncToken.random(tag: "Q9ZX")
        #expect(token.text.hasPrefix("kmm1.Q9ZX."))
        #expect(token.text.count == 5 + 5 + 43)
        let read = try SyncToken(parsing: " \(token.text)\n")
        #expect(read == token)
        #expect(read.codeKey == token.codeKey && read.codeKey.count == 32)
        #expect(read.codeTag == "Q9ZX")
        #expect(token.storageHash.count == 64 && token.storageHash.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(token.storageHash != SyncToken.random(tag: "Q9ZX").storageHash)
        // The secret never shows in a description.
        #expect(!"\(token)".contains(token.text.split(separator: ".")[2]))
        // Codes of one token are recognized by the issuer of the same token read back.
        #expect(CodeIssuer(read).issued(CodeIssuer(token).newCode()))
    }

    /// The derivation is pinned: the hub and the event must agree on it across versions.
    @Test func theDerivationIsTheContracts() throws {
        let token = try SyncToken(parsing: "kmm1.K7M2.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")
        // HMAC-SHA256(key: bytes 0...31, message: "khong-mot-minh certificate codes v1"), and
        // SHA-256 of the token's text, as `openssl` computes them.
        #expect(Self.hex(token.codeKey) == (try Self.openssl(token)))
        #expect(token.storageHash == (try Self.sha256(token.text)))
        // A code with random part 0123456789ABCDEF under this token: its MAC and check character
        // as an independent implementation (Python's hmac, Luhn mod 32) computes them.
        let known = try #require(CertificateCode(parsing: "K7M2-0123-4567-89AB-CDEF-AGMR-X3W"))
        #expect(CodeIssuer(token).issued(known))
        #expect(CertificateCode.reading("K7M2-0123-4567-89AB-CDEF-AGMR-X3X") == .probableTypo)
    }

    @Test(
        "Anything else is not a token",
        arguments: [
            "", "kmm1", "kmm1.K7M2", "kmm2.K7M2.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
            "kmm1.K7MU.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
            "kmm1.k7m2.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
            "kmm1.K7M2.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh",
            "kmm1.K7M2.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            "kmm1.K7M2.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9",
            "kmm1.K7M2.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+",
            "kmm1.K7M2.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8.x",
        ])
    func refusesNonTokens(_ text: String) {
        #expect(throws: PledgeError(.invalidSyncToken, vi: "", en: "")) { try SyncToken(parsing: text) }
    }

    @Test func anIssuerGoesOverTheWireAsTagAndKey() throws {
        let data = try JSONEncoder().encode(Self.issuer)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
        #expect(object["tag"] == "K7M2")
        #expect(object["key"]?.count == 43)
        let back = try JSONDecoder().decode(CodeIssuer.self, from: data)
        #expect(back == Self.issuer)
        #expect(back.issued(Self.issuer.newCode()))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(CodeIssuer.self, from: Data(#"{"tag":"K7MU","key":"AAAA"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(CodeIssuer.self, from: Data(#"{"tag":"K7M2","key":"AAAA"}"#.utf8))
        }
    }

    /// Luhn mod 32 written out again, independently of the module's, for making forged codes.
    static func checkCharacter(_ characters: [Character]) -> Character {
        var sum = 0
        for (offset, character) in characters.reversed().enumerated() {
            let value = alphabet.firstIndex(of: character)!
            let addend = offset % 2 == 0 ? 2 * value : value
            sum += addend / 32 + addend % 32
        }
        return alphabet[(32 - sum % 32) % 32]
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// `openssl dgst -sha256 -mac HMAC -macopt hexkey:<secret>` of the label.
    static func openssl(_ token: SyncToken) throws -> String {
        let secretHex = hex(Array(0...31))
        #expect(token.text.hasSuffix("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"))
        return try run(
            ["openssl", "dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:\(secretHex)"],
            input: SyncToken.codeKeyLabel)
    }

    static func sha256(_ text: String) throws -> String {
        try run(["openssl", "dgst", "-sha256"], input: text)
    }

    /// The last word of a command's output (openssl prints `SHA2-256(stdin)= <hex>`).
    static func run(_ arguments: [String], input: String) throws -> String {
        let result = try ProcessRunner.run(arguments[0], Array(arguments.dropFirst()), input: Data(input.utf8))
        let text = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return String(text.split(separator: " ").last ?? "")
    }
}
