import GRDB
import PledgeKit

extension PledgeStore {
    /// The breakdown the public may see (see ``PublicCounts``): exact groups and the withheld
    /// pledges read in one transaction, so they always agree.
    /// - Throws: ``PledgeError`` `invalid-request` (field `by`) for a combination the public may
    ///   not see; `unavailable` when the database cannot be read.
    public func publicBreakdown(by dimensions: [CountDimension]) async throws(PledgeError) -> Breakdown {
        if let refused = CountDimension.publicCombinationError(dimensions) { throw refused }
        try await files.refuseIfGone()
        do {
            return try await pool.read { db in
                let exact = try Self.breakdown(by: dimensions, in: db)
                guard !dimensions.isEmpty else { return exact.published(withholding: []) }
                let columns = dimensions.map(Self.expression).joined(separator: ", ")
                let withheld = try Self.withheld(eventID: nil, columns: columns, in: db).map { row in
                    (0..<dimensions.count).map { row[$0] as String }
                }
                return exact.published(withholding: withheld)
            }
        } catch let error as PledgeError {
            throw error
        } catch {
            throw Self.unreadable(error)
        }
    }

    /// ``counts()`` as the public may see them (see ``PublicCounts``).
    public func publicCounts() async throws(PledgeError) -> PledgeCounts {
        try await files.verify(pool)
        let eventID = eventID
        do {
            return try await pool.read { db in
                let exact = try Self.counts(eventID: eventID, in: db)
                let columns = "\(Self.expression(.ageBand)), \(Self.expression(.province))"
                let withheld = try Self.withheld(eventID: eventID, columns: columns, in: db).map { row in
                    (ageBand: row[0] as String, province: row[1] as String)
                }
                return exact.published(withholding: withheld)
            }
        } catch {
            throw Self.unreadable(error)
        }
    }

    /// The withheld pledges of every kiosk (of `eventID`, or of every event): the newest
    /// `pledges mod k` of each by arrival (`number`, given in commit order; not `created_at`,
    /// which an offline front sets in the past), as rows of `columns`, SQL expressions over the
    /// columns of `pledge_count` (see ``expression(_:)``). Each kiosk's rows are read newest first
    /// along the event's `(event_id, number)` index (`+kiosk_id` keeps SQLite from sorting the
    /// kiosk's every pledge instead), stopping at the last one needed.
    static func withheld(eventID: String?, columns: String, in db: Database) throws -> [Row] {
        let kiosks = try Row.fetchAll(
            db,
            sql: "SELECT event_id, kiosk_id, pledges FROM kiosk_activity WHERE ?1 IS NULL OR event_id = ?1",
            arguments: [eventID])
        var rows: [Row] = []
        for kiosk in kiosks {
            let count = PublicCounts.withheld(of: kiosk[2] as Int)
            guard count > 0 else { continue }
            rows += try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(columns) FROM (
                            SELECT event_id, kiosk_id, CAST(strftime('%s', created_at) AS INTEGER) / 3600 AS hour,
                                age_band, coalesce(province, '') AS province
                            FROM pledge WHERE event_id = ? AND +kiosk_id = ? ORDER BY number DESC LIMIT ?)
                        """), arguments: [kiosk[0] as String, kiosk[1] as String, count])
        }
        return rows
    }
}
