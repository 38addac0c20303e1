import Crypto
import Foundation

/// The credential of a tablet in kiosk mode (issue 16, item 5): `<kiosk id>.<mac>`, where the MAC
/// is HMAC-SHA256(the event's kiosk token, `tablet|<event id>|<kiosk id>`) in lowercase
/// hexadecimal (64 characters).
///
/// Made once, when an organizer sets a tablet up with the kiosk token (`POST /tablet/setup`), and
/// kept by the tablet's browser as a cookie: the tablet never holds the kiosk token itself, and
/// nobody without the token can make a credential for any kiosk id. Changing the kiosk token
/// (`service.kioskToken`) withdraws every tablet's credential.
public struct TabletPass: Sendable {
    /// The kiosk token's bytes (a `SymmetricKey` is made per use: it is not `Sendable`).
    let key: [UInt8]
    let eventID: String

    /// Nil when no kiosk token is configured: no tablet can be authorised then.
    public init?(kioskToken: String?, eventID: String) {
        guard let kioskToken, !kioskToken.isEmpty else { return nil }
        self.key = Array(kioskToken.utf8)
        self.eventID = eventID
    }

    /// The credential of the tablet `kioskID`.
    public func credential(for kioskID: KioskID) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: message(kioskID), using: SymmetricKey(data: key))
        return "\(kioskID.rawValue)." + mac.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// The kiosk id a credential was made for, or nil when it is not one this pass made (the MAC
    /// checked by swift-crypto, in constant time) or names the reserved id `phone`.
    public func kioskID(presenting credential: String) -> KioskID? {
        guard let dot = credential.lastIndex(of: "."),
            let kioskID = KioskID(rawValue: String(credential[..<dot])), kioskID.isKioskOwn,
            let mac = Self.bytes(hex: credential[credential.index(after: dot)...]), mac.count == 32,
            HMAC<SHA256>.isValidAuthenticationCode(
                mac, authenticating: message(kioskID), using: SymmetricKey(data: key))
        else { return nil }
        return kioskID
    }

    func message(_ kioskID: KioskID) -> Data { Data("tablet|\(eventID)|\(kioskID.rawValue)".utf8) }

    /// The bytes of lowercase hexadecimal text, or nil.
    static func bytes(hex: Substring) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
