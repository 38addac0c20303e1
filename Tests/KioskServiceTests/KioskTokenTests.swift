import Foundation
import KioskService
import KioskTestSupport
import PledgeKit
import PledgeStore
import Testing

/// With a kiosk token configured, only requests that carry it record pledges or heartbeats;
/// checked before the rate limiter, so refused requests spend no kiosk's budget.
@Suite("Kiosk token on POST /api/pledges and heartbeats")
struct KioskTokenTests {
    static let token = "test-kiosk-token-9876543210"
    static let anonymous = #"{"name":null,"ageBand":"18-24","province":null}"#
    static let withToken: @Sendable (inout EventConfiguration) -> Void = { $0.kioskToken = token }

    static func post(
        _ server: TestService, kiosk: String = "kiosk-a", authorization: String? = nil,
        key: String = UUID().uuidString
    ) async throws -> HTTPAnswer {
        var headers = ["Content-Type": "application/json", "Idempotency-Key": key, "Kiosk-Id": kiosk]
        headers["Authorization"] = authorization
        return try await server.request("POST", "/api/pledges", body: Data(anonymous.utf8), headers: headers)
    }

    static func heartbeat(
        _ server: TestService, kiosk: String = "kiosk-07", authorization: String? = nil
    ) async throws -> HTTPAnswer {
        var headers = ["Content-Type": "application/json"]
        headers["Authorization"] = authorization
        return try await server.request(
            "POST", "/api/kiosks/\(kiosk)/heartbeat", body: Data(#"{"state":"paused","waiting":3}"#.utf8),
            headers: headers)
    }

    /// A 401 problem detail in both languages with a Bearer challenge.
    static func expectRefused(_ answer: HTTPAnswer, invalidToken: Bool) throws {
        #expect(answer.status == 401)
        #expect(answer.contentType.hasPrefix("application/problem+json"))
        let problem = try answer.json()
        #expect(problem["code"] as? String == "kiosk-token-required")
        #expect(problem["status"] as? Int == 401)
        let messages = try #require(problem["messages"] as? [String: String])
        #expect(messages["vi"] == "Cần mã truy cập của kiosk (Authorization: Bearer …) để gửi lời cam kết và nhịp tim.")
        #expect(
            messages["en"] == "The kiosk token is required (Authorization: Bearer …) to send pledges and heartbeats.")
        #expect(problem["detail"] as? String == messages["vi"])
        let challenge = answer.headers["www-authenticate"] ?? ""
        #expect(challenge.hasPrefix(#"Bearer realm="kiosk""#))
        #expect(challenge.contains("invalid_token") == invalidToken)
    }

    @Test func pledgesNeedTheKioskTokenAndNotTheOrganizers() async throws {
        try await TestService.with(configure: Self.withToken) { server in
            try Self.expectRefused(try await Self.post(server), invalidToken: false)
            try Self.expectRefused(try await Self.post(server, authorization: "Bearer wrong-token"), invalidToken: true)
            try Self.expectRefused(
                try await Self.post(server, authorization: "Bearer \(TestService.organizerToken)"), invalidToken: true)
            // The right secret in another scheme is not a bearer token.
            let basic = Data("kiosk:\(Self.token)".utf8).base64EncodedString()
            try Self.expectRefused(try await Self.post(server, authorization: "Basic \(basic)"), invalidToken: true)
            #expect(try await server.store.counts().total == 0)

            let key = UUID().uuidString
            let recorded = try await Self.post(server, authorization: "Bearer \(Self.token)", key: key)
            #expect(recorded.status == 201)
            // A retry of a stored pledge without the token does not get its receipt either.
            try Self.expectRefused(try await Self.post(server, key: key), invalidToken: false)
            #expect(try await Self.post(server, authorization: "bearer \(Self.token)").status == 201)
            #expect(try await server.store.counts().total == 2)
        }
    }

    @Test func rotatingKioskIdsWithoutTheTokenRecordsNothingAndSpendsNoBudget() async throws {
        let configure: (inout EventConfiguration) -> Void = { configuration in
            configuration.kioskToken = Self.token
            configuration.rateLimit = .init(perMinute: 1, burst: 2)
        }
        try await TestService.with(configure: configure) { (server: TestService) async throws in
            for index in 0..<8 {
                #expect(try await Self.post(server, kiosk: "fake-\(index)").status == 401)
                #expect(try await Self.heartbeat(server, kiosk: "fake-\(index)").status == 401)
            }
            // A phone using a real kiosk's id: refused before the limiter, so the kiosk keeps its burst.
            for _ in 0..<5 {
                #expect(try await Self.post(server, kiosk: "kiosk-a", authorization: "Bearer x").status == 401)
            }
            #expect(try await server.store.counts().total == 0)
            #expect(try await server.store.kiosks(now: Date()).isEmpty)

            let bearer = "Bearer \(Self.token)"
            #expect(try await Self.post(server, kiosk: "kiosk-a", authorization: bearer).status == 201)
            #expect(try await Self.post(server, kiosk: "kiosk-a", authorization: bearer).status == 201)
            #expect(try await Self.post(server, kiosk: "kiosk-a", authorization: bearer).status == 429)
            #expect(try await server.store.counts().total == 2)
            #expect(try await server.store.kiosks(now: Date()).map(\.id) == ["kiosk-a"])
        }
    }

    @Test func heartbeatsNeedTheKioskTokenWhichOpensNoOrganizerRoute() async throws {
        try await TestService.with(configure: Self.withToken) { server in
            try Self.expectRefused(try await Self.heartbeat(server), invalidToken: false)
            try Self.expectRefused(try await Self.heartbeat(server, authorization: "Bearer nope"), invalidToken: true)
            try Self.expectRefused(
                try await Self.heartbeat(server, authorization: "Bearer \(TestService.organizerToken)"),
                invalidToken: true)
            #expect(try await server.store.kiosks(now: Date()).isEmpty)

            let beat = try await Self.heartbeat(server, authorization: "Bearer \(Self.token)")
            #expect(beat.status == 200)
            #expect(try beat.json()["certificateBaseURL"] as? String == TestService.baseURL)
            let seven = try #require(try await server.store.kiosks(now: Date()).first)
            #expect(seven.id == "kiosk-07" && seven.state == "paused" && seven.waiting == 3)

            let list = try await server.request(
                "GET", "/api/organizer/kiosks", headers: ["Authorization": "Bearer \(Self.token)"])
            #expect(list.status == 401)
            #expect(try list.json()["code"] as? String == "organizer-token-required")
        }
    }

    @Test func withoutAConfiguredTokenAnyoneMayPostAsBefore() async throws {
        try await TestService.with { (server: TestService) async throws in
            #expect(server.parts.kioskAccess.isConfigured == false)
            #expect(try await Self.post(server).status == 201)
            #expect(try await Self.post(server, kiosk: "kiosk-b", authorization: "Bearer anything").status == 201)
            #expect(try await Self.heartbeat(server).status == 200)
            #expect(try await server.store.counts().total == 2)
        }
    }
}
