import Foundation
import PledgeKit

/// The pledge on the wire: the JSON body of `POST /api/pledges`, which the service reads and a
/// front's client writes, and the draft a front's outbox keeps (``init(draft:code:)``):
/// `{"name": string|null, "ageBand": string, "province": string|null, "school": string|null,
///   "guardianConsent": bool, "code": string, "signedAt": string}`. A missing `name`, `province`
/// or `school` is the same as null; a missing `guardianConsent` is false. Any other member is
/// refused, so a misspelt one (say `"provnce"`) is an error and not a silent loss.
public struct PledgeRequestBody: StrictlyDecodable, Encodable, Sendable, Equatable {
    public var name: String?
    public var ageBand: String?
    public var province: String?
    public var school: String?
    public var guardianConsent: Bool?
    /// A certificate code the front already made and showed (Crockford base32, 16 or 27 characters).
    public var code: String?
    /// When the signer pledged at a front that uploads later: an RFC 3339 date-time with a zone,
    /// e.g. `2025-10-10T09:30:00.250Z`.
    public var signedAt: String?

    /// The body of `draft` with `code`: the province by its name, `signedAt` in UTC with
    /// milliseconds (what ``parse(_:)`` reads back to the same draft).
    public init(draft: PledgeDraft, code: CertificateCode?) {
        name = draft.name
        ageBand = draft.ageBand.rawValue
        province = draft.province?.name
        school = draft.school
        guardianConsent = draft.guardianConsent
        self.code = code?.rawValue
        signedAt = draft.signedAt?.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// A body of the fields a person fills in (the web flow's form): no code, no signing time.
    public init(name: String?, ageBand: String?, province: String?, guardianConsent: Bool) {
        self.name = name
        self.ageBand = ageBand
        self.province = province
        self.guardianConsent = guardianConsent
    }

    /// The JSON text of the body (``WireJSON``).
    public func data() -> Data {
        // Strings, a Bool and nils: encoding cannot fail.
        (try? WireJSON.encode(self)) ?? Data("{}".utf8)
    }

    /// Parses and checks a body: JSON text (RFC 8259) in UTF-8 with the members above, each at
    /// most once; anything else is refused.
    /// - Throws: ``PledgeError`` naming the member at fault.
    public static func draft(from data: Data) throws(PledgeError) -> PledgeDraft {
        try parse(data).draft
    }

    /// The draft and the code the client proposed, if any.
    /// - Throws: ``PledgeError`` naming the member at fault.
    public static func parse(_ data: Data) throws(PledgeError) -> (draft: PledgeDraft, code: CertificateCode?) {
        try decode(data).checked()
    }

    /// The draft and the proposed code this body states, each member checked (the API's body and
    /// the web flow's form, ``init(name:ageBand:province:guardianConsent:)``, alike). The draft's
    /// own rules (``PledgeDraft/validated()``) are the recorder's.
    /// - Throws: ``PledgeError`` naming the member at fault.
    public func checked() throws(PledgeError) -> (draft: PledgeDraft, code: CertificateCode?) {
        let body = self
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
                    vi:
                        "Mã giấy chứng nhận đề xuất không hợp lệ (16 ký tự Crockford base32, hoặc 27 ký tự với ký tự kiểm tra đúng).",
                    en:
                        "The proposed certificate code is invalid (16 Crockford base32 characters, or 27 with a right check character)."
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

    /// The members of a body, read by ``StrictJSON``: RFC 8259 JSON in UTF-8, no member twice,
    /// none but ``CodingKeys``.
    /// - Throws: ``PledgeError``: `malformed-json`, or `invalid-request` naming the member at fault.
    public static func decode(_ data: Data) throws(PledgeError) -> PledgeRequestBody {
        try StrictJSON.decode(PledgeRequestBody.self, from: data, what: Localized(vi: "lời cam kết", en: "a pledge"))
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, ageBand, province, school, guardianConsent, code, signedAt
    }

    public static let members = Set(CodingKeys.allCases.map(\.rawValue))

    /// An RFC 3339 date-time with a time zone, with or without fractional seconds.
    static func dateTime(_ text: String) -> Date? {
        guard text.utf8.count <= 40 else { return nil }
        return (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}
