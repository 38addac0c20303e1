import Foundation

extension StrictJSON {
    /// The cursor of ``check(_:)``: one method per production of RFC 8259's grammar.
    struct Reader {
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
                guard try another(before: UInt8(ascii: "}")) else { return }
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
                guard try another(before: UInt8(ascii: "]")) else { return }
            }
        }

        /// After a member or element: `,` (true: another follows) or `closer`, which ends the object
        /// or array (false); both are consumed.
        mutating func another(before closer: UInt8) throws(Failure) -> Bool {
            skipSpace()
            guard let byte = next else { throw fail(.unterminated) }
            guard byte == UInt8(ascii: ",") || byte == closer else { throw fail(.unexpectedByte) }
            at += 1
            if byte == closer { return false }
            skipSpace()
            return true
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
