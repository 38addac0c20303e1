import Foundation
import GRDB
import PledgeKit

extension PledgeStore {
    /// Stores pledges that were made elsewhere (a benchmark's generated data set, a restore) in one
    /// immediate transaction, with the aggregate tables (`pledge_count`, `kiosk_activity`) and each
    /// event's last number left exactly as if every pledge had been recorded through
    /// ``record(_:idempotencyKey:kioskID:code:)``.
    ///
    /// Not for signers: the pledges are trusted as given. Ids, numbers, codes, times and names are
    /// stored as they are, without ``PledgeDraft/validated()``; the schema's constraints still
    /// apply, so a repeated number, code, id or idempotency key fails the whole load. An event that
    /// is not in the database yet is added. Each event's `last_number` becomes at least the largest
    /// number loaded for it, so pledges recorded afterwards continue the sequence.
    ///
    /// Blocks the calling thread for the whole load (about 10 µs a pledge); other writers wait.
    /// The sequence is consumed lazily, so a generator of a million pledges needs no array of them.
    /// - Parameter pledges: each pledge with the idempotency key it is stored under.
    /// - Returns: how many pledges were stored.
    /// - Throws: ``StoreError`` with SQLite's reason; then nothing was stored.
    @discardableResult
    public func load(_ pledges: some Sequence<(pledge: Pledge, key: IdempotencyKey)>) throws -> Int {
        do {
            return try pool.writeWithoutTransaction { db in
                // A large page cache for the load: index pages written several times stay in
                // memory instead of being spilled to the WAL again and again.
                let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
                try db.execute(sql: "PRAGMA cache_size = -262144")
                defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
                var loaded = 0
                try db.inTransaction(.immediate) {
                    loaded = try Self.load(pledges, in: db)
                    return .commit
                }
                return loaded
            }
        } catch let error as DatabaseError {
            throw StoreError(reason: "the pledges were not loaded (SQLite: \(error.message ?? "\(error.resultCode)"))")
        }
    }

    private static func load(_ pledges: some Sequence<(pledge: Pledge, key: IdempotencyKey)>, in db: Database)
        throws -> Int
    {
        let insert = try db.makeStatement(
            sql: """
                INSERT INTO pledge (id, event_id, kiosk_id, number, name, age_band, province, school,
                    guardian_consent, created_at, code, idempotency_key, search_key, sort_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        // Names repeat across a large load: their search and sort keys are computed once each.
        var nameKeys: [String: (search: String, sort: String)] = [:]
        var groups: [CountKey: (pledges: Int, last: Date)] = [:]
        var lastNumbers: [String: Int] = [:]
        var loaded = 0
        for (pledge, key) in pledges {
            if lastNumbers[pledge.eventID] == nil {
                try db.execute(sql: "INSERT OR IGNORE INTO event (id) VALUES (?)", arguments: [pledge.eventID])
            }
            lastNumbers[pledge.eventID] = max(lastNumbers[pledge.eventID] ?? 0, pledge.number)
            let keys = pledge.name.map { name in
                if let known = nameKeys[name] { return known }
                let made = (search: VietnameseText.searchKey(name), sort: VietnameseText.sortKey(name))
                nameKeys[name] = made
                return made
            }
            let created = pledge.createdAt
            insert.setUncheckedArguments([
                pledge.id.uuidString, pledge.eventID, pledge.kioskID, pledge.number, pledge.name,
                pledge.ageBand.rawValue, pledge.province?.name, pledge.school, pledge.guardianConsent, created,
                pledge.code.rawValue, key.rawValue, keys?.search, keys?.sort,
            ])
            try insert.execute()
            let group = CountKey(pledge)
            let sofar = groups[group]
            groups[group] = ((sofar?.pledges ?? 0) + 1, max(sofar?.last ?? created, created))
            loaded += 1
        }
        for (group, total) in groups {
            try count(group, pledges: total.pledges, lastPledgeAt: total.last, in: db)
        }
        for (event, number) in lastNumbers {
            try db.execute(
                sql: "UPDATE event SET last_number = max(last_number, ?) WHERE id = ?", arguments: [number, event])
        }
        return loaded
    }
}
