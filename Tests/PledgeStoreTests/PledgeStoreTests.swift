import Foundation
import GRDB
import KioskTestSupport
import PledgeKit
import Testing

@testable import PledgeStore

func makeStore(
    _ path: String? = nil, event: String = "test-event", walRetryInterval: Duration = .seconds(10)
) throws -> (PledgeStore, String) {
    let file = path ?? temporaryDirectory("store").appendingPathComponent("pledges.sqlite").path
    let store = try PledgeStore(
        path: file, eventID: event, defaultKioskID: "kiosk-test",
        links: try CertificateLinks(baseURL: "http://kiosk.example.vn"), walRetryInterval: walRetryInterval)
    return (store, file)
}

@Suite("Pledges in SQLite")
struct PledgeStoreTests {
    @Test func writerRunsWALWithFullSynchronous() async throws {
        let (store, _) = try makeStore()
        let (mode, synchronous, secureDelete) = try await store.pool.write { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                try Int.fetchOne(db, sql: "PRAGMA secure_delete")
            )
        }
        #expect(mode == "wal")
        #expect(synchronous == 2)
        #expect(secureDelete == 1)
    }

    @Test func recordsNumbersAndReadsBackAfterReopening() async throws {
        let (store, file) = try makeStore()
        let first = try await store.record(
            PledgeDraft(name: "Lan", ageBand: .from18To24, province: Province(matching: "Huế"), guardianConsent: false),
            idempotencyKey: try IdempotencyKey("k1"), kioskID: nil)
        let second = try await store.record(
            PledgeDraft(name: nil, ageBand: .from12To15, province: nil, guardianConsent: false),
            idempotencyKey: try IdempotencyKey("k2"), kioskID: "kiosk-02")
        #expect(first.number == 1)
        #expect(second.number == 2)
        #expect(first.certificateUrl == "HTTP://KIOSK.EXAMPLE.VN/C/\(first.code.rawValue)")
        try store.close()
        // Closed: the WAL is folded back, so the main file alone holds both pledges.
        let walSize = (try? FileManager.default.attributesOfItem(atPath: file + "-wal"))?[.size] as? Int
        #expect((walSize ?? 0) == 0)
        let copy = file + ".copy"
        try FileManager.default.copyItem(atPath: file, toPath: copy)
        let copied = try DatabaseQueue(path: copy)
        #expect(try await copied.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM pledge") } == 2)
        try copied.close()

        let (reopened, _) = try makeStore(file)
        let pledge = try #require(try await reopened.pledge(code: first.code))
        #expect(pledge.name == "Lan")
        #expect(pledge.province?.name == "Huế")
        #expect(pledge.kioskID == "kiosk-test")
        #expect(try await reopened.pledge(code: second.code)?.kioskID == "kiosk-02")
        #expect(try await reopened.pledge(code: CertificateCode.random()) == nil)
        let third = try await reopened.record(
            PledgeDraft(name: nil, ageBand: .from25, province: nil, guardianConsent: false),
            idempotencyKey: try IdempotencyKey("k3"), kioskID: nil)
        #expect(third.number == 3)
    }

    @Test func sameIdempotencyKeyMakesOneRow() async throws {
        let (store, _) = try makeStore()
        let draft = PledgeDraft(name: "Minh", ageBand: .from16To17, province: nil, guardianConsent: false)
        let key = try IdempotencyKey("retry-me")
        let first = try await store.record(draft, idempotencyKey: key, kioskID: nil)
        let again = try await store.record(draft, idempotencyKey: key, kioskID: nil)
        #expect(again == first)
        var other = draft
        other.name = "Minh Anh"
        await #expect(throws: PledgeError(.idempotencyKeyReused, vi: "", en: "")) {
            try await store.record(other, idempotencyKey: key, kioskID: nil)
        }
        #expect(try await store.counts().total == 1)
        #expect(try await store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM pledge") } == 1)
    }

    @Test("Names typed in NFC, NFD and the mixed form are stored as the same bytes", arguments: vietnameseNames)
    func storesNFC(_ name: VietnameseName) async throws {
        let (store, _) = try makeStore()
        for (index, typed) in [name.nfc, name.nfd, name.mixed].enumerated() {
            _ = try await store.record(
                PledgeDraft(name: typed, ageBand: .from18To24, province: nil, guardianConsent: false),
                idempotencyKey: try IdempotencyKey("nfc-\(index)"), kioskID: nil)
        }
        let stored = try await store.pool.read { db in
            try Data.fetchAll(db, sql: "SELECT CAST(name AS BLOB) FROM pledge ORDER BY number")
        }
        #expect(stored.count == 3)
        #expect(Set(stored) == [Data(name.nfc.utf8)])
        let distinct = try await store.pool.read {
            try Int.fetchOne($0, sql: "SELECT count(DISTINCT name) FROM pledge")
        }
        #expect(distinct == 1)
    }

    @Test func refusedDraftWritesNothing() async throws {
        let (store, _) = try makeStore()
        await #expect(throws: PledgeError(.guardianConsentRequired, vi: "", en: "")) {
            try await store.record(
                PledgeDraft(name: "Bé", ageBand: .under12, province: nil, guardianConsent: false),
                idempotencyKey: try IdempotencyKey("kid"), kioskID: nil)
        }
        #expect(try await store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM pledge") } == 0)
        #expect(try await store.pool.read { try Int.fetchOne($0, sql: "SELECT last_number FROM event") } == 0)
    }

    @Test func concurrentPledgesGetDistinctNumbersAndCountsAddUp() async throws {
        let (store, _) = try makeStore()
        let bands = AgeBand.allCases
        let receipts = try await withThrowingTaskGroup(of: PledgeReceipt.self) { group in
            for index in 0..<60 {
                group.addTask {
                    try await store.record(
                        PledgeDraft(
                            name: nil, ageBand: bands[index % bands.count],
                            province: index % 3 == 0 ? nil : Province.all[index % 34], guardianConsent: false),
                        idempotencyKey: try IdempotencyKey("c-\(index)"), kioskID: nil)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(receipts.map(\.number)) == Set(1...60))
        #expect(Set(receipts.map(\.code)).count == 60)
        let counts = try await store.counts()
        #expect(counts.total == 60)
        #expect(counts.byAgeBand.values.reduce(0, +) == 60)
        #expect(counts.byProvince.values.reduce(0, +) == 60)
        #expect(counts.byProvince["unknown"] == 20)
        #expect(counts.byAgeBand["18-24"] == 12)
    }

    @Test("After the retention deadline a name is refused, whichever front sends it; a pledge signed before keeps it")
    func namesAfterRetention() async throws {
        let file = temporaryDirectory("store").appendingPathComponent("pledges.sqlite").path
        let deadline = Date().addingTimeInterval(-3600)
        let store = try PledgeStore(
            path: file, eventID: "test-event", defaultKioskID: "kiosk-test",
            links: try CertificateLinks(baseURL: "http://kiosk.example.vn"), retentionDeadline: deadline)
        let named = PledgeDraft(name: "Lan", ageBand: .from18To24, province: nil, guardianConsent: false)
        await #expect(throws: PledgeError(.personalDataNoLongerKept, vi: "", en: "")) {
            try await store.record(named, idempotencyKey: try IdempotencyKey("late"), kioskID: nil)
        }
        var early = named
        early.signedAt = deadline.addingTimeInterval(-60)  // in a front's outbox when the deadline came
        let kept = try await store.record(early, idempotencyKey: try IdempotencyKey("early"), kioskID: "kiosk-02")
        #expect(try await store.pledge(code: kept.code)?.name == "Lan")
        var anonymous = named
        anonymous.name = nil
        _ = try await store.record(anonymous, idempotencyKey: try IdempotencyKey("anonymous"), kioskID: nil)
        #expect(try await store.counts().total == 2)
    }
}
