/// How a pledge was made (issue 16): at a kiosk (the terminal front, a tablet in kiosk mode), or
/// on the signer's own phone through the web pledge flow, with a presence code shown at the event.
///
/// A phone's pledge is recorded under the reserved kiosk id ``Identifier/phone`` (`phone`), so
/// every count by kiosk, the withholding of each kiosk's newest pledges in public counts and the
/// rows sent to the hub carry the channel without a column of their own; no kiosk may take that
/// id (the configuration and the `Kiosk-Id` header refuse it). Raw values are what `?by=channel`
/// answers.
public enum PledgeChannel: String, CaseIterable, Codable, Sendable {
    case kiosk
    case phone

    /// The channel as people read it on organizers' pages.
    public var label: Localized<String> {
        switch self {
        case .kiosk: Localized(vi: "Tại kiosk", en: "at a kiosk")
        case .phone: Localized(vi: "Trên điện thoại", en: "on a phone")
        }
    }

    /// The channel of a pledge recorded under `kioskID`.
    public init(kioskID: String) {
        self.init(kioskIDUTF8: kioskID.utf8)
    }

    /// The channel of a pledge recorded under the kiosk id whose UTF-8 bytes are `kioskIDUTF8`
    /// (an export reads them from the store without making a String).
    public init(kioskIDUTF8: some Sequence<UInt8>) {
        self = kioskIDUTF8.elementsEqual(KioskID.phone.rawValue.utf8) ? .phone : .kiosk
    }
}

extension Identifier where Kind == KioskKind {
    /// The kiosk id of every pledge made on a phone (``PledgeChannel/phone``); reserved.
    public static let phone = KioskID(rawValue: "phone")!

    /// Whether a kiosk may take this id: every id the rule accepts but ``phone`` and
    /// ``Breakdown/other`` (the bucket small groups merge into: a kiosk of that name showed as a
    /// second `other` row, breaker), in any case (`PHONE` would read as the same in a report).
    public var isKioskOwn: Bool {
        let id = rawValue.lowercased()
        return id != KioskID.phone.rawValue && id != Breakdown.other
    }
}
