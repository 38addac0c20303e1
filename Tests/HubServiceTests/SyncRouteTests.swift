import Foundation
import HTTPTypes
import HubCore
import HubService
import Hummingbird
import HummingbirdTesting
import KioskAPI
import KioskTestSupport
import NIOCore
import PledgeKit
import Testing

/// `POST /api/sync/batches` at a hub on PostgreSQL: acknowledged after the commit, and every
/// refusal a problem detail that applies nothing (issue 14, "Bad input at the hub").
@Suite("Hub sync route")
struct SyncRouteTests {
    @Test("A batch is applied and acknowledged with the hub's base; a replay changes nothing")
    func appliedAndAcknowledged() async throws {
        try await HubFixture.with { hub in
            let token = try await hub.addEvent("hue-2026", name: "Ngày hội Huế")
            let rows = (1...3).map { HubFixture.pledgeRow($0, token: token, number: $0, name: "Người \($0)") }
            let batch = SyncBatch(event: "hue-2026", rows: rows, erasuresSeen: 0)
            try await Application(router: hub.router).test(.router) { client in
                for _ in 0..<2 {
                    let response = try await HubFixture.post(client, batch, token: token)
                    #expect(response.status == .ok)
                    let ack = try JSONDecoder().decode(
                        SyncAcknowledgement.self, from: Data(response.body.readableBytesView))
                    #expect(ack.acknowledged == 3)
                    #expect(ack.certificateBaseUrl == "https://khongmotminh.vn")
                    #expect(ack.erasures.isEmpty)
                }
                let counts = try await HubFixture.get(client, "/api/counts?event=hue-2026", html: false)
                let decoded = try JSONDecoder().decode(PledgeCounts.self, from: Data(counts.body.readableBytesView))
                #expect(decoded.total == 3)
                // Three pledges of one province: below k = 5, merged, never shown as such.
                #expect(decoded.byProvince["Đà Nẵng"] == nil)
                #expect(decoded.byProvince.values.reduce(0, +) == 3)
            }
        }
    }

    /// An empty hub's national counts are zero (the breaker saw a release build answer
    /// `"total":6076561101190425697`: the sum of no events, built in the read's closure, was
    /// miscompiled; ChannelCounts.sum now builds it).
    @Test func anEmptyHubCountsZero() async throws {
        try await HubFixture.with { hub in
            try await Application(router: hub.router).test(.router) { client in
                let counts = try await HubFixture.get(client, "/api/counts", html: false)
                #expect(counts.status == .ok)
                let decoded = try JSONDecoder().decode(PledgeCounts.self, from: Data(counts.body.readableBytesView))
                #expect(decoded.total == 0 && decoded.byProvince.isEmpty && decoded.byAgeBand.isEmpty)
            }
        }
    }

