/// The age band an attendee picks. Exact ages are never collected (data minimization).
///
/// Raw values are the wire format of the HTTP API and the values stored in SQLite.
public enum AgeBand: String, CaseIterable, Codable, Sendable {
    case under12 = "under-12"
    case from12To15 = "12-15"
    case from16To17 = "16-17"
    case from18To24 = "18-24"
    case from25 = "25-plus"

    /// Whether personal data (a name, a school) from a signer in this band needs a parent's or
    /// guardian's consent. Decree 13/2023/NĐ-CP, Art. 20, and the Law on Personal Data Protection
    /// (in force 1 January 2026) require it for children under 16.
    public var needsGuardianConsent: Bool {
        switch self {
        case .under12, .from12To15: true
        case .from16To17, .from18To24, .from25: false
        }
    }

    /// A label for screens and pages.
    public var label: Localized<String> {
        switch self {
        case .under12: Localized(vi: "Dưới 12 tuổi", en: "Under 12")
        case .from12To15: Localized(vi: "12–15 tuổi", en: "12–15")
        case .from16To17: Localized(vi: "16–17 tuổi", en: "16–17")
        case .from18To24: Localized(vi: "18–24 tuổi", en: "18–24")
        case .from25: Localized(vi: "Từ 25 tuổi", en: "25 and over")
        }
    }
}
