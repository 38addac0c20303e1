/// The short, unguessable code of a certificate, in one of two forms, both in Crockford's base32
/// (digits and capitals without I, L, O, U):
/// - the first form, 16 characters: 80 random bits, nothing else (``random()``);
/// - the issued form, 27 characters, made by a ``CodeIssuer`` for an event linked to the national
///   hub: the event's 4-character tag, 16 random characters (80 secret bits), 6 characters of MAC
///   (the first 30 bits of HMAC-SHA256 under the event's code key, over the 20 before it) and a
///   check character (Luhn mod 32 over the 26 before it, so any one-character substitution is
///   caught). The hub tells a code issued by a provisioned event from a made-up one by its MAC
///   before its pledge arrives; the check character tells a typo from both (``reading(_:)``).
///
/// The alphabet is a subset of QR's alphanumeric mode (ISO/IEC 18004, 7.4.4), so a certificate
/// link written in capitals encodes at 5.5 bits a character instead of 8; 80 bits make a blind
/// guess succeed with odds of about 1 in 10^24 per try.
public struct CertificateCode: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 16 or 27 canonical characters.
    public let rawValue: String

    /// The length of the first form (random characters only).
    public static let length = 16
    /// The length of the issued form: tag, random characters, MAC, check character.
    public static let issuedLength = 27
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// A new code of the first form from the system's cryptographically secure generator
    /// (getrandom(2) on Linux).
    public static func random() -> CertificateCode {
        CertificateCode(uncheckedRawValue: String(decoding: randomCharacters(length), as: UTF8.self))
    }

    /// `count` characters of the alphabet, each uniform and independent, from the system's secure
    /// generator. One draw of 64 bits (one system call, where ``random(using:)`` makes one a
    /// character) gives 12 characters: each is 5 of its bits, so each is still uniform.
    static func randomCharacters(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var characters: [UInt8] = []
        characters.reserveCapacity(count)
        var bits: UInt64 = 0
        for index in 0..<count {
            if index % 12 == 0 { bits = generator.next() }
            characters.append(alphabet[Int(bits & 31)])
            bits >>= 5
        }
        return characters
    }

    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> CertificateCode {
        let bytes = (0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt8(32)))] }
        return CertificateCode(uncheckedRawValue: String(decoding: bytes, as: UTF8.self))
    }

    init(uncheckedRawValue: String) { self.rawValue = uncheckedRawValue }

    /// Reads a code as a person may type or a link may carry it: any case, with or without dashes
    /// and spaces, O read as 0 and I or L as 1 (Crockford's decoding rules). A code of 16
    /// characters is taken as it is; one of 27 only when its check character is right.
    /// Returns nil for anything else, without saying more (``reading(_:)`` says more).
    public init?(parsing text: String) {
        guard case .code(let code) = Self.reading(text) else { return nil }
        self = code
    }

    /// The canonical characters of `text` (dashes and spaces dropped, capitals, O as 0, I and L as
    /// 1), with how many of them are not in the alphabet; nil past `maximum` characters.
    static func canonical(_ text: String, maximum: Int) -> (characters: [UInt8], foreign: Int)? {
        var out: [UInt8] = []
        var foreign = 0
        for scalar in text.unicodeScalars {
            guard scalar.isASCII else {
                foreign += 1
                out.append(0)
                guard out.count <= maximum else { return nil }
                continue
            }
            let byte = UInt8(scalar.value)
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
            if !alphabet.contains(upper) { foreign += 1 }
            out.append(upper)
            guard out.count <= maximum else { return nil }
        }
        return (out, foreign)
    }

    /// Groups of four for reading aloud: `7KQ2-MX4P-9TZA-B3CD`, `TTTT-7KQ2-MX4P-9TZA-B3CD-MMMM-MMC`.
    public var grouped: String {
        // A code is ASCII (its alphabet): written byte by byte, as a first view at the hub makes
        // one per page (H2).
        let bytes = rawValue.utf8
        let count = bytes.count + max(0, (bytes.count - 1) / 4)
        return String(unsafeUninitializedCapacity: count) { out in
            var written = 0
            for (index, byte) in bytes.enumerated() {
                if index > 0, index % 4 == 0 {
                    out[written] = UInt8(ascii: "-")
                    written += 1
                }
                out[written] = byte
                written += 1
            }
            return written
        }
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
