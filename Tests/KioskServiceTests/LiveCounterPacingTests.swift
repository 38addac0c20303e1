import Foundation
import KioskTestSupport
import NIOCore
import PledgeKit
import Testing

@testable import LiveWeb

/// How the live counter paces its pushes (H3 in BENCHMARKS.md): each viewer's stream holds the
/// newest totals only, a heartbeat never takes their place, and the time between two pushes grows
/// with the viewers. Over the totals of a real store (a test service's), the streams read directly.
@Suite("Live counter pacing")
struct LiveCounterPacingTests {
    @Test func aViewerBehindGetsTheNewestTotalsNotAHeartbeatInTheirPlace() async throws {
        try await TestService.with { server in
            // No heartbeat of its own in the test: it is sent by hand below.
            let live = LiveCounter(organizer: server.store, interval: .milliseconds(1), heartbeat: .seconds(3600))
            #expect(try await live.current().total == 0)
            let (id, stream) = await live.join()
            // The viewer reads nothing yet: its stream holds the first totals, then the newer ones.
            #expect(try await server.postPledge(#"{"name":null,"ageBand":"18-24"}"#).status == 201)
            live.pledgeCommitted()
            try await waitUntil { (try? await live.current().total) == 1 }
            for _ in 0..<3 { await live.sendHeartbeat() }
            var messages = stream.makeAsyncIterator()
            let first = try #require(await messages.next())
            #expect(String(buffer: first).contains(#""total":1}"#), "\(String(buffer: first))")
            // One message only: the first totals and the comments were dropped for the newest totals.
            await live.sendHeartbeat()
            #expect(await messages.next().map { String(buffer: $0) } == ": keep-alive\n\n")
            await live.leave(id)
            await live.close()
        }
    }

    @Test func pushesAreFurtherApartWithMoreViewers() async throws {
        try await TestService.with { server in
            let live = LiveCounter(
                organizer: server.store, interval: .milliseconds(250), heartbeat: .seconds(3600),
                writeCost: .milliseconds(100))
            #expect(await live.pushInterval == .milliseconds(250))
            var ids: [Int] = []
            for _ in 0..<5 { ids.append(await live.join().0) }
            #expect(await live.pushInterval == .milliseconds(500))
            for id in ids.prefix(3) { await live.leave(id) }
            #expect(await live.pushInterval == .milliseconds(250))
            await live.close()
        }
    }
}
