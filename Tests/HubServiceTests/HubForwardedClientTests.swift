import Foundation
import HTTPTypes
import HubService
import HubStore
import HubTestSupport
import Hummingbird
import HummingbirdTesting
import KioskHTTP
import KioskTestSupport
import PledgeKit
import Testing

/// Behind nginx every request comes from the proxy's address: with `--trusted-proxy`, the hub's
/// per-address limits (here the organizer API's bad-token limit: 30, then 429) count the client
/// that the proxy names in `X-Forwarded-For`; from any other address the header is not believed.
/// Over real HTTP on loopback (the test client's address is 127.0.0.1).
@Suite("The hub behind a trusted proxy", .serialized)
struct HubForwardedClientTests {
    /// `GET /api/organizer/counts` with a wrong token, as forwarded for `client`.
    /// Bad tokens as forwarded for `forwardedFor(index)` until one is refused with 429 (at most
    /// 60); the statuses.
    static func untilLimited(_ client: some TestClientProtocol, forwardedFor: (Int) -> String) async throws -> [Int] {
        var statuses: [Int] = []
        while statuses.last != 429, statuses.count < 60 {
            statuses.append(try await badToken(client, forwardedFor: forwardedFor(statuses.count)))
        }
        return statuses
    }

    static func badToken(_ client: some TestClientProtocol, forwardedFor: String) async throws -> Int {
        let fields: HTTPFields = [
            .authorization: "Bearer \(OrganizerToken.random().text)",
            HTTPField.Name("X-Forwarded-For")!: forwardedFor,
        ]
        let response = try await client.executeRequest(
            uri: "/api/organizer/counts", method: .get, headers: fields, body: nil)
        return Int(response.status.code)
    }

    @Test("From the trusted proxy, each forwarded client has its own bad-token limit")
    func trustedProxyNamesTheClient() async throws {
        try await TestHubService.withStore { store in
            let router = try TestHubService.router(store, trustedProxies: ["127.0.0.1"])
            try await Application(router: router).test(.live) { client in
                // A client that sent its own X-Forwarded-For: the proxy's entry (the last) counts.
                let statuses = try await Self.untilLimited(client) { _ in "10.9.9.9, 198.51.100.7" }
                #expect(statuses.last == 429)
                #expect(statuses.filter { $0 == 401 }.count >= 30, "\(statuses)")
                // Another client behind the same proxy is not locked out.
                #expect(try await Self.badToken(client, forwardedFor: "198.51.100.8") == 401)
                // The first one is, whatever it claims further left.
                #expect(try await Self.badToken(client, forwardedFor: "198.51.100.8, 198.51.100.7") == 429)
            }
        }
    }

    @Test("IPv6 clients count by their /64: another address in the same network shares the budget")
    func ipv6ClientsCountByTheirNetwork() async throws {
        #expect(ForwardedClientMiddleware.limitKey("2001:db8:7:8:a:b:c:d") == "2001:db8:7:8::/64")
        #expect(ForwardedClientMiddleware.limitKey("2001:0db8:0:0::1") == "2001:db8:0:0::/64")
        #expect(ForwardedClientMiddleware.limitKey("198.51.100.7") == "198.51.100.7")
        try await TestHubService.withStore { store in
            let router = try TestHubService.router(store, trustedProxies: ["127.0.0.1"])
            try await Application(router: router).test(.live) { client in
                // A phone taking a new temporary address for every request (RFC 8981): one budget.
                let statuses = try await Self.untilLimited(client) { "2001:db8:7:8:\(String($0 + 1, radix: 16))::1" }
                #expect(statuses.last == 429)
                #expect(statuses.count < 60, "\(statuses)")
                // Another network is not locked out.
                #expect(try await Self.badToken(client, forwardedFor: "2001:db8:7:9::1") == 401)
            }
        }
    }

    @Test("A forwarded address with a port (192.0.2.7:8080, [2001:db8::7]:443) is the client's, not the proxy's")
    func forwardedAddressesWithAPort() async throws {
        try await TestHubService.withStore { store in
            let router = try TestHubService.router(store, trustedProxies: ["127.0.0.1"])
            try await Application(router: router).test(.live) { client in
                // One client whatever its source port: one budget, not the proxy's.
                let statuses = try await Self.untilLimited(client) { "198.51.100.7:\(1000 + $0)" }
                #expect(statuses.last == 429)
                #expect(try await Self.badToken(client, forwardedFor: "198.51.100.8:80") == 401)
                let v6 = try await Self.untilLimited(client) { "[2001:db8:5:6::\(String($0 + 1, radix: 16))]:443" }
                #expect(v6.last == 429)
                #expect(try await Self.badToken(client, forwardedFor: "[2001:db8:5:7::1]:443") == 401)
                // The proxy itself (127.0.0.1) was never the one counted.
                #expect(try await Self.badToken(client, forwardedFor: "203.0.113.9") == 401)
            }
        }
    }

    @Test("From an address that is not a trusted proxy, X-Forwarded-For is not believed")
    func untrustedHeaderIsIgnored() async throws {
        try await TestHubService.withStore { store in
            let router = try TestHubService.router(store, trustedProxies: ["192.0.2.1"])
            try await Application(router: router).test(.live) { client in
                // Each request names another client: all are 127.0.0.1's, one budget.
                let statuses = try await Self.untilLimited(client) { "198.51.100.\($0)" }
                #expect(statuses.last == 429)
                #expect(statuses.count < 60, "\(statuses)")
            }
        }
    }

    @Test("An IPv4-mapped IPv6 address is its IPv4 address, for the peer and for --trusted-proxy")
    func mappedAddressesMatchTheirIPv4() async throws {
        #expect(ForwardedClientMiddleware.unmapped("::ffff:127.0.0.1") == "127.0.0.1")
        #expect(ForwardedClientMiddleware.unmapped("::ffff:7f00:1") == "::ffff:7f00:1")
        #expect(ForwardedClientMiddleware.unmapped("::1") == "::1")
        #expect(ForwardedClientMiddleware.unmapped("127.0.0.1") == "127.0.0.1")
        // A hub on `--host ::` saw its proxy as ::ffff:127.0.0.1 and never matched a trusted
        // 127.0.0.1; here the trusted proxy is given in the mapped form and the peer is 127.0.0.1.
        try await TestHubService.withStore { store in
            let router = try TestHubService.router(store, trustedProxies: ["::ffff:127.0.0.1"])
            try await Application(router: router).test(.live) { client in
                let statuses = try await Self.untilLimited(client) { _ in "198.51.100.7" }
                #expect(statuses.last == 429)
                #expect(try await Self.badToken(client, forwardedFor: "198.51.100.8") == 401)
            }
        }
    }
}