    @Test("Refusals: no token, a wrong token, another event's, an unknown event, a gap, bad rows, too many rows")
    func refusalsApplyNothing() async throws {
        try await HubFixture.with { hub in
            let token = try await hub.addEvent("hue-2026", name: "Ngày hội Huế")
            let other = try await hub.addEvent("vinh-2026", name: "Ngày hội Vinh")
            let good = SyncBatch(
                event: "hue-2026", rows: [HubFixture.pledgeRow(1, token: token, number: 1, name: "An")], erasuresSeen: 0
            )
            let body = Array(try WireJSON.encode(good))
            try await Application(router: hub.router).test(.router) { client in
                // No token, and a token of no event (made right, but never registered): 401.
                let missing = try await HubFixture.post(client, body: body, authorization: nil)
                #expect(missing.status == .unauthorized)
                #expect(missing.headers[.wwwAuthenticate] == "Bearer realm=\"hub\"")
                #expect(try HubFixture.problem(missing).code == "sync-token-required")
                let stranger = SyncToken.random(tag: CertificateCode.randomTag())
                let wrong = try await HubFixture.post(client, good, token: stranger)
                #expect(wrong.status == .unauthorized)
                #expect(wrong.headers[.wwwAuthenticate]?.contains("invalid_token") == true)
                // A token made right that no event has: the hub says how an operator registers it again.
                let told = try HubFixture.problem(wrong).messages
                #expect(told.vi.contains("--keep-token") && told.en.contains("--keep-token"), "\(told)")
                let garbage = try await HubFixture.post(client, body: body, authorization: "Bearer not-a-token")
                #expect(garbage.status == .unauthorized)

                // Another registered event's token: 403; a batch naming no event: 404.
                let foreign = try await HubFixture.post(client, good, token: other)
                #expect(foreign.status == .forbidden)
                #expect(try HubFixture.problem(foreign).code == "wrong-event")
                var unknown = good
                unknown.event = "no-such-event"
                let nowhere = try await HubFixture.post(client, unknown, token: token)
                #expect(nowhere.status == .notFound)
                #expect(try HubFixture.problem(nowhere).code == "unknown-event")

                // A gap: the hub expects 1.
                let late = SyncBatch(
                    event: "hue-2026", rows: [HubFixture.pledgeRow(5, token: token, number: 5, name: "Ba")],
                    erasuresSeen: 0)
                let gap = try await HubFixture.post(client, late, token: token)
                #expect(gap.status == .conflict)
                let gapProblem = try HubFixture.problem(gap)
                #expect(gapProblem.code == "sequence-gap")
                #expect(gapProblem.expected == 1)

                // A row with two changes, and a pledge whose code is not this event's: 422, nothing applied.
                var twoChanges = HubFixture.pledgeRow(1, token: token, number: 1, name: "Chi")
                twoChanges.held = SyncHeld(reason: "test")
                let malformed = try await HubFixture.post(
                    client, SyncBatch(event: "hue-2026", rows: [twoChanges], erasuresSeen: 0), token: token)
                #expect(malformed.status == .unprocessableContent)
                #expect(try HubFixture.problem(malformed).refused?.map(\.sequence) == [1])
                let stolen = HubFixture.pledgeRow(2, token: other, number: 2, name: "Dung")
                let refused = try await HubFixture.post(
                    client,
                    SyncBatch(
                        event: "hue-2026",
                        rows: [HubFixture.pledgeRow(1, token: token, number: 1, name: "An"), stolen],
                        erasuresSeen: 0), token: token)
                #expect(refused.status == .unprocessableContent)
                let refusedProblem = try HubFixture.problem(refused)
                #expect(refusedProblem.code == "rows-refused")
                #expect(refusedProblem.refused?.map(\.sequence) == [2])

                // Too many rows, and a body past 1 MiB: 413.
                let many = (1...(SyncBatch.maximumRows + 1)).map {
                    HubFixture.pledgeRow($0, token: token, number: $0, name: nil)
                }
                let tooMany = try await HubFixture.post(
                    client, SyncBatch(event: "hue-2026", rows: many, erasuresSeen: 0), token: token)
                #expect(tooMany.status == .contentTooLarge)
                let huge = try await HubFixture.post(
                    client, body: Array(repeating: UInt8(ascii: " "), count: SyncBatch.maximumBytes + 1),
                    authorization: "Bearer \(token.text)")
                #expect(huge.status == .contentTooLarge)

                // Sequences not consecutive, and a body that is not a batch: 400.
                let skipping = SyncBatch(
                    event: "hue-2026",
                    rows: [
                        HubFixture.pledgeRow(1, token: token, number: 1, name: nil),
                        HubFixture.pledgeRow(3, token: token, number: 2, name: nil),
                    ], erasuresSeen: 0)
                #expect(try await HubFixture.post(client, skipping, token: token).status == .badRequest)
                // A sequence at Int.max before 1: 400, and the hub still answers (it crashed on the
                // overflow of `first + index`, a breaker found).
                let overflowing = SyncBatch(
                    event: "hue-2026",
                    rows: [
                        SyncRow(sequence: Int.max, held: SyncHeld(reason: "x")),
                        SyncRow(sequence: 1, held: SyncHeld(reason: "y")),
                    ], erasuresSeen: 0)
                #expect(try await HubFixture.post(client, overflowing, token: token).status == .badRequest)
                // A date the lenient reader would move (30 February, hour 25) or one past the hub's
                // clock by more than a day: refused (422), not stored as another day.
                for createdAt in ["2026-02-30T10:00:00.000Z", "2026-12-06T25:00:00.000Z", "9999-12-31T23:59:59.000Z"] {
                    var row = HubFixture.pledgeRow(1, token: token, number: 1, name: nil)
                    row.pledge?.createdAt = createdAt
                    let answer = try await HubFixture.post(
                        client, SyncBatch(event: "hue-2026", rows: [row], erasuresSeen: 0), token: token)
                    #expect(answer.status == .unprocessableContent, "\(createdAt)")
                    #expect(try HubFixture.problem(answer).refused?.first?.field == "createdAt")
                }
                let notJSON = try await HubFixture.post(
                    client, body: Array("{\"event\":".utf8), authorization: "Bearer \(token.text)")
                #expect(notJSON.status == .badRequest)
                // A member a row does not have, at any depth: 400 (it was ignored, a breaker found).
                for body in [
                    #"{"event":"hue-2026","rows":[{"sequence":1,"held":{"reason":"x"},"extra":1}],"erasuresSeen":0}"#,
                    #"{"event":"hue-2026","rows":[{"sequence":1,"held":{"reason":"x","why":2}}],"erasuresSeen":0}"#,
                ] {
                    let extra = try await HubFixture.post(
                        client, body: Array(body.utf8), authorization: "Bearer \(token.text)")
                    #expect(extra.status == .badRequest, "\(body)")
                }

                // Every refusal is bilingual, and none applied anything.
                #expect(try HubFixture.problem(gap).messages.vi != HubFixture.problem(gap).messages.en)
                let counts = try await HubFixture.get(client, "/api/counts", html: false)
                #expect(
                    try JSONDecoder().decode(PledgeCounts.self, from: Data(counts.body.readableBytesView)).total == 0)
            }
        }
    }
}
