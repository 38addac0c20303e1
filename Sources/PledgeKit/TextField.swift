/// Normalizes and checks a free-text field that a person types (a display name, a school).
///
/// The rules, in order: NFC (UAX #15); C0/C1 controls other than white space and bidi controls are
/// refused; the ends are trimmed and inner white space collapsed to one space; the result must be
/// 1 to `maxLength` characters (grapheme clusters, as a reader counts them).
public struct TextField: Sendable {
    public let field: String
    public let maxLength: Int
    let label: Localized<String>

    public static let name = TextField(field: "name", maxLength: 60, label: Localized(vi: "Tên", en: "The name"))
    public static let school = TextField(
        field: "school", maxLength: 100, label: Localized(vi: "Tên trường", en: "The school name"))

    /// Returns the stored form of `raw`.
    /// - Throws: ``PledgeError`` with code `forbidden-character`, `name-empty` or `name-too-long`
    ///   (`school-too-long` for the school).
    public func normalize(_ raw: String) throws(PledgeError) -> String {
        let text = VietnameseText.nfc(raw)
        if text.unicodeScalars.contains(where: VietnameseText.isForbidden) {
            throw PledgeError(
                .forbiddenCharacter, field: field,
                vi: "\(label.vi) có ký tự điều khiển hoặc ký tự đảo chiều văn bản. Vui lòng gõ lại.",
                en: "\(label.en) contains a control or text-direction character. Please type it again."
            )
        }
        let collapsed = VietnameseText.collapsingWhitespace(text)
        if collapsed.isEmpty {
            throw PledgeError(
                .nameEmpty, field: field,
                vi: "\(label.vi) đang để trống. Hãy gõ tên, hoặc chọn ký ẩn danh.",
                en: "\(label.en) is empty. Type it, or choose to pledge anonymously."
            )
        }
        if collapsed.count > maxLength {
            throw PledgeError(
                field == "name" ? .nameTooLong : .schoolTooLong, field: field,
                vi: "\(label.vi) dài quá \(maxLength) ký tự.",
                en: "\(label.en) is longer than \(maxLength) characters."
            )
        }
        return collapsed
    }
}
