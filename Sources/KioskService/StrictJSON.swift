import Foundation
import PledgeKit

/// A JSON request body the service reads: its members are known, so any other is refused.
protocol StrictlyDecodable: Decodable {
    /// Every member name the type reads.
    static var members: Set<String> { get }
}

extension PledgeError.Code {
    /// A request body that is not JSON text as RFC 8259 defines it (answered with 400).
    static let malformedJSON = PledgeError.Code(rawValue: "malformed-json")
}

/// The one way the service reads a JSON request body: ``check(_:)`` holds the bytes to the
/// grammar of RFC 8259 and refuses what Foundation's `JSONDecoder` lets through (a trailing
/// comma, a leading zero, a byte order mark, a repeated member, which the decoder would resolve
/// to its first value while other parsers on the path take the last), then `JSONDecoder` maps
/// the checked text to the type. Both run on every body: the check is one pass over a few
/// hundred bytes, and no second reader of the body's shape exists to be kept equal to the first.
enum StrictJSON {
    /// Nesting deeper than this is refused (RFC 8259, 9, allows a limit); bodies are flat.
    static let maximumDepth = 32

    /// Where the text stops being RFC 8259 JSON, and why.
    struct Failure: Error, Equatable {
        enum Reason: Equatable {
            case empty, byteOrderMark, unexpectedByte, trailingComma, leadingZero, invalidNumber, controlCharacter
            case invalidEscape, loneSurrogate, invalidUTF8, unterminated, tooDeep, textAfterValue
            /// The member's name as ``StrictJSON/shown(_:)`` gives it.
            case duplicateMember(String)
        }
        var reason: Reason
        /// The offset of the byte at fault, from 0.
        var offset: Int
    }

