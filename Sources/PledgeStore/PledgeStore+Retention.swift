import Foundation
import GRDB
import PledgeKit

extension PledgeStore {
    /// Erases names and schools (and their search and sort keys) of this event's pledges made
    /// before `date`, keeping every count: the retention limit of Decree 13/2023/NĐ-CP.
    ///
    /// Then makes the old bytes leave the file: `secure_delete` already zeroes freed space; a
    /// WAL checkpoint (TRUNCATE) moves the changes into the database file and empties the WAL,
    /// and VACUUM rewrites the file, so no page still holds an erased name.
    /// - Returns: how many pledges had personal data erased.
    public func purgePersonalData(createdBefore date: Date) async throws -> Int {
        try await files.verify(pool)
        let eventID = eventID
        let erased = try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE pledge SET name = NULL, school = NULL, search_key = NULL, sort_key = NULL, erased_at = ?
                    WHERE event_id = ? AND created_at < ? AND (name IS NOT NULL OR school IS NOT NULL)
                    """,
                arguments: [Date(), eventID, date])
            return db.changesCount
        }
        if erased > 0 {
            try await compact()
        }
        return erased
    }

    /// Checkpoints the WAL into the file, rewrites the file (VACUUM) and truncates the WAL.
    public func compact() async throws {
        try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            try db.execute(sql: "VACUUM")
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// Pledges of any event whose name contains `text`, ignoring case and diacritics, with đ
    /// matching d (``VietnameseText/searchKey(_:)``: SQLite's LIKE and NOCASE fold ASCII only),
    /// in Vietnamese alphabetical order (``VietnameseText/sortKey(_:)``).
    public func find(_ text: String, limit: Int = 200) async throws(PledgeError) -> [Pledge] {
        let key = VietnameseText.searchKey(VietnameseText.nfc(text))
        guard !key.isEmpty else { return [] }
        do {
            return try await pool.read { db in
                try PledgeRow.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM pledge WHERE instr(search_key, ?) > 0
                        ORDER BY sort_key, event_id, number LIMIT ?
                        """,
                    arguments: [key, limit]
                ).map { try $0.pledge() }
            }
        } catch {
            throw Self.unavailable(error)
        }
    }
}
