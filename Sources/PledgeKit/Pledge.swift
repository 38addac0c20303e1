import Foundation

/// A stored pledge, as read back from the store.
public struct Pledge: Hashable, Sendable {
    public var id: UUID
    public var eventID: String
    public var kioskID: String
    /// The sequence number within its event, from 1: "Người thứ 12.345 cam kết".
    public var number: Int
    /// The display name in NFC, or nil for an anonymous pledge.
    public var name: String?
    public var ageBand: AgeBand
    public var province: Province?
    public var school: String?
    public var guardianConsent: Bool
    /// When the pledge was committed, in UTC.
    public var createdAt: Date
    public var code: CertificateCode

    public init(
        id: UUID, eventID: String, kioskID: String, number: Int, name: String?, ageBand: AgeBand,
        province: Province?, school: String?, guardianConsent: Bool, createdAt: Date, code: CertificateCode
    ) {
        self.id = id
        self.eventID = eventID
        self.kioskID = kioskID
        self.number = number
        self.name = name
        self.ageBand = ageBand
        self.province = province
        self.school = school
        self.guardianConsent = guardianConsent
        self.createdAt = createdAt
        self.code = code
    }
}

/// What a signer gets back once the pledge has committed (its wire form, the body of a 201
/// answer, is KioskAPI's).
public struct PledgeReceipt: Hashable, Sendable {
    public var id: UUID
    /// The pledge's number in its event, from 1.
    public var number: Int
    public var code: CertificateCode
    /// The exact text of the certificate QR.
    public var certificateUrl: String

    public init(id: UUID, number: Int, code: CertificateCode, certificateUrl: String) {
        self.id = id
        self.number = number
        self.code = code
        self.certificateUrl = certificateUrl
    }
}

/// Pledge counts for one event: the body of `GET /api/counts`.
/// Keys of `byAgeBand` are age band raw values; keys of `byProvince` are province names, with
/// `"unknown"` for pledges that gave none. Each breakdown adds up to `total`.
public struct PledgeCounts: Codable, Hashable, Sendable {
    public var total: Int
    public var byAgeBand: [String: Int]
    public var byProvince: [String: Int]

    public init(total: Int, byAgeBand: [String: Int], byProvince: [String: Int]) {
        self.total = total
        self.byAgeBand = byAgeBand
        self.byProvince = byProvince
    }
}

extension Pledge {
    /// Numbers of an event's pledges made at the national hub (its web flow, on a phone that
    /// reached the hub over mobile data) start after this: a range the event's own numbering never
    /// reaches, so the two never collide although neither side tells the other its count.
    public static let hubNumberBase = 1_000_000_000

    /// The pledge was made at the national hub (``hubNumberBase``): its certificate counts it among
    /// the event's pledges made there, from 1.
    public var isMadeAtHub: Bool { number > Self.hubNumberBase }
}
