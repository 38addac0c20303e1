import Foundation
import GRDB
import PledgeKit

extension PledgeStore: OrganizerService {
    /// The SQL expression of a dimension over `pledge_count`. Day and hour are Vietnam time:
    /// `hour` is stored in UTC, and Vietnam is UTC+7 all year.
    static func expression(_ dimension: CountDimension) -> String {
        switch dimension {
        case .event: "event_id"
        case .kiosk: "kiosk_id"
        case .day: "date((hour + 7) * 3600, 'unixepoch')"
        case .hour: "strftime('%Y-%m-%dT%H:00', (hour + 7) * 3600, 'unixepoch')"
        case .ageBand: "age_band"
        case .province: "CASE province WHEN '' THEN '\(Breakdown.unknown)' ELSE province END"
        }
    }

    public func breakdown(by dimensions: [CountDimension]) async throws(PledgeError) -> Breakdown {
        do {
            return try await pool.read { db in try Self.breakdown(by: dimensions, in: db) }
        } catch {
            throw Self.unavailable(error)
        }
    }

    /// The total and the groups, read in one transaction so they always agree. One dimension
    /// (with or without the event) and the total come from `pledge_tally`, a few hundred rows;
    /// other combinations group `pledge_count`.
    static func breakdown(by dimensions: [CountDimension], in db: Database) throws -> Breakdown {
        // Every pledge is in exactly one age band: that dimension's tally adds up to the total.
        let total =
            try Int.fetchOne(db, sql: "SELECT coalesce(sum(count), 0) FROM pledge_tally WHERE dimension = 'age-band'")
            ?? 0
        guard !dimensions.isEmpty else { return Breakdown(dimensions: [], total: total, buckets: []) }
        let groups = (1...dimensions.count).map(String.init).joined(separator: ", ")
        let sql: String
        let others = dimensions.filter { $0 != .event }
        if others.count <= 1 {
            let tallied = tallyExpression(others.first ?? .event)
            let columns = dimensions.map { $0 == .event ? "event_id" : tallied.value }.joined(separator: ", ")
            sql = """
                SELECT \(columns), sum(count) FROM pledge_tally WHERE dimension = '\(tallied.dimension)'
                GROUP BY \(groups) HAVING sum(count) > 0
                """
        } else {
            let columns = dimensions.map(expression).joined(separator: ", ")
            sql = "SELECT \(columns), sum(count) FROM pledge_count GROUP BY \(groups) HAVING sum(count) > 0"
        }
        let rows = try Row.fetchCursor(db, sql: sql)
        var buckets: [Breakdown.Bucket] = []
        while let row = try rows.next() {
            buckets.append(
                Breakdown.Bucket(
                    values: (0..<dimensions.count).map { row[$0] as String }, count: row[dimensions.count] as Int))
        }
        let order = BucketOrder(dimensions: dimensions)
        buckets.sort(by: order.precedes)
        return Breakdown(dimensions: dimensions, total: total, buckets: buckets)
    }

    public func eventTotals() async throws(PledgeError) -> [EventTotal] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT event_id, sum(count) FROM pledge_tally WHERE dimension = 'age-band'
                        GROUP BY 1 ORDER BY 2 DESC, 1
                        """
                ).map { EventTotal(eventID: $0[0], count: $0[1]) }
            }
        } catch {
            throw Self.unavailable(error)
        }
    }

    public func kioskActivity() async throws(PledgeError) -> [KioskActivity] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM kiosk_activity ORDER BY event_id, kiosk_id"
                ).map {
                    KioskActivity(
                        eventID: $0["event_id"], kioskID: $0["kiosk_id"], pledges: $0["pledges"],
                        lastPledgeAt: $0["last_pledge_at"])
                }
            }
        } catch {
            throw Self.unavailable(error)
        }
    }

    public func exportPage(after cursor: Int64?, limit: Int) async throws(PledgeError) -> ExportPage {
        do {
            return try await pool.read { db in try Self.exportPage(after: cursor, limit: limit, in: db) }
        } catch {
            throw Self.unavailable(error)
        }
    }

    /// Reads a page by column position from a cursor, with the fast decoders of ``PledgeRow``:
    /// a million-row export spends most of its time here.
    static func exportPage(after cursor: Int64?, limit: Int, in db: Database) throws -> ExportPage {
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT rowid, id, event_id, kiosk_id, number, name, age_band, province, school,
                        guardian_consent, created_at, code
                    FROM pledge WHERE rowid > ? ORDER BY rowid LIMIT ?
                    """),
            arguments: [cursor ?? 0, limit])
        var pledges: [Pledge] = []
        pledges.reserveCapacity(limit)
        var last: Int64 = 0
        while let row = try rows.next() {
            last = row[0]
            let id: String = row[1]
            guard let created = StoredDate.date(row[10]) else {
                throw StoreError(reason: "pledge row \(id) cannot be read")
            }
            pledges.append(
                try PledgeRow.pledge(
                    id: id, eventID: row[2], kioskID: row[3], number: row[4], name: row[5], ageBand: row[6],
                    province: row[7], school: row[8], guardianConsent: row[9], createdAt: created, code: row[11]))
        }
        return ExportPage(pledges: pledges, next: pledges.count < limit ? nil : last)
    }

    public func erasePersonalData(code: CertificateCode) async throws(PledgeError) -> Bool {
        do {
            return try await pool.write { db in
                guard
                    try Bool.fetchOne(db, sql: "SELECT 1 FROM pledge WHERE code = ?", arguments: [code.rawValue])
                        == true
                else { return false }
                try db.execute(
                    sql: """
                        UPDATE pledge SET name = NULL, school = NULL, search_key = NULL, sort_key = NULL, erased_at = ?
                        WHERE code = ? AND (name IS NOT NULL OR school IS NOT NULL)
                        """,
                    arguments: [Date(), code.rawValue])
                return true
            }
        } catch {
            throw Self.unavailable(error)
        }
    }
}

/// The order of buckets: age bands youngest first, provinces in the order of the 2025
/// resolution with "unknown" last, everything else (event, kiosk, day, hour) by text.
struct BucketOrder {
    let dimensions: [CountDimension]
    private static let bandRank = Dictionary(
        uniqueKeysWithValues: AgeBand.allCases.enumerated().map { ($0.element.rawValue, $0.offset) })
    private static let provinceRank = Dictionary(
        uniqueKeysWithValues: Province.all.enumerated().map { ($0.element.name, $0.offset) })

    func precedes(_ a: Breakdown.Bucket, _ b: Breakdown.Bucket) -> Bool {
        for (index, dimension) in dimensions.enumerated() where a.values[index] != b.values[index] {
            let (x, y) = (a.values[index], b.values[index])
            switch dimension {
            case .ageBand: return (Self.bandRank[x] ?? 99) < (Self.bandRank[y] ?? 99)
            case .province: return (Self.provinceRank[x] ?? 99, x) < (Self.provinceRank[y] ?? 99, y)
            default: return x < y
            }
        }
        return false
    }
}
