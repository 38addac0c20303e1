import GRDB
import PledgeKit

extension PledgeStore {
    public func isRecorded(idempotencyKey: IdempotencyKey) async throws(PledgeError) -> Bool {
        do {
            return try await pool.read { db in
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM pledge WHERE idempotency_key = ?", arguments: [idempotencyKey.rawValue])
                    ?? false
            }
        } catch {
            throw Self.unavailable(error)
        }
    }

    public func pledge(code: CertificateCode) async throws(PledgeError) -> Pledge? {
        do {
            return try await pool.read { db in
                try PledgeRow.fetchOne(db, sql: "SELECT * FROM pledge WHERE code = ?", arguments: [code.rawValue])?
                    .pledge()
            }
        } catch {
            throw Self.unavailable(error)
        }
    }

    /// Counts of this store's event, from the aggregate table (never a scan of the pledges).
    public func counts() async throws(PledgeError) -> PledgeCounts {
        let eventID = eventID
        do {
            return try await pool.read { db in
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
                        sql:
                            "SELECT coalesce(sum(count), 0) FROM pledge_tally WHERE dimension = 'age-band' AND event_id = ?",
                        arguments: [eventID]) ?? 0
                func dictionary(_ rows: [Row]) -> [String: Int] {
                    Dictionary(uniqueKeysWithValues: rows.map { (row: Row) in (row[0] as String, row[1] as Int) })
                }
                return PledgeCounts(total: total, byAgeBand: dictionary(byAgeBand), byProvince: dictionary(byProvince))
            }
        } catch {
            throw Self.unavailable(error)
        }
    }
}
