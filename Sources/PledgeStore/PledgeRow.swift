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
    /// ``VietnameseText/searchKey(_:)`` of the name (v2); nil when there is no name.
    var searchKey: String?
    /// ``VietnameseText/sortKey(_:)`` of the name (v2); nil when there is no name.
    var sortKey: String?
    /// When the name and school were erased (v2), on request or at the end of retention.
    var erasedAt: Date?

    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    /// The row for `pledge`; `keys` are its name's keys when the caller already made them.
    init(_ pledge: Pledge, idempotencyKey: IdempotencyKey, keys: NameKeys? = nil) {
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
        let keys = keys ?? NameKeys(pledge.name)
        searchKey = keys.search
        sortKey = keys.sort
        erasedAt = nil
    }

    /// The domain value; a row that the schema let in but the domain cannot read is a storage error.
    func pledge() throws -> Pledge {
        try Self.pledge(
            id: id, eventID: eventId, kioskID: kioskId, number: number, name: name, ageBand: ageBand,
            province: province, school: school, guardianConsent: guardianConsent, createdAt: createdAt, code: code)
    }

    /// The domain value of a row's columns, read without Codable.
    static func pledge(
        id: String, eventID: String, kioskID: String, number: Int, name: String?, ageBand: String,
        province: String?, school: String?, guardianConsent: Bool, createdAt: Date, code: String
    ) throws -> Pledge {
        guard let uuid = UUID(uuidString: id), let band = AgeBand(rawValue: ageBand),
            let certificate = CertificateCode(parsing: code)
        else {
            throw StoreError(reason: "pledge row \(id) cannot be read")
        }
        return Pledge(
            id: uuid, eventID: eventID, kioskID: kioskID, number: number, name: name, ageBand: band,
            province: province.flatMap(storedProvince), school: school,
            guardianConsent: guardianConsent, createdAt: createdAt, code: certificate
        )
    }

    /// Stored provinces are the exact names of ``Province/all``: a dictionary finds them, and
    /// ``Province/init(matching:)`` (which normalizes every candidate) is left for anything else.
    private static let provincesByName = Dictionary(uniqueKeysWithValues: Province.all.map { ($0.name, $0) })

    static func storedProvince(_ name: String) -> Province? {
        provincesByName[name] ?? Province(matching: name)
    }

    /// Inserts the row with one cached statement (the Codable path encodes column names anew for
    /// every row, which shows at a few hundred pledges a second).
    func insertFast(_ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO pledge (id, event_id, kiosk_id, number, name, age_band, province, school,
                    guardian_consent, created_at, code, idempotency_key, search_key, sort_key, erased_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            id, eventId, kioskId, number, name, ageBand, province, school, guardianConsent,
            createdAt, code,
            idempotencyKey, searchKey, sortKey, erasedAt,
        ])
    }
}

/// The search and sort keys of a name (``VietnameseText``). Made before a pledge joins a group
/// commit: Unicode decomposition is the costliest step of an insert, and inside the transaction
/// it would run one pledge after another while other cores wait.
struct NameKeys: Sendable {
    var search: String?
    var sort: String?

    init(_ name: String?) {
        search = name.map(VietnameseText.searchKey)
        sort = name.map(VietnameseText.sortKey)
    }
}
