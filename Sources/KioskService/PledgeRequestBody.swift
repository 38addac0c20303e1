import Foundation
import PledgeKit

/// The JSON body of `POST /api/pledges`:
/// `{"name": string|null, "ageBand": string, "province": string|null, "school": string|null,
///   "guardianConsent": bool}`. A missing `name`, `province` or `school` is the same as null; a
/// missing `guardianConsent` is false.
struct PledgeRequestBody: Decodable {
    var name: String?
    var ageBand: String?
    var province: String?
    var school: String?
    var guardianConsent: Bool?
    /// A certificate code the front already made and showed (Crockford base32, 16 characters).
    var code: String?
    /// When the signer pledged at a front that uploads later: an RFC 3339 date-time with a zone,
    /// e.g. `2025-10-10T09:30:00.250Z`.
    var signedAt: String?

    /// Parses and checks a body. JSON (RFC 8259) must be valid UTF-8; anything else is refused.
    /// - Throws: ``PledgeError`` naming the member at fault.
    static func draft(from data: Data) throws(PledgeError) -> PledgeDraft {
        try parse(data).draft
    }

    /// The draft and the code the client proposed, if any.
    /// - Throws: ``PledgeError`` naming the member at fault.
    static func parse(_ data: Data) throws(PledgeError) -> (draft: PledgeDraft, code: CertificateCode?) {
        let body = try decode(data)
        guard let bandText = body.ageBand else {
            throw PledgeError(
                .unknownAgeBand, field: "ageBand",
                vi: "Cần chọn nhóm tuổi.", en: "An age band is required."
            )
        }
        guard let band = AgeBand(rawValue: bandText) else {
            let known = AgeBand.allCases.map(\.rawValue).joined(separator: ", ")
            throw PledgeError(
                .unknownAgeBand, field: "ageBand",
                vi: "Nhóm tuổi không hợp lệ. Chọn một trong: \(known).",
                en: "Unknown age band. Use one of: \(known)."
            )
        }
        var province: Province?
        if let text = body.province {
            guard let found = Province(matching: text) else {
                throw PledgeError(
                    .unknownProvince, field: "province",
                    vi:
                        "Không có tỉnh, thành phố này trong 34 đơn vị hành chính cấp tỉnh (từ 1/7/2025). Để trống nếu không muốn nói.",
                    en: "Not one of the 34 provincial-level units (since 1 July 2025). Send null to leave it out."
                )
            }
            province = found
        }
        var code: CertificateCode?
        if let text = body.code {
            guard let parsed = CertificateCode(parsing: text) else {
                throw PledgeError(
                    .invalidRequest, field: "code",
                    vi: "Mã giấy chứng nhận đề xuất không hợp lệ (16 ký tự Crockford base32).",
                    en: "The proposed certificate code is invalid (16 Crockford base32 characters)."
                )
            }
            code = parsed
        }
        var signedAt: Date?
        if let text = body.signedAt {
            guard let parsed = Self.dateTime(text) else {
                throw PledgeError(
                    .invalidRequest, field: "signedAt",
                    vi: "Thời điểm ký không hợp lệ (cần dạng RFC 3339, ví dụ 2025-10-10T09:30:00Z).",
                    en: "The signing time is invalid (an RFC 3339 date-time, e.g. 2025-10-10T09:30:00Z)."
                )
            }
            signedAt = parsed
        }
        let draft = PledgeDraft(
            name: body.name, ageBand: band, province: province, school: body.school,
            guardianConsent: body.guardianConsent ?? false, signedAt: signedAt
        )
        return (draft, code)
    }

    /// The members of a body, by ``flat(_:)`` when it can read it, else by Foundation's decoder.
    static func decode(_ data: Data) throws(PledgeError) -> PledgeRequestBody {
        if let body = data.withUnsafeBytes(flat) { return body }
        // Foundation's decoder also reads UTF-16 and UTF-32; the API promises UTF-8 only.
        guard String(validating: data, as: UTF8.self) != nil, !data.contains(0) else {
            throw invalid(field: nil)
        }
        do {
            return try JSONDecoder().decode(PledgeRequestBody.self, from: data)
        } catch let DecodingError.typeMismatch(_, context) {
            throw invalid(field: context.codingPath.first?.stringValue)
        } catch {
            throw invalid(field: nil)
        }
    }

