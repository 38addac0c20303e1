import Foundation
import GRDB
import KioskTestSupport
import PledgeKit
import Testing

@testable import PledgeStore

@Suite("Bulk load: the same rows and counts as recording each pledge")
struct BulkLoadTests {
    /// Every column of the tables a pledge touches, in a fixed order.
    static func snapshot(_ store: PledgeStore) async throws -> [String: [[DatabaseValue]]] {
        try await store.pool.read { db in
            var tables: [String: [[DatabaseValue]]] = [:]
            for (name, sql) in [
                ("pledge", "SELECT * FROM pledge ORDER BY event_id, number"),
                ("pledge_count", "SELECT * FROM pledge_count ORDER BY 1, 2, 3, 4, 5"),
                ("kiosk_activity", "SELECT * FROM kiosk_activity ORDER BY 1, 2"),
                ("pledge_tally", "SELECT * FROM pledge_tally ORDER BY 1, 2, 3"),
                ("event", "SELECT * FROM event ORDER BY id"),
            ] {
                tables[name] = try Row.fetchAll(db, sql: sql).map { Array($0.databaseValues) }
            }
            return tables
        }
    }

    /// Every pledge of a store (of every event) in the order they were stored, with its
    /// idempotency key.
    static func pledges(of store: PledgeStore) async throws -> [(pledge: Pledge, key: IdempotencyKey)] {
        try await store.pool.read { db in
            try PledgeRow.fetchAll(db, sql: "SELECT * FROM pledge ORDER BY rowid").map {
                (try $0.pledge(), try IdempotencyKey($0.idempotencyKey))
            }
        }
    }

    @Test func loadingRecordedPledgesGivesTheSameTables() async throws {
        let (recorded, _) = try makeStore()
        try await GeneratedPledges.insert(3000, into: recorded, hours: 72)
        // Times with milliseconds, and a name with diacritics, must come through unchanged.
        try await recorded.pool.write { db in
            _ = try PledgeStore.insert(
                PledgeDraft(
                    name: "Đỗ Thị Ánh", ageBand: .from12To15, province: Province(matching: "Huế"),
                    school: "Trường THCS Lê Lợi, Huế", guardianConsent: true),
                key: try IdempotencyKey("ms"), eventID: recorded.eventID, kioskID: "kiosk-01",
                at: Date(timeIntervalSince1970: 1_760_058_000.123), in: db)
        }
        let original = try await Self.pledges(of: recorded)
        #expect(original.count == 3001)

        let (loaded, _) = try makeStore()
        #expect(try loaded.load(original) == 3001)
        let (expected, actual) = (try await Self.snapshot(recorded), try await Self.snapshot(loaded))
        for table in ["pledge", "pledge_count", "kiosk_activity", "pledge_tally", "event"] {
            #expect(actual[table] == expected[table], "\(table)")
        }
        #expect(try await Self.pledges(of: loaded).map(\.pledge) == original.map(\.pledge))
        for dimensions: [CountDimension] in [[.event, .kiosk, .hour, .ageBand, .province], [.day]] {
            #expect(try await loaded.breakdown(by: dimensions) == recorded.breakdown(by: dimensions))
        }

        // Recording after a load continues the event's numbering.
        let last = original.filter { $0.pledge.eventID == loaded.eventID }.map(\.pledge.number).max()!
        let receipt = try await loaded.record(
            PledgeDraft(name: nil, ageBand: .from18To24, province: nil, guardianConsent: false),
            idempotencyKey: try IdempotencyKey("after-load"), kioskID: nil)
        #expect(receipt.number == last + 1)
    }

    @Test func aRepeatedCodeFailsTheWholeLoad() async throws {
        let (recorded, _) = try makeStore()
        try await GeneratedPledges.insert(50, into: recorded, otherEvent: false)
        var pledges = try await Self.pledges(of: recorded)
        pledges[40].pledge.code = pledges[3].pledge.code
        let (store, _) = try makeStore()
        #expect(throws: StoreError.self) { try store.load(pledges) }
        #expect(try await store.breakdown(by: []).total == 0)
        #expect(try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM pledge") } == 0)
        #expect(try await store.kioskActivity().isEmpty)
    }

    /// Dates are stored as GRDB writes them (`yyyy-MM-dd HH:mm:ss.SSS`, UTC), the text the
    /// queries compare (`created_at < ?`) and the databases already on disk hold.
    @Test func datesAreStoredAsGRDBText() async throws {
        let (store, _) = try makeStore()
        let at = Date(timeIntervalSince1970: 1_760_088_605.123)
        try await store.pool.write { db in
            _ = try PledgeStore.insert(
                PledgeDraft(name: "An", ageBand: .from18To24, province: nil, guardianConsent: false),
                key: try IdempotencyKey("date"), eventID: store.eventID, kioskID: "kiosk-01", at: at, in: db)
        }
        let texts = try await store.pool.read { db in
            try [
                String.fetchOne(db, sql: "SELECT created_at FROM pledge"),
                String.fetchOne(db, sql: "SELECT last_pledge_at FROM kiosk_activity"),
            ]
        }
        #expect(texts == ["2025-10-10 09:30:05.123", "2025-10-10 09:30:05.123"])
        #expect(try await store.newestPledgeDate().map { abs($0.timeIntervalSince(at)) < 0.001 } == true)
        // A date without milliseconds (an older writer) is still read.
        try await store.pool.write { db in
            try db.execute(sql: "UPDATE kiosk_activity SET last_pledge_at = '2025-10-10 09:30'")
        }
        #expect(try await store.newestPledgeDate() == Date(timeIntervalSince1970: 1_760_088_600))
    }
}
