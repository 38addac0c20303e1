import Foundation
import HubCore
import HubStore
import KioskAPI
import KioskTestSupport
import PledgeKit
import PledgeStore
import Testing

/// The differencing attack on the hub's public answers (issue 15): with three events in two
/// provinces synced (``NationalHub``), every answer across events minus any set of events' own
/// answers, in every public combination of event, day, age band, province and channel, leaves
/// each named group at 0 or at least 5; the same subtraction from the national table published on
/// its own (the rule before) finds groups of 1 to 4. Answers kept per count stamp change as soon
/// as a commit is known.
@Suite("Hub public counts: no difference of public answers shows a group below 5")
struct HubDifferencingTests {
    /// A breakdown's cells by their values.
    static func cells(_ breakdown: Breakdown) -> [[String]: Int] {
        Dictionary(breakdown.buckets.map { ($0.values, $0.count) }, uniquingKeysWith: +)
    }

    /// Each subset of `count` items, as the indices it holds.
    static func subsets(of count: Int) -> [[Int]] {
        (0..<(1 << count)).map { mask in (0..<count).filter { mask & (1 << $0) != 0 } }
    }

    @Test("National minus any events' own tables leaves no named group of 1 to 4, in every public combination")
    func differencesRevealNoSmallGroup() async throws {
        try await NationalHub.with { national in
            for event in national.events { try await national.sync(event) }
            let allowed = NationalHub.combinations(of: HubCountDimensions.all).filter {
                CountDimension.publicCombinationError($0) == nil
            }
            #expect(allowed.contains([.day]) && allowed.contains([.ageBand]) && allowed.contains([.event, .day]))
            var leaksBefore = 0
            for dimensions in allowed {
                let by = dimensions.map(\.rawValue).joined(separator: ",")
                let answer = try await national.get(Breakdown.self, "/api/public/counts?by=\(by)")
                var own: [[[String]: Int]] = []
                var sum: [[String]: Int] = [:]
                var total = 0
                for event in national.events {
                    let published = try await national.get(
                        Breakdown.self, "/api/public/counts?by=\(by)&event=\(event.id)")
                    // The hub's number for the event is the event's own.
                    #expect(published == (try await event.store.publicBreakdown(by: dimensions)), "\(event.id) \(by)")
                    own.append(Self.cells(published))
                    sum.merge(Self.cells(published), uniquingKeysWith: +)
                    total += published.total
                }
                // The answer across events is the events' own tables summed cell by cell; the total exact.
                #expect(Self.cells(answer) == sum, "\(by)")
                #expect(answer.total == 71 && total == 71 && answer.addsUp && answer.minimumGroupSize == 5, "\(by)")
                let other = dimensions.map { _ in Breakdown.other }
                // The attack: national minus the tables of any set of events, cell by cell.
                for subtracted in Self.subsets(of: own.count) {
                    for (values, count) in Self.cells(answer) where values != other {
                        let rest = count - subtracted.reduce(0) { $0 + (own[$1][values] ?? 0) }
                        #expect(rest == 0 || rest >= 5, "\(by) \(values) minus \(subtracted): \(rest)")
                    }
                }
                // The same attack on the national table published on its own finds small groups.
                let before = Self.cells(
                    try await national.hub.tally(by: dimensions, event: nil, withholding: true).published)
                for table in own {
                    for (values, count) in table where values != other {
                        if let whole = before[values], (1...4).contains(whole - count) { leaksBefore += 1 }
                    }
                }
            }
            #expect(leaksBefore > 0, "the data gives the attack something to find under the old rule")
        }
    }

    @Test("/api/counts across events is the events' own counts summed; no difference shows a group below 5")
    func countsAcrossEventsAreSums() async throws {
        try await NationalHub.with { national in
            for event in national.events { try await national.sync(event) }
            struct Counts: Decodable {
                var total: Int
                var byAgeBand: [String: Int]
                var byProvince: [String: Int]
                var byChannel: [String: Int]
                var groups: [[String: Int]] { [byAgeBand, byProvince, byChannel] }
            }
            let answer = try await national.get(Counts.self, "/api/counts")
            var own: [Counts] = []
            for event in national.events {
                let counts = try await national.get(Counts.self, "/api/counts?event=\(event.id)")
                let theirs = try await event.store.publicCounts()
                #expect(counts.byAgeBand == theirs.byAgeBand && counts.byProvince == theirs.byProvince, "\(event.id)")
                own.append(counts)
            }
            #expect(answer.total == 71 && own.reduce(0) { $0 + $1.total } == 71)
            for group in 0..<3 {
                #expect(
                    answer.groups[group] == own.reduce(into: [:]) { $0.merge($1.groups[group], uniquingKeysWith: +) })
                for subtracted in Self.subsets(of: own.count) {
                    for (value, count) in answer.groups[group] where value != Breakdown.other {
                        let rest = count - subtracted.reduce(0) { $0 + (own[$1].groups[group][value] ?? 0) }
                        #expect(rest == 0 || rest >= 5, "\(value) minus \(subtracted): \(rest)")
                    }
                }
            }
        }
    }

    @Test("An answer across events is kept until a count notification or an own commit, then read again")
    func keptAnswersFollowTheCounts() async throws {
        try await NationalHub.with { national in
            for event in national.events { try await national.sync(event) }
            try await waitUntil("the hub listens") { national.hub.countStamp() != nil }
            let uri = "/api/public/counts?by=age-band"
            // A counter changed by hand notifies nothing: an answer read again under the same stamp
            // is the kept one. (Until the syncs' own notifications have all come, the stamp may
            // move in between: then again.)
            var added = 0
            try await waitUntil("an answer kept across a change that notified nothing") {
                let stamp = national.hub.countStamp()
                let kept = try await national.get(Breakdown.self, uri)
                _ = try await national.database.psql(
                    """
                    UPDATE hub_tally SET count = count + 1 WHERE (event_id, day, age_band, province, channel) = (
                        SELECT event_id, day, age_band, province, channel FROM hub_tally ORDER BY count DESC,
                            event_id, day, age_band, province, channel LIMIT 1)
                    """)
                added += 1
                let again = try await national.get(Breakdown.self, uri)
                guard national.hub.countStamp() == stamp else { return false }
                #expect(again == kept)
                return true
            }
            // A notification naming no event (a repair's, a hand edit's) says counts may have
            // changed anywhere: every event's table is read again.
            _ = try await national.database.psql("SELECT pg_notify('hub_counts', '')")
            try await waitUntil("the notified counts are read") {
                try await national.get(Breakdown.self, uri).total == 71 + added
            }
            _ = try await national.hub.reconcile(repair: true)
            try await waitUntil("the repaired counts are read") {
                try await national.get(Breakdown.self, uri).total == 71
            }
            // A batch this process commits is in the next answer, its own notification or not.
            let event = national.events[0]
            for number in 0..<6 {
                _ = try await event.store.record(
                    PledgeDraft(name: nil, ageBand: .from25, province: nil, guardianConsent: false, signedAt: Date()),
                    idempotencyKey: try IdempotencyKey("later-\(number)"), kioskID: "kiosk-1")
            }
            let stamp = national.hub.countStamp()
            try await national.sync(event)
            #expect(national.hub.countStamp() != stamp)
            let answer = try await national.get(Breakdown.self, uri)
            #expect(answer.total == 77)
            #expect(try await national.get(Breakdown.self, "/api/public/counts").total == 77)
            // Only that event's part was read again; the answer is the one read of every event gives.
            let full = try await national.hub.tally(by: [.event, .ageBand], event: nil, withholding: true)
            #expect(answer == full.publishedAcrossEvents)
        }
    }
}