    /// Reads the common shape of a body in one pass without Foundation: one JSON object (RFC 8259)
    /// whose members are each known at most once, with `null`, `true`, `false` or a string with no
    /// escape sequence, each of the member's type. Returns nil for anything else (escapes, other
    /// members, numbers, nesting, repeated or mistyped members, invalid UTF-8, any JSON or non-JSON
    /// error), which Foundation's decoder then reads or refuses; so this gives exactly what the
    /// decoder gives for every body it accepts.
    static func flat(_ bytes: UnsafeRawBufferPointer) -> PledgeRequestBody? {
        var body = PledgeRequestBody()
        var seen: UInt8 = 0
        var at = 0
        let end = bytes.count

        func skipSpace() {
            // RFC 8259, 2: space, horizontal tab, line feed, carriage return.
            while at < end, bytes[at] == 0x20 || bytes[at] == 0x09 || bytes[at] == 0x0A || bytes[at] == 0x0D {
                at += 1
            }
        }
        func take(_ byte: UInt8) -> Bool {
            guard at < end, bytes[at] == byte else { return false }
            at += 1
            return true
        }
        func takeWord(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard end - at >= count else { return false }
            for offset in 0..<count where bytes[at + offset] != word.utf8Start[offset] { return false }
            at += count
            return true
        }
        /// The bytes between quotes of a string without escapes or control characters.
        func rawString() -> Range<Int>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = at
            while at < end {
                let byte = bytes[at]
                if byte == UInt8(ascii: "\"") {
                    at += 1
                    return start..<(at - 1)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                at += 1
            }
            return nil
        }
        enum Value {
            case null
            case bool(Bool)
            case string(String)
        }
        func value() -> Value? {
            if takeWord("null") { return .null }
            if takeWord("true") { return .bool(true) }
            if takeWord("false") { return .bool(false) }
            guard let range = rawString(),
                let text = String(validating: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            else { return nil }
            return .string(text)
        }

        skipSpace()
        guard take(UInt8(ascii: "{")) else { return nil }
        skipSpace()
        if !take(UInt8(ascii: "}")) {
            while true {
                guard let keyRange = rawString() else { return nil }
                let key = UnsafeRawBufferPointer(rebasing: bytes[keyRange])
                skipSpace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                guard let value = value(), let member = Member(key) else { return nil }
                guard seen & member.bit == 0 else { return nil }
                seen |= member.bit
                switch (member, value) {
                case (.guardianConsent, .bool(let flag)): body.guardianConsent = flag
                case (.guardianConsent, .null): body.guardianConsent = nil
                case (.guardianConsent, .string), (_, .bool): return nil
                case (_, .null): break
                case (_, .string(let text)): body[member] = text
                }
                skipSpace()
                if take(UInt8(ascii: ",")) {
                    skipSpace()
                    continue
                }
                guard take(UInt8(ascii: "}")) else { return nil }
                break
            }
        }
        skipSpace()
        return at == end ? body : nil
    }

    /// The members of the body, each with its own bit.
    enum Member: UInt8 {
        case name, ageBand, province, school, guardianConsent, code, signedAt

        var bit: UInt8 { 1 << rawValue }

        init?(_ key: UnsafeRawBufferPointer) {
            switch String(decoding: key, as: UTF8.self) {
            case "name": self = .name
            case "ageBand": self = .ageBand
            case "province": self = .province
            case "school": self = .school
            case "guardianConsent": self = .guardianConsent
            case "code": self = .code
            case "signedAt": self = .signedAt
            default: return nil
            }
        }
    }

    /// The string member `member` (not ``Member/guardianConsent``).
    subscript(member: Member) -> String? {
        get {
            switch member {
            case .name: name
            case .ageBand: ageBand
            case .province: province
            case .school: school
            case .code: code
            case .signedAt: signedAt
            case .guardianConsent: nil
            }
        }
        set {
            switch member {
            case .name: name = newValue
            case .ageBand: ageBand = newValue
            case .province: province = newValue
            case .school: school = newValue
            case .code: code = newValue
            case .signedAt: signedAt = newValue
            case .guardianConsent: break
            }
        }
    }

    /// An RFC 3339 date-time with a time zone, with or without fractional seconds.
    static func dateTime(_ text: String) -> Date? {
        guard text.utf8.count <= 40 else { return nil }
        return (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    private static func invalid(field: String?) -> PledgeError {
        let which = field.map { " (\($0))" } ?? ""
        return PledgeError(
            .invalidRequest, field: field,
            vi: "Nội dung yêu cầu không phải JSON hợp lệ theo mẫu của lời cam kết\(which).",
            en: "The request body is not valid JSON of the pledge's shape\(which)."
        )
    }
}
