import Foundation
import GRDB
import PledgeKit

@testable import PledgeStore

/// A deterministic data set: pledges inserted through the store's own insert (so the aggregate
/// tables are maintained exactly as in production), in one transaction for speed.
enum GeneratedPledges {
    /// One pledge in four goes to a second event.
    static let otherEvent = "tour-hue"
    // `phone`: the web flow's pledges (channel `phone`), so breakdowns by channel have both values.
    static let kiosks = ["kiosk-01", "kiosk-02", "phone"]
    /// 10 October 2025, 08:00 in Vietnam.
    static let start = Date(timeIntervalSince1970: 1_760_058_000)

    static func insert(_ count: Int, into store: PledgeStore, hours: Int = 12, otherEvent: Bool = true) async throws {
        let events = [store.eventID, otherEvent ? Self.otherEvent : store.eventID]
        try await store.pool.write { db in
            for event in events {
                try db.execute(sql: "INSERT OR IGNORE INTO event (id) VALUES (?)", arguments: [event])
            }
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            func next(_ bound: Int) -> Int {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int((state >> 33) % UInt64(bound))
            }
            for index in 0..<count {
                // Skewed so that breakdowns have both large and small groups.
                let provinceIndex = min(next(40), next(40))
                let province = provinceIndex >= Province.all.count ? nil : Province.all[provinceIndex]
                let draft = PledgeDraft(
                    name: index % 50 == 0 ? "Người ký \(index)" : nil,
                    ageBand: AgeBand.allCases[min(next(5), next(6) % 5)], province: province, school: nil,
                    guardianConsent: true)
                _ = try PledgeStore.insert(
                    draft, key: try IdempotencyKey("gen-\(index)"), eventID: events[next(4) == 0 ? 1 : 0],
                    kioskID: kiosks[next(3)], at: start.addingTimeInterval(Double(next(hours * 3600))), in: db)
            }
        }
    }
}
