import Foundation
import KioskAPI
import PledgeKit

/// What the web flow's forms post (`application/x-www-form-urlencoded`, read by Hummingbird's
/// `URLEncodedFormDecoder`): every field optional, checked by the rules every front shares.
struct PledgeForm: Decodable, Sendable {
    var lang: String?
    /// The presence code (``PresenceCodes``).
    var presence: String?
    var name: String?
    var ageBand: String?
    var province: String?
    /// `yes` when the guardian-consent box is ticked.
    var consent: String?
    /// `review`, `edit` or `sign`.
    var step: String?
    /// The signature's idempotency key, made when the form is first shown.
    var key: String?
    /// The language switch: a button of the form, so what was typed comes along.
    var switchTo: String?

    var language: Language? { lang.flatMap(Language.init(rawValue:)) }
    var switchLanguage: Language? { switchTo.flatMap(Language.init(rawValue:)) }

    /// The name as typed, or empty: a blank name means anonymous, as at the terminal.
    var typedName: String { name.map(VietnameseText.collapsingWhitespace) ?? "" }

    /// The draft the fields state, checked as the API checks a body (``PledgeRequestBody/checked()``)
    /// and by the draft's own rules (``PledgeDraft/validated()``): name normalized to NFC, an
    /// under-16 signer's name only with a guardian's consent.
    /// Past the event's retention deadline (`retainPersonalDataUntil`), names are no longer taken.
    /// - Throws: ``PledgeError`` naming the field at fault.
    func draft(retention deadline: Date?, now: Date) throws(PledgeError) -> PledgeDraft {
        let province = province.flatMap { $0.isEmpty ? nil : $0 }
        let body = PledgeRequestBody(
            name: typedName.isEmpty ? nil : name, ageBand: ageBand.flatMap { $0.isEmpty ? nil : $0 },
            province: province, guardianConsent: consent == "yes")
        let draft = try body.checked().draft.validated()
        // Checked here too, so the review step says so before the signature; the store has the last word.
        try draft.checkRetention(deadline: deadline, at: now)
        return draft
    }
}
