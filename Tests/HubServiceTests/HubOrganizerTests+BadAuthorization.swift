import Foundation
import HubCore
import HubService
import HubStore
import HubTestSupport
import Hummingbird
import KioskTestSupport
import Logging
import Testing

extension HubOrganizerTests {
    /// Runs `body` with the port of the hub as `kiosk hub serve` runs it (hardened: NIO's header
    /// limits and the answers of ServerHardening), over `store`.
    static func withServedHub(_ store: HubStore, _ body: @Sendable (Int) async throws -> Void) async throws {
        var logger = Logger(label: "hub-bad-authorization-test")
        logger.logLevel = .error
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = buildHubApplication(
            try TestHubService.parts(store), host: "127.0.0.1", port: 0, logger: logger,
            onServerRunning: { portSink.yield($0) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            try await body(port)
        }
    }

    @Test(
        "A long or malformed Authorization gets a problem detail, not a bare 400; one the routes read is a 401, audited"
    )
    func badAuthorizationHeaders() async throws {
        try await TestPostgres.withDatabase { database in
            let configuration = try HubStoreConfiguration(url: database.url, environment: [:])
            try await withHubStore(configuration, logger: Logger(label: "hub-bad-authorization-test")) { store in
                try await Self.withServedHub(store) { port in
                    func get(_ authorization: String) async throws -> HTTPAnswer {
                        try await LoopbackHTTP.request(
                            port: port, "GET", "/api/organizer/counts", headers: ["Authorization": authorization])
                    }
                    func problem(_ answer: HTTPAnswer) throws -> [String: Any] {
                        #expect(answer.headers["content-type"]?.hasPrefix("application/problem+json") == true)
                        return try JSONSerialization.jsonObject(with: answer.body) as? [String: Any] ?? [:]
                    }
                    // Past NIO's limit for a field (16 KiB): 431, said in Vietnamese and English.
                    let long = try await get("Bearer kmo1." + String(repeating: "A", count: 20_000))
                    #expect(long.status == 431)
                    let tooLarge = try problem(long)
                    #expect(tooLarge["code"] as? String == "headers-too-large")
                    #expect((tooLarge["detail"] as? String)?.contains("16 KiB") == true)
                    // A control character in the field: 400, a problem detail.
                    let control = try await get("Bearer kmo1.\u{1}\u{1B}[2J")
                    #expect(control.status == 400)
                    #expect(try problem(control)["code"] as? String == "malformed-request")

                    // Long but within the limit, or not a token: read by the route, 401 and audited.
                    let refusals = [
                        try await get("Bearer kmo1." + String(repeating: "A", count: 10_000)),
                        try await get("Bearer kmo1.ngườiký"),
                        try await get("Basic !!!"),
                    ]
                    for refused in refusals {
                        #expect(refused.status == 401)
                        #expect(try problem(refused)["code"] as? String == "organizer-token-required")
                    }
                    let audit = try await store.auditEntries(limit: 10)
                    #expect(audit.map(\.status) == [401, 401, 401])
                    #expect(audit.allSatisfy { $0.organizer == nil && $0.action == "GET /api/organizer/counts" })
                }
            }
        }
    }
}
