import Foundation
import KioskTestSupport
import PledgeKit
import PledgeStore
import Testing

/// `/livez`, `/readyz` (and `/healthz`, its older name), `/metrics`, through the router.
@Suite("Liveness, readiness and metrics routes")
struct HealthRoutesTests {
    @Test func readyzAndItsAliasHealthzSayWhetherAPledgeCouldBeStored() async throws {
        try await TestService.with { server in
            for path in ["/readyz", "/healthz", "/livez"] {
                let answer = try await server.get(path)
                #expect(answer.status == 200, "\(path)")
                #expect(answer.text == #"{"status":"ok"}"#, "\(path)")
                #expect(answer.headers["cache-control"] == "no-store", "\(path)")
            }
            // A store that no longer answers: nothing could be stored.
            try server.store.close()
            for path in ["/readyz", "/healthz"] {
                let answer = try await server.get(path)
                #expect(answer.status == 503, "\(path)")
                #expect(answer.contentType.hasPrefix("application/problem+json"))
                #expect(try answer.json()["code"] as? String == "database-unreadable")
                #expect(answer.headers["retry-after"] == "5")
            }
            #expect(try await server.get("/livez").status == 200)
        }
    }

    @Test func metricsAreForTheOrganizerOnly() async throws {
        try await TestService.with { server in
            #expect(try await server.get("/metrics").status == 401)
            let wrong = try await server.request("GET", "/metrics", headers: ["Authorization": "Bearer wrong"])
            #expect(wrong.status == 401)
            let answer = try await server.request(
                "GET", "/metrics", headers: ["Authorization": "Bearer \(TestService.organizerToken)"])
            #expect(answer.status == 200)
            #expect(answer.contentType == "text/plain; version=0.0.4; charset=utf-8")
            #expect(
                answer.text.contains("# TYPE kiosk_pledges_recorded_total counter\nkiosk_pledges_recorded_total 0\n"))
        }
        try await TestService.with(organizerToken: nil) { server in
            let closed = try await server.get("/metrics")
            #expect(closed.status == 403)
        }
    }

    /// Refusals are counted by their code wherever they are made: by the route (a rate limit, a
    /// malformed body) or by the store (a bad draft, a reused key); no label holds what was typed.
    @Test func refusalsAreCountedByReasonAndNeverByWhatWasTyped() async throws {
        let twoPledges: (inout EventConfiguration) -> Void = { $0.rateLimit = .init(perMinute: 1, burst: 2) }
        try await TestService.with(configure: twoPledges) { server in
            let body = #"{"name":"Phạm Thu Hà","ageBand":"18-24"}"#
            #expect(try await server.postPledge(body, key: "same").status == 201)
            #expect(try await server.postPledge(#"{"name":"Phạm Hà","ageBand":"18-24"}"#, key: "same").status == 409)
            #expect(try await server.postPledge(body, key: "third").status == 429)
            #expect(try await server.postPledge("{").status == 400)
            let text = try await server.request(
                "GET", "/metrics", headers: ["Authorization": "Bearer \(TestService.organizerToken)"]
            ).text
            #expect(text.contains(#"kiosk_pledges_recorded_total 1"#))
            #expect(text.contains(#"kiosk_pledges_refused_total{reason="idempotency-key-reused"} 1"#))
            #expect(text.contains(#"kiosk_pledges_refused_total{reason="rate-limited"} 1"#))
            #expect(text.contains(#"kiosk_pledges_refused_total{reason="malformed-json"} 1"#))
            #expect(!text.contains("Phạm") && !text.contains("Ph\\u"))
        }
    }

    /// Kiosk ids are labels only when a kiosk token is set: without one anybody on the LAN names
    /// kiosks (a name, a phone number, thousands of them), so the backlog is one `kiosk="all"`.
    @Test func backlogIsPerKioskOnlyWhenKioskIdsAreAuthenticated() async throws {
        let beat = #"{"state":"ready","waiting":3}"#
        let organizer = ["Authorization": "Bearer \(TestService.organizerToken)"]
        try await TestService.with { server in
            for id in ["kiosk-1", "Nguyen-Van-An-0912345678"] {
                let answer = try await server.request(
                    "POST", "/api/kiosks/\(id)/heartbeat", body: Data(beat.utf8),
                    headers: ["Content-Type": "application/json"])
                #expect(answer.status == 200)
            }
            let text = try await server.request("GET", "/metrics", headers: organizer).text
            #expect(text.contains(#"kiosk_outbox_waiting{kiosk="all"} 6"#), "\(text)")
            #expect(!text.contains("Nguyen") && !text.contains("kiosk-1"))
        }
        let token = "kiosk-token-for-the-metrics-test"
        let withToken: (inout EventConfiguration) -> Void = { $0.kioskToken = token }
        try await TestService.with(configure: withToken) { server in
            let answer = try await server.request(
                "POST", "/api/kiosks/kiosk-1/heartbeat", body: Data(beat.utf8),
                headers: ["Content-Type": "application/json", "Authorization": "Bearer \(token)"])
            #expect(answer.status == 200)
            let text = try await server.request("GET", "/metrics", headers: organizer).text
            #expect(text.contains(#"kiosk_outbox_waiting{kiosk="kiosk-1"} 3"#), "\(text)")
        }
    }
}
