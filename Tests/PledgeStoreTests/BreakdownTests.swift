import Foundation
import GRDB
import KioskTestSupport
import PledgeKit
import Testing

@testable import PledgeStore

@Suite("Counts and breakdowns from the aggregate table")
struct BreakdownTests {
    /// Every non-empty combination of the six dimensions.
    static let combinations: [[CountDimension]] = (1..<(1 << CountDimension.allCases.count)).map { mask in
        CountDimension.allCases.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element)
    }

    @Test func hundredThousandPledgesAddUpInEveryCombination() async throws {
        let (store, _) = try makeStore()
        let started = ContinuousClock.now
        try await GeneratedPledges.insert(100_000, into: store)
        let inserted = ContinuousClock.now
        #expect(try await store.breakdown(by: []).total == 100_000)
        var smallGroups = 0
        for dimensions in Self.combinations {
            let breakdown = try await store.breakdown(by: dimensions)
            #expect(breakdown.total == 100_000, "\(dimensions)")
            #expect(breakdown.addsUp, "\(dimensions)")
            smallGroups += breakdown.buckets.filter { $0.count < 5 }.count
            let published = breakdown.anonymized(minimumGroupSize: 5)
            #expect(published.addsUp, "\(dimensions)")
            #expect(published.buckets.allSatisfy { $0.count >= 5 }, "\(dimensions)")
        }
        #expect(smallGroups > 0, "the data set must have small groups for --public to merge")
        let grouped = ContinuousClock.now
        print("100,000 pledges: insert \(inserted - started), 63 breakdowns \(grouped - inserted)")
        // What the public may see adds up too, and every named group has at least 5.
        var publicBreakdowns = 0
        for dimensions in Self.combinations where CountDimension.publicCombinationError(dimensions) == nil {
            let published = try await store.publicBreakdown(by: dimensions)
            #expect(published.total == 100_000 && published.addsUp, "\(dimensions)")
            #expect(
                published.buckets.allSatisfy { $0.count >= 5 || $0.values.allSatisfy { $0 == Breakdown.other } },
                "\(dimensions)")
            publicBreakdowns += 1
        }
        let counts = try await store.publicCounts()
        #expect(counts.byAgeBand.values.reduce(0, +) == counts.total)
        print("\(publicBreakdowns) public breakdowns and the public counts: \(ContinuousClock.now - grouped)")

        // The aggregate agrees with a scan of the pledges themselves.
        let scanned = try await store.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT event_id, age_band, coalesce(province, 'unknown') AS p, count(*) FROM pledge
                    GROUP BY 1, 2, 3
                    """
            ).map { Breakdown.Bucket(values: [$0[0], $0[1], $0[2]], count: $0[3]) }
        }
        let aggregated = try await store.breakdown(by: [.event, .ageBand, .province]).buckets
        #expect(Set(scanned) == Set(aggregated))
        let byProvince = try await store.breakdown(by: [.province])
        #expect(byProvince.buckets.last?.values == ["unknown"])
        let ownEvent = try await store.breakdown(by: [.event, .province]).buckets.filter {
            $0.values[0] == store.eventID
        }
        #expect(try await store.counts().byProvince["unknown"] == ownEvent.last?.count)
        #expect(ownEvent.last?.values == [store.eventID, "unknown"])
    }

    /// The GROUP BY over the pledges themselves that a breakdown must agree with.
    static func scan(_ dimension: CountDimension) -> String {
        switch dimension {
        case .event: "event_id"
        case .kiosk: "kiosk_id"
        case .day: "date(created_at, '+7 hours')"
        case .hour: "strftime('%Y-%m-%dT%H:00', created_at, '+7 hours')"
        case .ageBand: "age_band"
        case .province: "coalesce(province, 'unknown')"
        case .channel: "CASE kiosk_id WHEN 'phone' THEN 'phone' ELSE 'kiosk' END"
        }
    }

    @Test func everyBreakdownAgreesWithAScanOfThePledges() async throws {
        let (store, _) = try makeStore()
        // Three days, so that days and hours have many values.
        try await GeneratedPledges.insert(20_000, into: store, hours: 72)
        for dimensions in Self.combinations {
            let columns = dimensions.map(Self.scan).joined(separator: ", ")
            let groups = (1...dimensions.count).map(String.init).joined(separator: ", ")
            let scanned = try await store.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(columns), count(*) FROM pledge GROUP BY \(groups)").map { row in
                    Breakdown.Bucket(
                        values: (0..<dimensions.count).map { row[$0] as String }, count: row[dimensions.count])
                }
            }
            let breakdown = try await store.breakdown(by: dimensions)
            #expect(Set(breakdown.buckets) == Set(scanned), "\(dimensions)")
            #expect(breakdown.buckets.count == scanned.count, "\(dimensions)")
            #expect(breakdown.total == 20_000)
        }
        let totals = try await store.eventTotals()
        #expect(totals.map(\.count).reduce(0, +) == 20_000)
        #expect(totals.first?.eventID == store.eventID)
        let counts = try await store.counts()
        let own = try await store.breakdown(by: [.event, .province]).buckets.filter { $0.values[0] == store.eventID }
        #expect(counts.total == totals.first?.count)
        #expect(counts.byProvince == Dictionary(uniqueKeysWithValues: own.map { ($0.values[1], $0.count) }))
    }

    @Test func dayAndHourAreVietnamTime() async throws {
        let (store, _) = try makeStore()
        // 23:30 UTC on 9 October is 06:30 on 10 October in Vietnam.
        try await store.pool.write { db in
            _ = try PledgeStore.insert(
                PledgeDraft(name: nil, ageBand: .from18To24, province: nil, guardianConsent: false),
                key: try IdempotencyKey("late"), eventID: store.eventID, kioskID: "k",
                at: Date(timeIntervalSince1970: 1_760_052_600), in: db)
        }
        let breakdown = try await store.breakdown(by: [.day, .hour])
        #expect(breakdown.buckets == [Breakdown.Bucket(values: ["2025-10-10", "2025-10-10T06:00"], count: 1)])
        let kiosks = try await store.kioskActivity()
        #expect(kiosks.map(\.kioskID) == ["k"])
        #expect(kiosks.first?.pledges == 1)
    }

    @Test func aV1DatabaseMigratesWithItsCountsAndKeys() async throws {
        let file = temporaryDirectory("v1").appendingPathComponent("old.sqlite").path
        do {
            let queue = try DatabaseQueue(path: file)
            try PledgeStore.migrator.migrate(queue, upTo: "v1: events and pledges")
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO event (id, last_number) VALUES ('test-event', 3)")
                for (number, name, province) in [(1, "Đỗ Đức Đạt", "Huế"), (2, nil, nil), (3, "An", "Huế")] {
                    try db.execute(
                        sql: """
                            INSERT INTO pledge (id, event_id, kiosk_id, number, name, age_band, province, school,
                                guardian_consent, created_at, code, idempotency_key)
                            VALUES (?, 'test-event', 'kiosk-01', ?, ?, '18-24', ?, NULL, 0,
                                '2025-10-10 02:15:00.000', ?, ?)
                            """,
                        arguments: [
                            UUID().uuidString, number, name, province, CertificateCode.random().rawValue,
                            "v1-\(number)",
                        ])
                }
            }
        }
        let (store, _) = try makeStore(file)
        let counts = try await store.counts()
        #expect(counts.total == 3)
        #expect(counts.byProvince == ["Huế": 2, "unknown": 1])
        let hours = try await store.breakdown(by: [.hour])
        #expect(hours.buckets == [Breakdown.Bucket(values: ["2025-10-10T09:00"], count: 3)])
        #expect(try await store.find("do duc dat").map(\.name) == ["Đỗ Đức Đạt"])
        // SQLite's text ends at a NUL: "\0zz" would have searched for "" and found everyone.
        #expect(try await store.find("\u{0}zz").isEmpty)
        #expect(try await store.find("d\u{0}zz").isEmpty)
        #expect(try await store.kioskActivity().first?.pledges == 3)
        // New pledges continue the numbering and the counts.
        _ = try await store.record(
            PledgeDraft(name: nil, ageBand: .from12To15, province: nil, guardianConsent: false),
            idempotencyKey: try IdempotencyKey("after-migration"), kioskID: nil)
        #expect(try await store.counts().total == 4)
    }
}
