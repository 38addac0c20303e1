import Crypto
import Foundation

/// Presence codes of an event linked to the national hub (issue 16, "served … by the hub at the
/// official domain"): the hub must tell the event's codes from made-up ones, so both sides derive
/// the presence key from what both hold, the event's code key (``SyncToken/codeKey``, provisioned
/// by `kiosk hub add-event`, the key that already makes certificate codes recognizable at the
/// hub), instead of the key the event keeps to itself (schema v7 `event_secret`).
///
/// At the hub a presence is written ``hubLength`` characters: the event's code tag (public: it
/// starts every certificate code of the event) and then its presence code, so the hub finds the
/// event by its tag and checks the code with that event's key only. A guess is still a guess at one
/// event's 30 bits, never at every linked event's at once.
extension PresenceCodes {
    /// The MAC's message for deriving the presence key from a code key (a label of its own, so the
    /// derived key is no MAC the code key makes for certificate codes or presence codes).
    static let derivationLabel = "khong-mot-minh presence key v1"

    /// The presence codes of the event whose certificate codes `issuer` makes: the key is
    /// HMAC-SHA256(code key, ``derivationLabel``), 32 bytes. The event service (linked) and the hub
    /// make the same codes; nobody without the code key can.
    public init(linkedTo issuer: CodeIssuer) {
        let key = HMAC<SHA256>.authenticationCode(
            for: Array(Self.derivationLabel.utf8), using: SymmetricKey(data: issuer.key))
        self.init(key: Array(key))
    }

    /// Characters of a presence at the hub: a code tag (4) and a presence code (``length``).
    public static let hubLength = 4 + length

    /// `text` read as a presence at the hub (any case, `O` as 0, `I` and `L` as 1, dashes and
    /// spaces dropped): the code tag and the presence code, in canonical form; nil when it is not
    /// ``hubLength`` characters of the alphabet.
    public static func hubPresence(_ text: String) -> (tag: String, code: String)? {
        guard let (characters, foreign) = CertificateCode.canonical(text, maximum: hubLength), foreign == 0,
            characters.count == hubLength
        else { return nil }
        let all = String(decoding: characters, as: UTF8.self)
        return (String(all.prefix(4)), String(all.dropFirst(4)))
    }
}