    /// Decodes `T` from `data` after ``check(_:)``, refusing members `T` does not read.
    /// - Parameter what: the body's name in both languages, for messages ("lời cam kết", "a pledge").
    /// - Throws: ``PledgeError``: `malformed-json` when the text is not RFC 8259 JSON;
    ///   `invalid-request` naming the member that is unknown or of the wrong type (no member for
    ///   a value that is not an object).
    static func decode<T: StrictlyDecodable>(_ type: T.Type, from data: Data, what: Localized<String>)
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
    static func check(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> [String] {
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

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var at = 0

        var next: UInt8? { at < bytes.count ? bytes[at] : nil }

        func fail(_ reason: Failure.Reason) -> Failure { Failure(reason: reason, offset: at) }

        mutating func skipSpace() {
            while let byte = next, StrictJSON.isSpace(byte) { at += 1 }
        }

        /// One value; an object's member names go to `members` (only the caller's own object's).
        mutating func value(depth: Int, members: inout [String]) throws(Failure) {
            guard depth <= StrictJSON.maximumDepth else { throw fail(.tooDeep) }
            guard let byte = next else { throw fail(.unterminated) }
            switch byte {
            case UInt8(ascii: "{"): try object(depth: depth, members: &members)
            case UInt8(ascii: "["): try array(depth: depth)
            case UInt8(ascii: "\""): _ = try string(keeping: false)
            case UInt8(ascii: "t"): try word("true")
            case UInt8(ascii: "f"): try word("false")
            case UInt8(ascii: "n"): try word("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            default: throw fail(.unexpectedByte)
            }
        }

        mutating func object(depth: Int, members: inout [String]) throws(Failure) {
            at += 1
            var names: Set<String> = []
            skipSpace()
            if next == UInt8(ascii: "}") {
                at += 1
                return
            }
            while true {
                guard next == UInt8(ascii: "\"") else {
                    throw fail(
                        next == nil
                            ? .unterminated
                            : next == UInt8(ascii: "}") && !names.isEmpty ? .trailingComma : .unexpectedByte)
                }
                let start = at
                let name = try string(keeping: true)
                guard names.insert(name).inserted else {
                    throw Failure(reason: .duplicateMember(StrictJSON.shown(name)), offset: start)
                }
                members.append(name)
                skipSpace()
                guard next == UInt8(ascii: ":") else { throw fail(next == nil ? .unterminated : .unexpectedByte) }
                at += 1
                skipSpace()
                var inner: [String] = []
                try value(depth: depth + 1, members: &inner)
                skipSpace()
                guard let byte = next else { throw fail(.unterminated) }
                switch byte {
                case UInt8(ascii: ","):
                    at += 1
                    skipSpace()
                case UInt8(ascii: "}"):
                    at += 1
                    return
                default: throw fail(.unexpectedByte)
                }
            }
        }

        mutating func array(depth: Int) throws(Failure) {
            at += 1
            skipSpace()
            if next == UInt8(ascii: "]") {
                at += 1
                return
            }
            var count = 0
            while true {
                if next == UInt8(ascii: "]") && count > 0 { throw fail(.trailingComma) }
                var inner: [String] = []
                try value(depth: depth + 1, members: &inner)
                count += 1
                skipSpace()
                guard let byte = next else { throw fail(.unterminated) }
                switch byte {
                case UInt8(ascii: ","):
                    at += 1
                    skipSpace()
                case UInt8(ascii: "]"):
                    at += 1
                    return
                default: throw fail(.unexpectedByte)
                }
            }
        }

        mutating func word(_ text: StaticString) throws(Failure) {
            for offset in 0..<text.utf8CodeUnitCount {
                guard next == text.utf8Start[offset] else { throw fail(next == nil ? .unterminated : .unexpectedByte) }
                at += 1
            }
        }

        /// RFC 8259, 6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
        mutating func number() throws(Failure) {
            if next == UInt8(ascii: "-") { at += 1 }
            guard let first = next, isDigit(first) else { throw fail(.invalidNumber) }
            at += 1
            if first == UInt8(ascii: "0"), let after = next, isDigit(after) { throw fail(.leadingZero) }
            digits()
            if next == UInt8(ascii: ".") {
                at += 1
                guard let digit = next, isDigit(digit) else { throw fail(.invalidNumber) }
                digits()
            }
            if next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
                at += 1
                if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") { at += 1 }
                guard let digit = next, isDigit(digit) else { throw fail(.invalidNumber) }
                digits()
            }
        }

        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

        mutating func digits() {
            while let byte = next, isDigit(byte) { at += 1 }
        }

        /// A string (RFC 8259, 7) in valid UTF-8 (RFC 3629); its value when `keeping`, else "".
        mutating func string(keeping: Bool) throws(Failure) -> String {
            at += 1
            var value: [UInt8] = []
            while let byte = next {
                switch byte {
                case UInt8(ascii: "\""):
                    at += 1
                    return keeping ? String(decoding: value, as: UTF8.self) : ""
                case UInt8(ascii: "\\"):
                    let scalar = try escape()
                    if keeping { value += Array(String(Character(scalar)).utf8) }
                case 0..<0x20:
                    throw fail(.controlCharacter)
                case 0x20..<0x80:
                    if keeping { value.append(byte) }
                    at += 1
                default:
                    let length = try utf8Sequence()
                    if keeping { value += bytes[at..<(at + length)] }
                    at += length
                }
            }
            throw fail(.unterminated)
        }

        /// The escape at `at` (a backslash), consumed; a surrogate pair is one scalar.
        mutating func escape() throws(Failure) -> Unicode.Scalar {
            at += 1
            guard let letter = next else { throw fail(.unterminated) }
            at += 1
            switch letter {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return Unicode.Scalar(letter)
            case UInt8(ascii: "b"): return "\u{8}"
            case UInt8(ascii: "f"): return "\u{C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"): break
            default:
                at -= 1
                throw fail(.invalidEscape)
            }
            let start = at - 2
            let unit = try hex4()
            switch unit {
            case 0xD800..<0xDC00:
                guard next == UInt8(ascii: "\\"), at + 1 < bytes.count, bytes[at + 1] == UInt8(ascii: "u") else {
                    throw Failure(reason: .loneSurrogate, offset: start)
                }
                at += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw Failure(reason: .loneSurrogate, offset: start) }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
            case 0xDC00..<0xE000:
                throw Failure(reason: .loneSurrogate, offset: start)
            default:
                return Unicode.Scalar(unit)!
            }
        }

        mutating func hex4() throws(Failure) -> UInt32 {
            var unit: UInt32 = 0
            for _ in 0..<4 {
                guard let byte = next else { throw fail(.unterminated) }
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail(.invalidEscape)
                }
                unit = unit << 4 | UInt32(digit)
                at += 1
            }
            return unit
        }

        /// The length of the well-formed UTF-8 sequence of two to four bytes at `at` (RFC 3629, 4:
        /// no overlong forms, no surrogates, nothing past U+10FFFF).
        func utf8Sequence() throws(Failure) -> Int {
            let lead = bytes[at]
            let (length, second): (Int, ClosedRange<UInt8>) =
                switch lead {
                case 0xC2...0xDF: (2, 0x80...0xBF)
                case 0xE0: (3, 0xA0...0xBF)
                case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80...0xBF)
                case 0xED: (3, 0x80...0x9F)
                case 0xF0: (4, 0x90...0xBF)
                case 0xF1...0xF3: (4, 0x80...0xBF)
                case 0xF4: (4, 0x80...0x8F)
                default: (0, 0...0)
                }
            guard length > 0, at + length <= bytes.count, second.contains(bytes[at + 1]),
                (2..<length).allSatisfy({ (0x80...0xBF).contains(bytes[at + $0]) })
            else { throw fail(.invalidUTF8) }
            return length
        }
    }
}

extension StrictJSON.Failure.Reason {
    /// What is wrong, in both languages, for the problem detail.
    var text: Localized<String> {
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
