import Foundation

/// What an attendee submits, before validation (its wire form is KioskAPI's `PledgeRequestBody`).
///
/// A `nil` name means an anonymous pledge; an empty or blank name is refused rather than silently
/// made anonymous, so a slip of the keyboard never hides a name the signer wanted.
public struct PledgeDraft: Hashable, Sendable {
    public var name: String?
    public var ageBand: AgeBand
    public var province: Province?
    public var school: String?
    public var guardianConsent: Bool
    /// When the signer pledged, by the front's clock; nil: when the service records it. A front
    /// that was offline uploads later, and the day and hour counts must show when people signed.
    public var signedAt: Date?

    public init(
        name: String?, ageBand: AgeBand, province: Province?, school: String? = nil, guardianConsent: Bool,
        signedAt: Date? = nil
    ) {
        self.name = name
        self.ageBand = ageBand
        self.province = province
        self.school = school
        self.guardianConsent = guardianConsent
        self.signedAt = signedAt
    }

    /// How far back a signing time is believed (a kiosk offline for a whole event weekend uploads
    /// within days), and how far ahead (clocks of two machines differ by a little).
    public static let signingTimeWindow = (past: Duration.seconds(7 * 24 * 3600), future: Duration.seconds(300))

    /// The time to record: ``signedAt`` when it lies within ``signingTimeWindow`` of `now`,
    /// otherwise `now`. A front whose clock is wrong (a reset real-time clock says 1970) must never
    /// lose a pledge, so an implausible time is replaced, not refused.
    public func signingTime(now: Date = Date()) -> Date {
        guard let signedAt else { return now }
        let past = Double(Self.signingTimeWindow.past.components.seconds)
        let future = Double(Self.signingTimeWindow.future.components.seconds)
        let offset = signedAt.timeIntervalSince(now)
        return offset >= -past && offset <= future ? signedAt : now
    }

    /// The draft without its signing time: what an idempotent retry must repeat exactly.
    public var content: PledgeDraft {
        var copy = self
        copy.signedAt = nil
        return copy
    }

    /// Whether the draft carries personal data (a name or a school).
    public var hasPersonalData: Bool { name != nil || school != nil }

    /// The draft in its stored form: name and school normalized (``TextField``), consent checked.
    /// - Throws: ``PledgeError`` for a bad name or school, and `guardian-consent-required` when a
    ///   signer under 16 gives personal data without a guardian's consent (Decree 13/2023/NĐ-CP).
    public func validated() throws(PledgeError) -> PledgeDraft {
        var copy = self
        copy.name = try name.map { (raw) throws(PledgeError) in try TextField.name.normalize(raw) }
        copy.school = try school.map { (raw) throws(PledgeError) in try TextField.school.normalize(raw) }
        if copy.hasPersonalData, ageBand.needsGuardianConsent, !guardianConsent {
            throw PledgeError(
                .guardianConsentRequired, field: "guardianConsent",
                vi:
                    "Bạn dưới 16 tuổi: để ghi tên lên giấy chứng nhận cần cha mẹ hoặc người giám hộ đồng ý. Bạn vẫn có thể ký ẩn danh.",
                en:
                    "Under 16: putting a name on the certificate needs a parent's or guardian's consent. You can still pledge anonymously."
            )
        }
        return copy
    }

    /// Checks that the draft may carry personal data at `date`: once the event's retention deadline
    /// (``EventConfiguration/retentionDeadline``, the day after `retainPersonalDataUntil` begins in
    /// Vietnam time) has come, names and schools are no longer taken (Decree 13/2023/NĐ-CP: kept no
    /// longer than the stated purpose needs); anonymous pledges still are.
    /// - Parameters:
    ///   - deadline: the retention deadline; nil: none, every draft passes.
    ///   - date: when the pledge was signed (``signingTime(now:)``).
    /// - Throws: ``PledgeError`` `personal-data-no-longer-kept`, naming the field (`name` or `school`).
    public func checkRetention(deadline: Date?, at date: Date) throws(PledgeError) {
        guard let deadline, date >= deadline, hasPersonalData else { return }
        guard name == nil else {
            throw PledgeError(
                .personalDataNoLongerKept, field: "name",
                vi: "Sự kiện này đã hết hạn giữ tên người ký: hãy để trống tên để ký ẩn danh.",
                en: "This event no longer keeps signers' names: leave the name empty to pledge anonymously.")
        }
        throw PledgeError(
            .personalDataNoLongerKept, field: "school",
            vi: "Sự kiện này đã hết hạn giữ thông tin cá nhân: hãy để trống tên trường để ký ẩn danh.",
            en: "This event no longer keeps personal data: leave the school empty to pledge anonymously.")
    }
}
