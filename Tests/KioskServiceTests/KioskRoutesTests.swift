import Foundation
import KioskHTTP
import KioskService
import KioskTestSupport
import PledgeKit
import PledgeStore
import Synchronization
import Testing

@Suite("Several kiosks: proposed codes, per-kiosk limits, heartbeats, the organizers' kiosk list")
struct KioskRoutesTests {
    static let anonymous = #"{"name":null,"ageBand":"18-24","province":null"#

    @Test func aProposedCodeIsKeptAndATakenOneIsRefusedWith409() async throws {
        try await TestService.with { server in
            let code = "7KQ2MX4P9TZAB3CD"
            let first = try await server.postPledge(Self.anonymous + #","code":"7kq2-mx4p-9tza-b3cd"}"#)
            #expect(first.status == 201)
            #expect(try first.json()["code"] as? String == code)
            #expect(try first.json()["certificateUrl"] as? String == "HTTP://KIOSK.EXAMPLE.VN/C/\(code)")
            // The same key again: the same pledge, not a conflict.
            let key = UUID().uuidString
            let other = try await server.postPledge(Self.anonymous + #","code":"0000000000000001"}"#, key: key)
            let again = try await server.postPledge(Self.anonymous + #","code":"0000000000000001"}"#, key: key)
            #expect(other.status == 201 && again.status == 201)
            #expect(try again.json()["number"] as? Int == 2)
            // Another pledge with a code already held: 409, never a silently changed code.
            let taken = try await server.postPledge(Self.anonymous + #","code":"\#(code)"}"#)
            #expect(taken.status == 409)
            #expect(taken.contentType.hasPrefix("application/problem+json"))
            #expect(try taken.json()["code"] as? String == "certificate-code-taken")
            #expect(try await server.store.counts().total == 2)
            let bad = try await server.postPledge(Self.anonymous + #","code":"not-a-code"}"#)
            #expect(bad.status == 400)
            #expect(try bad.json()["field"] as? String == "code")
        }
    }

    @Test func eachKioskHasItsOwnRateLimit() async throws {
        let limited: (inout EventConfiguration) -> Void = { $0.rateLimit = .init(perMinute: 1, burst: 2) }
        try await TestService.with(configure: limited) { server in
            func post(_ kiosk: String) async throws -> HTTPAnswer {
                try await server.request(
                    "POST", "/api/pledges", body: Data((Self.anonymous + "}").utf8),
                    headers: [
                        "Content-Type": "application/json", "Idempotency-Key": UUID().uuidString, "Kiosk-Id": kiosk,
                    ])
            }
            #expect(try await post("kiosk-a").status == 201)
            #expect(try await post("kiosk-a").status == 201)
            let limited = try await post("kiosk-a")
            #expect(limited.status == 429)
            #expect(Int(limited.headers["retry-after"] ?? "") ?? 0 >= 1)
            #expect(try limited.json()["code"] as? String == "rate-limited")
            // Another kiosk at the same address is not held back.
            #expect(try await post("kiosk-b").status == 201)
        }
    }

    @Test func tokenBucketRefillsWithTime() {
        let clock = ManualInstant()
        let limiter = KioskRateLimiter(.init(perMinute: 60, burst: 1), now: { clock.now })
        #expect(limiter.take(kioskID: "a") == nil)
        #expect(limiter.take(kioskID: "a") == 1)
        clock.advance(.milliseconds(1000))
        #expect(limiter.take(kioskID: "a") == nil)
    }

    /// A breaker's heartbeat with `"waiting":-5` got 200, and a bad id in the path was blamed on a
    /// `Kiosk-Id` header the request never sent.
    @Test func aNegativeWaitingCountAndABadPathIDAreRefusedByName() async throws {
        try await TestService.with { server in
            func beat(_ id: String, _ body: String) async throws -> HTTPAnswer {
                try await server.request(
                    "POST", "/api/kiosks/\(id)/heartbeat", body: Data(body.utf8),
                    headers: ["Content-Type": "application/json"])
            }
            let negative = try await beat("kiosk-07", #"{"state":"ready","waiting":-5}"#)
            #expect(negative.status == 400)
            #expect(try negative.json()["field"] as? String == "waiting")
            let badID = try await beat("kiosk%2007", #"{"state":"ready","waiting":0}"#)
            #expect(badID.status == 400)
            #expect(try badID.json()["field"] as? String == "id")
            #expect(try await beat("kiosk-07", #"{"state":"ready","waiting":0}"#).status == 200)
        }
    }

    /// Issue 17: fronts on the LAN state on their consent screen how long the service keeps names.
    @Test func kioskConfigSaysTheRetentionDateOrNothingWhenNoneIsSet() async throws {
        try await TestService.with { server in
            // The repository's event.yaml keeps names until 2027-06-30.
            let config = try await server.get("/api/kiosk-config")
            #expect(try config.json()["retainPersonalDataUntil"] as? String == "2027-06-30")
        }
        let withoutDate: (inout EventConfiguration) -> Void = { $0.retainPersonalDataUntil = nil }
        try await TestService.with(configure: withoutDate) { server in
            let config = try await server.get("/api/kiosk-config")
            #expect(try config.json()["retainPersonalDataUntil"] == nil)
        }
    }

    @Test func heartbeatsAnswerTheLinkBaseAndShowInTheOrganizersList() async throws {
        try await TestService.with(organizerToken: "s3cret-token") { server in
            let config = try await server.get("/api/kiosk-config")
            #expect(try config.json()["certificateBaseURL"] as? String == "http://kiosk.example.vn")
            let beat = try await server.request(
                "POST", "/api/kiosks/kiosk-07/heartbeat", body: Data(#"{"state":"paused","waiting":3}"#.utf8),
                headers: ["Content-Type": "application/json"])
            #expect(beat.status == 200)
            #expect(try beat.json()["certificateBaseURL"] as? String == "http://kiosk.example.vn")
            // And the web flow's link with the presence code of the moment, for a front's welcome QR.
            let link = try #require(try beat.json()["presenceLink"] as? String)
            let code = String(link.dropFirst("HTTP://KIOSK.EXAMPLE.VN/P/".count))
            #expect(link.hasPrefix("HTTP://KIOSK.EXAMPLE.VN/P/"))
            #expect(try server.store.presenceCodes().accepts(code, at: Date()))
            _ = try await server.request(
                "POST", "/api/pledges", body: Data((Self.anonymous + "}").utf8),
                headers: [
                    "Content-Type": "application/json", "Idempotency-Key": UUID().uuidString, "Kiosk-Id": "kiosk-07",
                ])

            let refused = try await server.get("/api/organizer/kiosks")
            #expect(refused.status == 401)
            #expect(try refused.json()["code"] as? String == "organizer-token-required")
            let wrong = try await server.request(
                "GET", "/api/organizer/kiosks", headers: ["Authorization": "Bearer s3cret-tokeX"])
            #expect(wrong.status == 401)
            let list = try await server.request(
                "GET", "/api/organizer/kiosks", headers: ["Authorization": "Bearer s3cret-token"])
            #expect(list.status == 200)
            let kiosks = try #require(try list.json()["kiosks"] as? [[String: Any]])
            let seven = try #require(kiosks.first { $0["id"] as? String == "kiosk-07" })
            #expect(seven["state"] as? String == "paused")
            #expect(seven["waiting"] as? Int == 3)
            #expect(seven["pledgesToday"] as? Int == 1)
            #expect(seven["lastSeen"] is String)
        }
    }
}

/// A clock instant moved by hand.
final class ManualInstant: Sendable {
    private let value = Mutex(ContinuousClock.now)
    var now: ContinuousClock.Instant { value.withLock { $0 } }
    func advance(_ duration: Duration) { value.withLock { $0 += duration } }
}
