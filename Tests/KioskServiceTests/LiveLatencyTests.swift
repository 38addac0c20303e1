import Dispatch
import Foundation
import KioskTestSupport
import PledgeKit
import PledgeStore
import Testing

@testable import KioskService

/// The one timed promise of the live counter (an update within 1 s of a pledge). `make test` runs
/// this suite on its own after the others, so a busy machine's parallel tests cannot delay it.
@Suite("Live counter latency (run alone)")
struct LiveLatencyTests {
    @Test func liveViewerGetsAnUpdateWithinOneSecondOfAPledge() async throws {
        try await TestService.with(transport: .live) { server in
            let page = try await server.get("/live")
            #expect(page.status == 200)
            #expect(page.text.contains("/live/live.js"))
            let viewer = try await offPool { try SSEClients(port: server.port, count: 1) }
            defer { viewer.close() }
            #expect(try await offPool { viewer.wait(untilAtLeast: 1, contain: #""total":0"#, timeout: 60) } == 1)
            #expect(try await server.postPledge(#"{"name":null,"ageBand":"18-24"}"#).status == 201)
            // The pledge committed before its 201 arrived: the update is due within 1 s of this.
            let posted = ContinuousClock.now
            let updated = try await offPool { viewer.wait(untilAtLeast: 1, contain: #""total":1"#, timeout: 1) }
            let latency = ContinuousClock.now - posted
            #expect(updated == 1, "no update within 1 s")
            #expect(latency < .seconds(1))
            print("SSE update \(latency) after the pledge's 201")
        }
    }
}
