import Foundation

/// One pledge found by its signer's name, for the attendant's "lost codes" (issue 17, item 5):
/// what the list shows (name, time, number) and what shows the certificate's QR again (code, link).
public struct FoundSigner: Hashable, Sendable {
    /// The pledge's id, so the QR screen holds the same receipt the signer first saw.
    public var id: UUID
    /// The name as stored, in NFC.
    public var name: String
    /// The pledge's number in its event, from 1.
    public var number: Int
    /// When the pledge was signed, in UTC.
    public var signedAt: Date
    public var code: CertificateCode
    /// The exact text of the certificate QR.
    public var certificateUrl: String

    public init(id: UUID, name: String, number: Int, signedAt: Date, code: CertificateCode, certificateUrl: String) {
        self.id = id
        self.name = name
        self.number = number
        self.signedAt = signedAt
        self.code = code
        self.certificateUrl = certificateUrl
    }

    /// The pledge as the done screen shows it.
    public var receipt: PledgeReceipt {
        PledgeReceipt(id: id, number: number, code: code, certificateUrl: certificateUrl)
    }
}

/// Finds this event's signers by name (`kiosk run`: the store; `kiosk front`: the service's
/// `POST /api/pledges/search`).
public protocol SignerFinder: Sendable {
    /// This event's named pledges whose name contains `name`, ignoring case and diacritics (đ = d),
    /// in Vietnamese alphabetical order (by given name, then the whole name), at most `limit`
    /// (capped at ``SignerSearch/maximumLimit``).
    /// - Throws: ``PledgeError``: `invalid-request` (field `name`) for a name ``SignerSearch/check(_:)``
    ///   refuses; `unavailable` when the pledges cannot be read (or the service reached).
    func findSigners(named name: String, limit: Int) async throws(PledgeError) -> [FoundSigner]
}

/// The rules of a search by name, the same in process and over HTTP.
public enum SignerSearch {
    /// The most results one search gives: enough for an attendant's screen, and no listing of
    /// the event's names a page at a time.
    public static let maximumLimit = 20
    /// The fewest letters (after folding, ``VietnameseText/searchKey(_:)``) a search needs: one
    /// letter would match almost every name.
    public static let minimumLetters = 2

    /// The search text, checked: no control character (no name holds one, and SQLite's text
    /// would end at a NUL, leaving a search shorter than the one checked), at least
    /// ``minimumLetters`` letters or digits, at most the name's length (``TextField/name``).
    /// - Throws: ``PledgeError`` `invalid-request`, field `name`.
    public static func check(_ name: String) throws(PledgeError) -> String {
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw PledgeError(
                .invalidRequest, field: "name",
                vi: "Tên cần tìm có ký tự điều khiển (như NUL hay xuống dòng).",
                en: "The name to find holds a control character (such as NUL or a line break).")
        }
        let key = VietnameseText.searchKey(VietnameseText.nfc(name))
        guard key.count <= TextField.name.maxLength else {
            throw PledgeError(
                .invalidRequest, field: "name",
                vi: "Tên cần tìm dài quá \(TextField.name.maxLength) ký tự.",
                en: "The name to find is longer than \(TextField.name.maxLength) characters.")
        }
        guard key.filter({ $0.isLetter || $0.isNumber }).count >= minimumLetters else {
            throw PledgeError(
                .invalidRequest, field: "name",
                vi: "Nhập ít nhất \(minimumLetters) chữ cái của tên cần tìm.",
                en: "Type at least \(minimumLetters) letters of the name to find.")
        }
        return name
    }
}
