import Foundation
import KioskTestSupport
import LiveWeb
import PledgeKit
import Testing

@testable import KioskService

/// The live counter with many viewers at once, on real loopback sockets: every viewer gets the
/// final total, and an open stream outlives the idle timeout that closes quiet connections.
@Suite("Live counter fan-out")
struct LiveFanOutTests {
    /// One kiosk's pledge rate limit (10 at once) is not what these tests are about.
    static func withoutPledgeLimit(_ configuration: inout EventConfiguration) {
        configuration.rateLimit = .init(perMinute: 6000, burst: 100)
    }

    @Test func twoHundredViewersAllReceiveTheFinalTotal() async throws {
        try await TestService.with(transport: .live, configure: Self.withoutPledgeLimit) { server in
            let viewers = 200
            let clients = try await offPool { try SSEClients(port: server.port, count: viewers) }
            defer { clients.close() }
            // Every viewer has joined (it has the first totals) before the first pledge.
            let joined = try await offPool { clients.wait(untilAtLeast: viewers, contain: #""total":0}"#, timeout: 60) }
            #expect(joined == viewers)
            for _ in 0..<20 {
                #expect(
                    try await server.postPledge(#"{"name":null,"ageBand":"16-17","province":"Đà Nẵng"}"#).status == 201)
            }
            let received = try await offPool {
                clients.wait(untilAtLeast: viewers, contain: #""total":20}"#, timeout: 60)
            }
            #expect(received == viewers, "\(viewers - received) viewers never got the final total")
            #expect(clients.endedCount == 0)
            #expect(await server.parts.live?.viewerCount == viewers)
        }
    }

    @Test func anOpenStreamOutlivesTheIdleTimeout() async throws {
        try await TestService.with(transport: .live, idleTimeout: .milliseconds(500)) { server in
            let clients = try await offPool { try SSEClients(port: server.port, count: 1) }
            defer { clients.close() }
            #expect(try await offPool { clients.wait(untilAtLeast: 1, contain: #""total":0}"#, timeout: 30) } == 1)
            // Several idle timeouts pass with nothing sent either way; the stream stays open. The
            // signal that one has passed, rather than a sleep: a quiet connection, opened after the
            // stream, closed by the server (60 s only bounds a broken server's hang).
            for _ in 0..<3 {
                let quiet = try await LoopbackHTTP.paced(port: server.port, [], interval: 0, timeout: 60)
                #expect(quiet.closedByServer && quiet.answer.isEmpty)
            }
            #expect(clients.endedCount == 0)
            #expect(try await server.postPledge(#"{"name":null,"ageBand":"18-24"}"#).status == 201)
            #expect(try await offPool { clients.wait(untilAtLeast: 1, contain: #""total":1}"#, timeout: 30) } == 1)
            #expect(clients.endedCount == 0)
        }
    }
}
