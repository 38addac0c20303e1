/// The short, unguessable code of a certificate: 80 random bits written as 16 characters of
/// Crockford's base32 (digits and capitals without I, L, O, U).
///
/// The alphabet is a subset of QR's alphanumeric mode (ISO/IEC 18004, 7.4.4), so a certificate
/// link written in capitals encodes at 5.5 bits a character instead of 8; 80 bits make a blind
/// guess succeed with odds of about 1 in 10^24 per try.
public struct CertificateCode: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 16 canonical characters.
    public let rawValue: String

    public static let length = 16
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// A new code from the system's cryptographically secure generator (getrandom(2) on Linux).
    ///
    /// Two draws of 64 bits (two system calls, where ``random(using:)`` makes one a character)
    /// give the 80 bits: each character is 5 of them, so each is still uniform over the alphabet.
    public static func random() -> CertificateCode {
        var generator = SystemRandomNumberGenerator()
        let first: UInt64 = generator.next()  // characters 0–11: 60 of its bits
        let second: UInt64 = generator.next()  // characters 12–15: 20 of its bits
        let bytes = (0..<length).map { (index: Int) -> UInt8 in
            let bits: UInt64 = index < 12 ? first >> UInt64(5 * index) : second >> UInt64(5 * (index - 12))
            return alphabet[Int(bits & 31)]
        }
        return CertificateCode(uncheckedRawValue: String(decoding: bytes, as: UTF8.self))
    }

    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> CertificateCode {
        let bytes = (0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt8(32)))] }
        return CertificateCode(uncheckedRawValue: String(decoding: bytes, as: UTF8.self))
    }

    init(uncheckedRawValue: String) { self.rawValue = uncheckedRawValue }

    /// Reads a code as a person may type or a link may carry it: any case, with or without dashes
    /// and spaces, O read as 0 and I or L as 1 (Crockford's decoding rules).
    /// Returns nil for anything else, without saying more.
    public init?(parsing text: String) {
        var out: [UInt8] = []
        out.reserveCapacity(Self.length)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-"), UInt8(ascii: " "): continue
            default: break
            }
            var upper = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) ? byte - 32 : byte
            switch upper {
            case UInt8(ascii: "O"): upper = UInt8(ascii: "0")
            case UInt8(ascii: "I"), UInt8(ascii: "L"): upper = UInt8(ascii: "1")
            default: break
            }
            guard Self.alphabet.contains(upper), out.count < Self.length else { return nil }
            out.append(upper)
        }
        guard out.count == Self.length else { return nil }
        self.rawValue = String(decoding: out, as: UTF8.self)
    }

    /// Groups of four for reading aloud: `7KQ2-MX4P-9TZA-B3CD`.
    public var grouped: String {
        var groups: [Substring] = []
        var rest = rawValue[...]
        while !rest.isEmpty {
            groups.append(rest.prefix(4))
            rest = rest.dropFirst(4)
        }
        return groups.joined(separator: "-")
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let code = CertificateCode(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a certificate code"))
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
