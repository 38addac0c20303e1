import Foundation
import GRDB
import PledgeKit

extension PledgeStore {
    public func isRecorded(idempotencyKey: IdempotencyKey) async throws(PledgeError) -> Bool {
        try await files.refuseIfGone()
        do {
            return try await pool.read { db in
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM pledge WHERE idempotency_key = ?", arguments: [idempotencyKey.rawValue])
                    ?? false
            }
        } catch {
            throw Self.unreadable(error)
        }
    }

    public func pledge(code: CertificateCode) async throws(PledgeError) -> Pledge? {
        try await files.refuseIfGone()
        do {
            return try await pool.read { db in
                // Every warm certificate page and QR image reads its pledge: one cached statement,
                // columns by position (the Codable row decodes column names anew each time).
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT id, event_id, kiosk_id, number, name, age_band, province, school,
                                guardian_consent, created_at, code
                            FROM pledge WHERE code = ?
                            """), arguments: [code.rawValue])
                guard let row else { return nil }
                guard let created = Date.fromDatabaseValue(row[9]) else {
                    throw StoreError(reason: "a pledge row cannot be read")
                }
                return try PledgeRow.pledge(
                    id: row[0], eventID: row[1], kioskID: row[2], number: row[3], name: row[4], ageBand: row[5],
                    province: row[6], school: row[7], guardianConsent: row[8], createdAt: created, code: row[10])
            }
        } catch {
            throw Self.unreadable(error)
        }
    }

    /// Counts of this store's event, from the aggregate table (never a scan of the pledges).
    /// Checks the database files first (``DatabaseFiles``): the fronts' counter and the live
    /// counter read this, so they see `database-gone` as soon as the file is deleted, before any
    /// pledge finds it.
    public func counts() async throws(PledgeError) -> PledgeCounts {
        try await files.verify(pool)
        let eventID = eventID
        do {
            return try await pool.read { db in try Self.counts(eventID: eventID, in: db) }
        } catch {
            throw Self.unreadable(error)
        }
    }

    static func counts(eventID: String, in db: Database) throws -> PledgeCounts {
        let byAgeBand = try Row.fetchAll(
            db, sql: "SELECT value, count FROM pledge_tally WHERE dimension = 'age-band' AND event_id = ?",
            arguments: [eventID])
        let byProvince = try Row.fetchAll(
            db,
            sql: """
                SELECT CASE value WHEN '' THEN 'unknown' ELSE value END, count
                FROM pledge_tally WHERE dimension = 'province' AND event_id = ?
                """,
            arguments: [eventID])
        let total =
            try Int.fetchOne(
                db,
                sql: "SELECT coalesce(sum(count), 0) FROM pledge_tally WHERE dimension = 'age-band' AND event_id = ?",
                arguments: [eventID]) ?? 0
        func dictionary(_ rows: [Row]) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: rows.map { (row: Row) in (row[0] as String, row[1] as Int) })
        }
        return PledgeCounts(total: total, byAgeBand: dictionary(byAgeBand), byProvince: dictionary(byProvince))
    }
}
