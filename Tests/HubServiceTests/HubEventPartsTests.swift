import HubCore
import PledgeKit
import Synchronization
import Testing

@testable import HubService

/// Which events a public answer across events reads again (``EventParts``): after a commit only
/// the events whose count version moved; every event when the generation moved, when many moved,
/// or when the store cannot tell.
@Suite("Public answers across events read again only the events that moved")
struct HubEventPartsTests {
    /// Each event's part is its name and the number of times it was read; the reads are logged.
    final class Reads: Sendable {
        let log = Mutex<[String]>([])
        let events: [String]

        init(_ events: [String]) { self.events = events }

        func read(_ event: EventID?) -> [String: (part: String, total: Int)] {
            log.withLock { $0.append(event?.rawValue ?? "*") }
            let wanted = event.map { [$0.rawValue] } ?? events
            return Dictionary(uniqueKeysWithValues: wanted.map { ($0, (part: $0, total: 1)) })
        }

        func taken() -> [String] {
            log.withLock { log in
                defer { log.removeAll() }
                return log
            }
        }
    }

    func parts(_ parts: EventParts<Bool, String>, _ versions: CountVersions?, _ reads: Reads) async throws -> [String] {
        try await parts.parts(true, versions: versions) { (event: EventID?) async throws(HubError) in reads.read(event)
        }
        .map(\.part).sorted()
    }

    @Test func onlyTheMovedEventsAreReadAgain() async throws {
        let events = (1...12).map { "event-\($0)" }
        let reads = Reads(events)
        let parts = EventParts<Bool, String>(mostSingleReads: 8)
        var versions = CountVersions(generation: 1, events: [:])
        #expect(try await self.parts(parts, versions, reads) == events.sorted())
        #expect(reads.taken() == ["*"])
        // Nothing moved: nothing read.
        #expect(try await self.parts(parts, versions, reads) == events.sorted())
        #expect(reads.taken().isEmpty)
        // One event's commit: that event alone.
        versions.events["event-3"] = 1
        #expect(try await self.parts(parts, versions, reads) == events.sorted())
        #expect(reads.taken() == ["event-3"])
        // A new event's first pledges.
        versions.events["event-13"] = 1
        #expect(try await self.parts(parts, versions, reads) == (events + ["event-13"]).sorted())
        #expect(reads.taken() == ["event-13"])
        // More moved than single reads are worth: one read of every event.
        for event in events.prefix(9) { versions.events[event, default: 0] += 1 }
        _ = try await self.parts(parts, versions, reads)
        #expect(reads.taken() == ["*"])
        // The generation moved (a repair, a reconnection): every event.
        versions.generation += 1
        _ = try await self.parts(parts, versions, reads)
        #expect(reads.taken() == ["*"])
        // The store cannot tell: every event, every time.
        _ = try await self.parts(parts, nil, reads)
        _ = try await self.parts(parts, nil, reads)
        #expect(reads.taken() == ["*", "*"])
    }
}
