import Foundation
import PledgeKit

/// A JSON request body the service reads: its members are known, so any other is refused.
public protocol StrictlyDecodable: Decodable {
    /// Every member name the type reads.
    static var members: Set<String> { get }
}

extension PledgeError.Code {
    /// A request body that is not JSON text as RFC 8259 defines it (answered with 400).
    public static let malformedJSON = PledgeError.Code(rawValue: "malformed-json")
}

/// The one way a JSON body is read (request bodies by the service, a front's outbox rows): ``check(_:)`` holds the bytes to the
/// grammar of RFC 8259 and refuses what Foundation's `JSONDecoder` lets through (a trailing
/// comma, a leading zero, a byte order mark, a repeated member, which the decoder would resolve
/// to its first value while other parsers on the path take the last), then `JSONDecoder` maps
/// the checked text to the type. Both run on every body: the check is one pass over a few
/// hundred bytes, and no second reader of the body's shape exists to be kept equal to the first.
public enum StrictJSON {
    /// Nesting deeper than this is refused (RFC 8259, 9, allows a limit); bodies are flat.
    public static let maximumDepth = 32

    /// Where the text stops being RFC 8259 JSON, and why.
    public struct Failure: Error, Equatable, Sendable {
        public enum Reason: Equatable, Sendable {
            case empty, byteOrderMark, unexpectedByte, trailingComma, leadingZero, invalidNumber, controlCharacter
            case invalidEscape, loneSurrogate, invalidUTF8, unterminated, tooDeep, textAfterValue
            /// The member's name as ``StrictJSON/shown(_:)`` gives it.
            case duplicateMember(String)
        }
        public var reason: Reason
        /// The offset of the byte at fault, from 0.
        public var offset: Int
    }

    /// Decodes `T` from `data` after ``check(_:)``, refusing members `T` does not read.
    /// - Parameter what: the body's name in both languages, for messages ("lời cam kết", "a pledge").
    /// - Throws: ``PledgeError``: `malformed-json` when the text is not RFC 8259 JSON;
    ///   `invalid-request` naming the member that is unknown or of the wrong type (no member for
    ///   a value that is not an object).
    public static func decode<T: StrictlyDecodable>(_ type: T.Type, from data: Data, what: Localized<String>)
        throws(PledgeError) -> T
    {
        let checked = data.withUnsafeBytes { bytes in Result { () throws(Failure) in try check(bytes) } }
        let topMembers: [String]
        switch checked {
        case .success(let names): topMembers = names
        case .failure(let failure): throw malformed(failure)
        }
        if let unknown = topMembers.first(where: { !T.members.contains($0) }) {
            let name = shown(unknown)
            let known = T.members.sorted().joined(separator: ", ")
            throw PledgeError(
                .invalidRequest, field: name,
                vi: "Trường “\(name)” không thuộc mẫu của \(what.vi). Các trường: \(known).",
                en: "“\(name)” is not a member of \(what.en). The members are: \(known).")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            var field: String?
            switch error as? DecodingError {
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                field = context.codingPath.first?.stringValue
            case .keyNotFound(let key, _): field = key.stringValue
            default: break
            }
            let which = field.map { " (\($0))" } ?? ""
            throw PledgeError(
                .invalidRequest, field: field,
                vi: "Nội dung yêu cầu không đúng mẫu của \(what.vi)\(which).",
                en: "The request body does not have the shape of \(what.en)\(which).")
        }
    }

    private static func malformed(_ failure: Failure) -> PledgeError {
        let reason = failure.reason.text
        return PledgeError(
            .malformedJSON,
            vi: "Nội dung yêu cầu không phải JSON hợp lệ (RFC 8259): \(reason.vi), ở byte \(failure.offset).",
            en: "The request body is not valid JSON (RFC 8259): \(reason.en), at byte \(failure.offset).")
    }

    /// A member name as messages echo it: printable ASCII, anything else as `?` (no control or
    /// bidi character from a request reaches a message), at most 40 characters.
    static func shown(_ name: String) -> String {
        let printable = String(
            name.unicodeScalars.prefix(40).map { (0x20...0x7E).contains($0.value) ? Character($0) : "?" })
        return name.unicodeScalars.count > 40 ? printable + "…" : printable
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        // RFC 8259, 2: space, horizontal tab, line feed, carriage return.
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Checks that `bytes` are one JSON text (RFC 8259) in UTF-8 without a byte order mark, with
    /// no member repeated in any object (names compared after unescaping, as Swift compares
    /// strings, so canonically equivalent names count as one) and at most ``maximumDepth`` levels.
    /// - Returns: the member names of the top-level object in order (none for another value).
    /// - Throws: ``Failure`` at the first byte that breaks a rule.
    public static func check(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> [String] {
        var reader = Reader(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { throw Failure(reason: .byteOrderMark, offset: 0) }
        reader.skipSpace()
        guard reader.at < bytes.count else { throw Failure(reason: .empty, offset: reader.at) }
        var top: [String] = []
        try reader.value(depth: 1, members: &top)
        reader.skipSpace()
        guard reader.at == bytes.count else { throw Failure(reason: .textAfterValue, offset: reader.at) }
        return top
    }

}

extension StrictJSON.Failure.Reason {
    /// What is wrong, in both languages, for the problem detail.
    public var text: Localized<String> {
        switch self {
        case .empty: Localized(vi: "nội dung trống", en: "the body is empty")
        case .byteOrderMark:
            Localized(vi: "có dấu thứ tự byte (BOM) ở đầu", en: "it begins with a byte order mark (BOM)")
        case .unexpectedByte: Localized(vi: "có ký tự không mong đợi", en: "an unexpected character")
        case .trailingComma: Localized(vi: "có dấu phẩy thừa ở cuối", en: "a trailing comma")
        case .duplicateMember(let name):
            Localized(vi: "trường “\(name)” xuất hiện hai lần", en: "the member “\(name)” appears twice")
        case .leadingZero: Localized(vi: "số có chữ số 0 ở đầu", en: "a number with a leading zero")
        case .invalidNumber: Localized(vi: "số không hợp lệ", en: "an invalid number")
        case .controlCharacter:
            Localized(vi: "ký tự điều khiển chưa thoát trong chuỗi", en: "an unescaped control character in a string")
        case .invalidEscape: Localized(vi: "chuỗi thoát không hợp lệ", en: "an invalid escape")
        case .loneSurrogate:
            Localized(vi: "nửa cặp thay thế UTF-16 đứng một mình", en: "a lone UTF-16 surrogate escape")
        case .invalidUTF8: Localized(vi: "không phải UTF-8 hợp lệ", en: "invalid UTF-8")
        case .unterminated: Localized(vi: "nội dung bị cắt ngang", en: "the text ends too soon")
        case .tooDeep:
            Localized(
                vi: "lồng nhau sâu hơn \(StrictJSON.maximumDepth) cấp",
                en: "nesting deeper than \(StrictJSON.maximumDepth) levels")
        case .textAfterValue: Localized(vi: "còn nội dung sau giá trị JSON", en: "text after the JSON value")
        }
    }
}
