import Foundation
import GRDB
import PledgeKit

/// A row of the `pledge` table.
struct PledgeRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "pledge"

    var id: String
    var eventId: String
    var kioskId: String
    var number: Int
    var name: String?
    var ageBand: String
    var province: String?
    var school: String?
    var guardianConsent: Bool
    var createdAt: Date
    var code: String
    var idempotencyKey: String

    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    init(_ pledge: Pledge, idempotencyKey: IdempotencyKey) {
        id = pledge.id.uuidString
        eventId = pledge.eventID
        kioskId = pledge.kioskID
        number = pledge.number
        name = pledge.name
        ageBand = pledge.ageBand.rawValue
        province = pledge.province?.name
        school = pledge.school
        guardianConsent = pledge.guardianConsent
        createdAt = pledge.createdAt
        code = pledge.code.rawValue
        self.idempotencyKey = idempotencyKey.rawValue
    }

    /// The domain value; a row that the schema let in but the domain cannot read is a storage error.
    func pledge() throws -> Pledge {
        guard let uuid = UUID(uuidString: id), let band = AgeBand(rawValue: ageBand),
            let certificate = CertificateCode(parsing: code)
        else {
            throw StoreError(reason: "pledge row \(id) cannot be read")
        }
        return Pledge(
            id: uuid, eventID: eventId, kioskID: kioskId, number: number, name: name, ageBand: band,
            province: province.flatMap(Province.init(matching:)), school: school,
            guardianConsent: guardianConsent, createdAt: createdAt, code: certificate
        )
    }
}
