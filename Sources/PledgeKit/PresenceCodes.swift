import Crypto
import Foundation

/// The short code that shows a pledge made on a phone was made at the event (issue 16): the
/// projector page (`/live`) shows it, in a QR that opens the pledge flow, and it changes every
/// ``period``. A code is accepted while it is one of the last ``acceptedPeriods`` (so a signer
/// who scanned it just before it changed still has about ten minutes), and refused after.
///
/// A code is ``length`` characters of Crockford's base32 (the alphabet of ``CertificateCode``,
/// inside QR's alphanumeric mode, ISO/IEC 18004, 7.4.4): the first 30 bits of
/// HMAC-SHA256(key, ``label`` + the period's number since 1970), as issued codes' MACs are made, so nobody without the event's
/// key can tell the next one; one guess in 2^30 succeeds, and guesses are rate-limited.
public struct PresenceCodes: Sendable {
    /// Characters in a code (30 bits of MAC).
    public static let length = 6
    /// How long one code is shown: 5 minutes.
    public static let period: Int = 300
    /// How many periods a code is accepted for, the current one included.
    public static let acceptedPeriods = 3
    /// The MAC's message prefix, so this key's MACs never match another use's.
    static let label = "khong-mot-minh presence v1 "

    let key: [UInt8]

    /// - Parameter key: the event's presence key, at least 32 bytes (kept by the store).
    public init(key: [UInt8]) {
        self.key = key
    }

    /// The code shown at `date`.
    public func code(at date: Date) -> String {
        code(period: Self.periodNumber(date))
    }

    /// The web flow's link with the code shown at `date`, as QR codes hold it: `BASE/P/CODE` on
    /// the event's own base (``CertificateLinks/ownBase``, its LAN address, where phones at the venue
    /// reach it, never the hub's), in capitals so the whole link is in QR's alphanumeric mode.
    public func link(on links: CertificateLinks, at date: Date) -> String {
        "\(links.ownBase.qrBaseURL)/P/\(code(at: date))"
    }

    /// The web flow's entry without a code, for what cannot change (a printed poster): the flow
    /// asks for the code the event's screens show. As QR codes hold it (`BASE/P`, capitals but
    /// for the base's path) and as people type it (`base/p`).
    public static func entryLink(on links: CertificateLinks) -> (qr: String, shown: String) {
        ("\(links.ownBase.qrBaseURL)/P", "\(links.ownBase.baseURL)/p")
    }

    /// When the code shown at `date` stops being shown (the next one is shown from then).
    public func nextChange(after date: Date) -> Date {
        Date(timeIntervalSince1970: Double((Self.periodNumber(date) + 1) * Self.period))
    }

    /// Whether `text` is a code shown in one of the last ``acceptedPeriods`` at `date`, or the next
    /// period's (a clock up to 5 minutes fast; one more code in 2^30 to guess). Read as
    /// ``CertificateCode`` reads codes: any case, `O` as 0, `I` and `L` as 1.
    public func accepts(_ text: String, at date: Date) -> Bool {
        guard let given = Self.normalized(text) else { return false }
        let now = Self.periodNumber(date)
        var found = false
        // And the next one: a screen whose clock runs up to a period fast (an event's laptop, whose
        // codes the hub checks by its own clock) shows it early.
        for period in (now - Self.acceptedPeriods + 1)...(now + 1) {
            // Every period compared, in constant time: how long a refusal takes says nothing.
            var difference: UInt8 = 0
            for (a, b) in zip(given.utf8, code(period: period).utf8) { difference |= a ^ b }
            found = found || difference == 0
        }
        return found
    }

    /// `text` as a presence code in its canonical form (capitals, `O` as 0, `I` and `L` as 1), or
    /// nil when it cannot be one: what a page may echo back (a path segment never carries `/`, `.`
    /// or markup this way).
    public static func canonical(_ text: String) -> String? { normalized(text) }

    /// The code a person types, as a screen shows it beside the QR of `link` (a flow link,
    /// `…/P/CODE`, or at a linked event's hub `…/P/TAGCODE`): the last ``length`` characters of
    /// its last path segment, since the form they type it into (the event's `/p`) takes those
    /// (the trial saw the 10 characters of the hub's link on the welcome screen, refused at `/p`).
    public static func shownCode(inLink link: String) -> String {
        String((link.split(separator: "/").last ?? "").suffix(length))
    }

    /// `text` read as ``CertificateCode/reading(_:)`` reads codes (dashes and spaces dropped,
    /// capitals, `O` as 0, `I` and `L` as 1), or nil when it is not ``length`` characters of the alphabet.
    static func normalized(_ text: String) -> String? {
        guard let (characters, foreign) = CertificateCode.canonical(text, maximum: length), foreign == 0,
            characters.count == length
        else { return nil }
        return String(decoding: characters, as: UTF8.self)
    }

    static func periodNumber(_ date: Date) -> Int {
        Int((date.timeIntervalSince1970 / Double(period)).rounded(.down))
    }

    func code(period: Int) -> String {
        String(
            decoding: CodeIssuer.macCharacters(of: Array("\(Self.label)\(period)".utf8), key: SymmetricKey(data: key)),
            as: UTF8.self)
    }
}
