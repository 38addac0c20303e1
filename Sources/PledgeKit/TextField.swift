/// Normalizes and checks a free-text field that a person types (a display name, a school).
///
/// The rules, in order: NFC (UAX #15); control, bidi, tag and invisible characters are refused;
/// the ends are trimmed and inner white space collapsed to one space; at least one letter or
/// digit must remain; the result must be 1 to `maxLength` characters (grapheme clusters, as a
/// reader counts them), none carrying more than
/// ``VietnameseText/maximumMarksPerCharacter`` combining marks or holding more than
/// ``VietnameseText/maximumScalarsPerCharacter`` Unicode scalars.
public struct TextField: Sendable {
    public let field: String
    public let maxLength: Int
    let label: Localized<String>
    let emptyCode: PledgeError.Code
    let tooLongCode: PledgeError.Code
    let emptyHint: Localized<String>

    public static let name = TextField(
        field: "name", maxLength: 60, label: Localized(vi: "Tên", en: "The name"),
        emptyCode: .nameEmpty, tooLongCode: .nameTooLong,
        emptyHint: Localized(vi: "Hãy gõ tên, hoặc chọn ký ẩn danh.", en: "Type it, or choose to pledge anonymously."))
    public static let school = TextField(
        field: "school", maxLength: 100, label: Localized(vi: "Tên trường", en: "The school name"),
        emptyCode: .schoolEmpty, tooLongCode: .schoolTooLong,
        emptyHint: Localized(vi: "Hãy gõ tên trường, hoặc bỏ trống mục này.", en: "Type it, or leave the school out."))

    /// An event's name, as its certificates show it (`kiosk hub add-event --name`).
    public static let eventName = TextField(
        field: "name", maxLength: 120, label: Localized(vi: "Tên sự kiện", en: "The event's name"),
        emptyCode: .invalidRequest, tooLongCode: .invalidRequest,
        emptyHint: Localized(vi: "Hãy gõ tên sự kiện.", en: "Type the event's name."))
    /// An organizer account's name: the team's label (`kiosk hub add-organizer --name`), never a signer's.
    public static let teamName = TextField(
        field: "name", maxLength: 120, label: Localized(vi: "Tên nhóm", en: "The team's name"),
        emptyCode: .invalidRequest, tooLongCode: .invalidRequest,
        emptyHint: Localized(
            vi: "Hãy gõ tên nhóm, ví dụ Ban tổ chức Hà Nội.", en: "Type the team's name, e.g. Ban tổ chức Hà Nội."))
    /// Where an event takes place, as its certificates show it (`kiosk hub add-event --place`).
    public static let place = TextField(
        field: "place", maxLength: 120, label: Localized(vi: "Địa điểm", en: "The place"),
        emptyCode: .invalidRequest, tooLongCode: .invalidRequest,
        emptyHint: Localized(vi: "Hãy gõ nơi diễn ra sự kiện.", en: "Type where the event takes place."))

    /// Returns the stored form of `raw`.
    /// - Throws: ``PledgeError`` with code `forbidden-character`, `name-empty` or `name-too-long`
    ///   (`school-empty`, `school-too-long` for the school).
    public func normalize(_ raw: String) throws(PledgeError) -> String {
        let text = VietnameseText.nfc(raw)
        if text.unicodeScalars.contains(where: VietnameseText.isForbidden) { throw forbidden }
        let collapsed = VietnameseText.collapsingWhitespace(text)
        if collapsed.isEmpty || !VietnameseText.hasLetterOrDigit(collapsed) { throw empty }
        if collapsed.count > maxLength || collapsed.contains(where: VietnameseText.hasTooManyMarks) { throw tooLong }
        return collapsed
    }

    private var forbidden: PledgeError {
        PledgeError(
            .forbiddenCharacter, field: field,
            vi: "\(label.vi) có ký tự điều khiển, ký tự ẩn hoặc ký tự đảo chiều văn bản. Vui lòng gõ lại.",
            en: "\(label.en) contains a control, invisible or text-direction character. Please type it again."
        )
    }

    private var empty: PledgeError {
        PledgeError(
            emptyCode, field: field,
            vi: "\(label.vi) đang để trống hoặc không có chữ nào. \(emptyHint.vi)",
            en: "\(label.en) is empty or has no letters. \(emptyHint.en)"
        )
    }

    private var tooLong: PledgeError {
        PledgeError(
            tooLongCode, field: field,
            vi: "\(label.vi) dài quá \(maxLength) ký tự, hoặc có ký tự mang quá nhiều dấu.",
            en: "\(label.en) is longer than \(maxLength) characters, or a character carries too many marks."
        )
    }
}
