import Foundation
import GRDB
import KioskTestSupport
import PledgeKit
import Testing

@testable import PledgeStore

/// A store of an event linked to the hub makes codes of the issued form; a proposed code of either
/// form is kept as it is.
@Suite("Codes the store makes")
struct IssuedCodeStoreTests {
    static let issuer = CodeIssuer(SyncToken.random(tag: "H4B8"))

    func draft(_ index: Int) -> PledgeDraft {
        PledgeDraft(name: "Người ký \(index)", ageBand: .from18To24, province: nil, guardianConsent: false)
    }

    func makeIssuingStore() throws -> PledgeStore {
        try PledgeStore(
            path: temporaryDirectory("store").appendingPathComponent("pledges.sqlite").path, eventID: "hub-event",
            defaultKioskID: "kiosk-test", links: try CertificateLinks(baseURL: "http://kiosk.example.vn"),
            codeIssuer: Self.issuer)
    }

    @Test func withAnIssuerEveryNewCodeIsOfTheIssuedFormAlsoInAGroupCommit() async throws {
        let store = try makeIssuingStore()
        defer { try? store.close() }
        let receipts = try await withThrowingTaskGroup(of: PledgeReceipt.self) { group in
            for index in 0..<100 {
                group.addTask {
                    try await store.record(draft(index), idempotencyKey: try IdempotencyKey("i-\(index)"), kioskID: nil)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(receipts.count == 100)
        for receipt in receipts {
            #expect(receipt.code.codeTag == "H4B8")
            #expect(Self.issuer.issued(receipt.code))
            #expect(receipt.certificateUrl == "HTTP://KIOSK.EXAMPLE.VN/C/\(receipt.code.rawValue)")
            #expect(try await store.pledge(code: receipt.code)?.number == receipt.number)
        }
        // A retry with the same key answers the same code.
        let again = try await store.record(draft(3), idempotencyKey: try IdempotencyKey("i-3"), kioskID: nil)
        #expect(receipts.contains { $0.code == again.code })
    }

    @Test func aProposedCodeOfEitherFormIsKept() async throws {
        let store = try makeIssuingStore()
        defer { try? store.close() }
        let old = try #require(CertificateCode(parsing: "7KQ2MX4P9TZA01B1"))
        let first = try await store.record(draft(1), idempotencyKey: try IdempotencyKey("p-1"), kioskID: nil, code: old)
        #expect(first.code == old)
        let issued = Self.issuer.newCode()
        let second = try await store.record(
            draft(2), idempotencyKey: try IdempotencyKey("p-2"), kioskID: nil, code: issued)
        #expect(second.code == issued)
        #expect(try await store.pledge(code: old)?.name == "Người ký 1")
        #expect(try await store.pledge(code: issued)?.name == "Người ký 2")
    }

    /// v6 rebuilds the pledge table to let 27-character codes in: every row, its rowid and its
    /// indexes are kept, and a 16-character code is still all v4 databases hold.
    @Test func aV4DatabaseMigratesAndTakesIssuedCodes() async throws {
        var before: [Row] = []
        let old = temporaryDirectory("v4-rows").appendingPathComponent("old.sqlite").path
        do {
            let queue = try DatabaseQueue(path: old)
            try PledgeStore.migrator.migrate(queue, upTo: "v4: counts per dimension")
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO event (id, last_number) VALUES ('hub-event', 3)")
                // v4 refuses a 27-character code.
                #expect(throws: DatabaseError.self) {
                    try Self.insertRaw(db, number: 1, code: Self.issuer.newCode().rawValue, key: "too-long")
                }
                for number in 1...3 {
                    try Self.insertRaw(db, number: number, code: CertificateCode.random().rawValue, key: "v4-\(number)")
                }
                // A gap in rowids, as deleting rows would leave: kept as it is.
                try db.execute(sql: "DELETE FROM pledge WHERE number = 2")
            }
            before = try await queue.read { db in
                try Row.fetchAll(db, sql: "SELECT rowid AS r, * FROM pledge ORDER BY rowid")
            }
            try queue.close()
        }
        let store = try PledgeStore(
            path: old, eventID: "hub-event", defaultKioskID: "kiosk-test",
            links: try CertificateLinks(baseURL: "http://kiosk.example.vn"), codeIssuer: Self.issuer)
        defer { try? store.close() }
        let after = try await store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT rowid AS r, * FROM pledge WHERE number <= 3 ORDER BY rowid")
        }
        #expect(after == before)
        let indexes = try await store.pool.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'pledge' AND sql IS NOT NULL")
        }
        #expect(Set(indexes) == ["pledge_by_event_created", "pledge_by_kiosk_time"])
        let receipt = try await store.record(draft(4), idempotencyKey: try IdempotencyKey("after-v6"), kioskID: nil)
        #expect(receipt.number == 4)
        #expect(Self.issuer.issued(receipt.code))
        // The CHECK still holds: a code of another length is refused by SQLite itself.
        try await store.pool.write { db in
            #expect(throws: DatabaseError.self) { try Self.insertRaw(db, number: 9, code: "ABC", key: "bad") }
        }
    }

    static func insertRaw(_ db: Database, number: Int, code: String, key: String) throws {
        try db.execute(
            sql: """
                INSERT INTO pledge (id, event_id, kiosk_id, number, name, age_band, province, school,
                    guardian_consent, created_at, code, idempotency_key)
                VALUES (?, 'hub-event', 'kiosk-01', ?, 'Trần Văn Ơn', '18-24', NULL, NULL, 0,
                    '2025-10-10 02:15:00.000', ?, ?)
                """,
            arguments: [UUID().uuidString, number, code, key])
    }

    @Test func withoutAnIssuerCodesAreOfTheFirstForm() async throws {
        let (store, _) = try makeStore()
        defer { try? store.close() }
        let receipt = try await store.record(draft(1), idempotencyKey: try IdempotencyKey("o-1"), kioskID: nil)
        #expect(receipt.code.rawValue.count == CertificateCode.length)
        #expect(receipt.code.codeTag == nil)
        #expect(store.codeIssuer == nil)
    }
}
