import Foundation
import HubCore
import HubStore
import KioskAPI
import KioskTestSupport
import PledgeKit
import Testing

/// The counter table (event × age band × province), updated in each batch's transaction, equals
/// the pledges it counts, per event and nationally.
@Suite struct HubCountsTests {
    @Test func countsEqualTheRowsTheyCount() async throws {
        try await withTestStore { store, database in
            let events = [Fixtures.event(), Fixtures.event("can-tho-2026", tag: "CT26")]
            for event in events { try await Fixtures.register(event, in: store) }
            var generator = SplitMix64(seed: 14)
            let provinces: [String?] = [nil, "Huế", "Cần Thơ", "Hà Nội", "Cà Mau"]
            for event in events {
                var sequence = 0
                var sent: [SyncRow] = []
                for _ in 0..<6 {
                    let rows = (0..<Int.random(in: 1...40, using: &generator)).map { _ in
                        sequence += 1
                        return Fixtures.pledge(
                            sequence, name: nil, ageBand: AgeBand.allCases.randomElement(using: &generator)!,
                            province: provinces.randomElement(using: &generator)!)
                    }
                    _ = try await store.apply(Fixtures.batch(rows, event: event), from: event)
                    sent += rows
                    // A replay of some earlier rows now and then: counted once.
                    let replay = Array(sent.prefix(Int.random(in: 0...sent.count, using: &generator)))
                    _ = try await store.apply(Fixtures.batch(replay, event: event), from: event)
                }
            }
            for event in events {
                let counts = try await store.counts(event: event.id)
                let expected = try await counted(in: database, event: event.id.rawValue)
                #expect(counts == expected)
                #expect(counts.byAgeBand.values.reduce(0, +) == counts.total)
                #expect(counts.byProvince.values.reduce(0, +) == counts.total)
            }
            #expect(try await store.counts(event: nil) == (try await counted(in: database, event: nil)))
            #expect(
                try await store.counts(event: EventID("no-such-event")!)
                    == PledgeCounts(total: 0, byAgeBand: [:], byProvince: [:]))
        }
    }

    /// The counts of the pledges themselves, in the event service's shape.
    private func counted(in database: TestPostgres, event: String?) async throws -> PledgeCounts {
        let filter = event.map { "WHERE event_id = '\($0)'" } ?? ""
        let text = try await database.psql(
            "SELECT age_band, coalesce(province, 'unknown'), count(*) FROM hub_pledge \(filter) GROUP BY 1, 2")
        var counts = PledgeCounts(total: 0, byAgeBand: [:], byProvince: [:])
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "|").map(String.init)
            let count = Int(fields[2])!
            counts.total += count
            counts.byAgeBand[fields[0], default: 0] += count
            counts.byProvince[fields[1], default: 0] += count
        }
        return counts
    }
}
