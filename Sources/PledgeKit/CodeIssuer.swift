import Crypto
import Foundation

/// Makes and recognizes the issued form of ``CertificateCode`` for one event: its 4-character tag
/// and its code key (``SyncToken/codeKey``, which the hub keeps for the event too).
///
/// A code is `tag` + 16 random characters (80 secret bits) + 6 characters of MAC (the first 30
/// bits of HMAC-SHA256(key, tag + random), big-endian, 5 bits a character) + a check character
/// (Luhn mod 32, ``CertificateCode/checkCharacter(of:)``). The MAC lets the hub say that a code of
/// a provisioned event is genuine before its pledge arrives, and refuse a made-up code of the right
/// shape (a blind forgery passes with odds of 1 in 2^30); the random part keeps codes unguessable.
public struct CodeIssuer: Sendable, Hashable {
    /// The event's code tag: 4 characters of the alphabet.
    public let tag: String
    let key: [UInt8]

    /// - Parameters:
    ///   - tag: 4 characters of Crockford's base32 alphabet, as ``CertificateCode/randomTag()``
    ///     makes them (a programming error otherwise: ``SyncToken`` checks the tag it reads).
    ///   - key: the code key, 32 bytes (``SyncToken/codeKey``).
    public init(tag: String, key: [UInt8]) {
        precondition(CertificateCode.isTag(tag), "a code tag is 4 characters of Crockford's base32")
        self.tag = tag
        self.key = key
    }

    /// The issuer of the event whose sync token this is.
    public init(_ token: SyncToken) {
        self.init(tag: token.codeTag, key: token.codeKey)
    }

    /// A new code of the issued form (27 characters), from the system's secure generator.
    public func newCode() -> CertificateCode {
        var characters = Array(tag.utf8)
        characters += CertificateCode.randomCharacters(16)
        characters += mac(characters)
        characters.append(CertificateCode.checkCharacter(of: characters))
        return CertificateCode(uncheckedRawValue: String(decoding: characters, as: UTF8.self))
    }

    /// Whether `code` is of the issued form, carries this event's tag and its MAC matches: the
    /// code was made by this issuer (or by someone holding its key). False for the first form.
    public func issued(_ code: CertificateCode) -> Bool {
        let characters = Array(code.rawValue.utf8)
        guard characters.count == CertificateCode.issuedLength, code.codeTag == tag else { return false }
        let expected = mac(characters[0..<20])
        // Compared in constant time: how long a refusal takes says nothing of where it differs.
        var difference: UInt8 = 0
        for (given, wanted) in zip(characters[20..<26], expected) { difference |= given ^ wanted }
        return difference == 0
    }

    /// The 6 MAC characters of the 20 characters of tag and random part.
    func mac(_ characters: some Collection<UInt8>) -> [UInt8] {
        Self.macCharacters(of: Array(characters), key: SymmetricKey(data: key))
    }

    /// The first 30 bits of HMAC-SHA256(`key`, `message`), big-endian, as 6 characters of the
    /// alphabet (5 bits each): the MAC of issued codes, and of presence codes (``PresenceCodes``).
    static func macCharacters(of message: [UInt8], key: SymmetricKey) -> [UInt8] {
        let bytes = Array(HMAC<SHA256>.authenticationCode(for: message, using: key).prefix(4))
        let first32 = UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
        let first30 = first32 >> 2
        return (0..<6).map { index in CertificateCode.alphabet[Int((first30 >> UInt32(25 - 5 * index)) & 31)] }
    }
}

/// On the wire (`GET /api/kiosk-config` and a heartbeat's answer, for a front that issues codes
/// offline): `{"tag": "<4 characters>", "key": "<43 characters of base64url>"}`.
extension CodeIssuer: Codable {
    enum CodingKeys: String, CodingKey { case tag, key }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let tag = try container.decode(String.self, forKey: .tag)
        guard CertificateCode.isTag(tag) else {
            throw DecodingError.dataCorruptedError(forKey: .tag, in: container, debugDescription: "not a code tag")
        }
        guard let key = SyncToken.base64URLDecoded(try container.decode(String.self, forKey: .key)), key.count == 32
        else {
            throw DecodingError.dataCorruptedError(forKey: .key, in: container, debugDescription: "not a code key")
        }
        self.init(tag: tag, key: key)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tag, forKey: .tag)
        try container.encode(SyncToken.base64URLEncoded(key), forKey: .key)
    }
}

/// What a typed code is (``CertificateCode/reading(_:)``).
public enum CodeReading: Hashable, Sendable {
    /// A code of either form (a 27-character one with its check character right).
    case code(CertificateCode)
    /// Almost a code of the issued form: 27 characters whose check character fails, or one that is
    /// not in the alphabet, or one character too few or too many. Most likely mistyped.
    case probableTypo
    /// Anything else.
    case notACode
}

extension CertificateCode {
    /// The event tag of a code of the issued form (its first 4 characters); nil for the first form.
    public var codeTag: String? {
        rawValue.utf8.count == Self.issuedLength ? String(rawValue.prefix(4)) : nil
    }

    /// A new event code tag: 4 characters of the alphabet (20 bits), from the system's secure generator.
    public static func randomTag() -> String {
        String(decoding: randomCharacters(4), as: UTF8.self)
    }

    /// Whether `text` is a code tag: exactly 4 canonical characters of the alphabet.
    public static func isTag(_ text: String) -> Bool {
        text.utf8.count == 4 && text.utf8.allSatisfy { alphabet.contains($0) }
    }

    /// Reads a code as a person typed it (the rules of ``init(parsing:)``) and says what it is: a
    /// code of either form, a probable typo of the issued form (its check character fails, a
    /// character is not in the alphabet, or it has 26 or 28 characters), or not a code at all.
    public static func reading(_ typed: String) -> CodeReading {
        guard let read = canonical(typed, maximum: issuedLength + 1) else { return .notACode }
        let (characters, foreign) = read
        switch characters.count {
        case length where foreign == 0:
            return .code(CertificateCode(uncheckedRawValue: String(decoding: characters, as: UTF8.self)))
        case issuedLength where foreign == 0:
            guard checkCharacter(of: characters[0..<issuedLength - 1]) == characters[issuedLength - 1] else {
                return .probableTypo
            }
            return .code(CertificateCode(uncheckedRawValue: String(decoding: characters, as: UTF8.self)))
        case issuedLength - 1...issuedLength + 1 where foreign <= 1:
            return .probableTypo
        default:
            return .notACode
        }
    }

    /// The check character of `characters` (alphabet characters): Luhn mod N with N = 32 (the
    /// Luhn algorithm over the alphabet's values, doubling every second one from the right, a
    /// doubled value folded as its base-32 digits). Doubling permutes the values 0–31, so any one
    /// substituted character changes the sum mod 32 and is caught; most swaps of two neighbours too.
    static func checkCharacter(of characters: some BidirectionalCollection<UInt8>) -> UInt8 {
        var sum = 0
        var double = true
        for character in characters.reversed() {
            let value = alphabetValue[Int(character)]
            var addend = double ? 2 * value : value
            addend = addend / 32 + addend % 32
            sum += addend
            double.toggle()
        }
        return alphabet[(32 - sum % 32) % 32]
    }

    /// The value (0–31) of each alphabet character, by its byte.
    static let alphabetValue: [Int] = {
        var values = Array(repeating: 0, count: 256)
        for (value, character) in alphabet.enumerated() { values[Int(character)] = value }
        return values
    }()
}
