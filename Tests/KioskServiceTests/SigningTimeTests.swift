import Foundation
import KioskClient
import KioskTestSupport
import Logging
import PledgeKit
import PledgeStore
import Testing

/// Pledges are stamped with the time the signer pledged, also when a front uploads them later.
@Suite("Signing time over the API and through a front's outbox")
struct SigningTimeTests {
    @Test func signedAtInTheBodyIsStored() async throws {
        try await TestService.with { server in
            let answer = try await server.postPledge(
                #"{"name":"Lê Văn Đức","ageBand":"18-24","signedAt":"2026-01-02T03:04:05.250+07:00"}"#)
            #expect(answer.status == 201)
            // Not the signing time the test wants: it is months back, beyond the window.
            let code = try #require(CertificateCode(parsing: try answer.json()["code"] as? String ?? ""))
            let stored = try #require(try await server.store.pledge(code: code))
            #expect(abs(stored.createdAt.timeIntervalSinceNow) < 60)

            let twoHoursAgo = Date(timeIntervalSinceNow: -7200).rounded(toMilliseconds: ())
            let text = twoHoursAgo.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
            let recent = try await server.postPledge(#"{"ageBand":"16-17","signedAt":"\#(text)"}"#)
            #expect(recent.status == 201)
            let recentCode = try #require(CertificateCode(parsing: try recent.json()["code"] as? String ?? ""))
            let recentPledge = try #require(try await server.store.pledge(code: recentCode))
            #expect(abs(recentPledge.createdAt.timeIntervalSince(twoHoursAgo)) < 0.002)
        }
    }

    @Test(
        "A malformed signing time is refused and stores nothing",
        arguments: [#""yesterday""#, "12345", #""2026-13-01T00:00:00Z""#, #""2026-01-01 10:00""#, "true"])
    func badSignedAtIsRefused(value: String) async throws {
        try await TestService.with { server in
            let answer = try await server.postPledge(#"{"ageBand":"18-24","signedAt":\#(value)}"#)
            #expect(answer.status == 400)
            #expect(answer.contentType.hasPrefix("application/problem+json"))
            #expect(try answer.json()["field"] as? String == "signedAt")
            #expect(try await server.store.counts().total == 0)
        }
    }

    @Test func retryWithTheSameKeyAndSigningTimeIsTheSamePledge() async throws {
        try await TestService.with { server in
            let text = Date(timeIntervalSinceNow: -600).formatted(Date.ISO8601FormatStyle())
            let body = #"{"name":"Phạm Thu","ageBand":"18-24","signedAt":"\#(text)"}"#
            let first = try await server.postPledge(body, key: "signed-retry")
            let second = try await server.postPledge(body, key: "signed-retry")
            #expect(first.status == 201)
            #expect(second.status == 201)
            #expect(try first.json()["code"] as? String == second.json()["code"] as? String)
            #expect(try await server.store.counts().total == 1)
        }
    }

    /// A front that was offline uploads its outbox later: the stored time is when the signer
    /// pledged at the front, not when the upload arrived.
    @Test func outboxUploadKeepsTheTimeOfSigning() async throws {
        try await TestService.with(transport: .live) { server in
            let outbox = try OutboxStore(
                path: temporaryDirectory("outbox").appendingPathComponent("outbox.sqlite").path)
            let signed = Date(timeIntervalSinceNow: -3 * 3600).rounded(toMilliseconds: ())
            let draft = PledgeDraft(name: "Đỗ Ngọc Ánh", ageBand: .from18To24, province: nil, guardianConsent: false)
            let entry = try await outbox.add(
                key: try IdempotencyKey("offline-1"), draft: draft, code: CertificateCode.random(), at: signed)
            let client = ServiceClient(
                baseURL: URL(string: "http://127.0.0.1:\(server.port)")!, kioskID: try #require(KioskID("kiosk-02")),
                timeout: 300)
            // A generous timeout: under the parallel test run an answer waited past 60 s (a CI run
            // beside other work: the front's two requests each timed out, and the flush gave up).
            let front = try await OutboxPledgeService.open(
                client: client, outbox: outbox, fallbackBase: TestService.baseURL, logger: Logger(label: "test"))
            // Flushed again until the outbox is empty, as the front's own loop does: under a loaded
            // parallel run a flush once gave up on a slow connection with the pledge still waiting.
            try await waitUntil("the outbox uploaded", limit: .seconds(300)) {
                await front.flush()
                return try await outbox.waitingCount() == 0
            }
            let stored = try #require(try await server.store.pledge(code: entry.code))
            #expect(abs(stored.createdAt.timeIntervalSince(signed)) < 0.002)
            #expect(stored.name == "Đỗ Ngọc Ánh")
            try outbox.close()
        }
    }
}

extension Date {
    /// This date with the precision the store keeps (milliseconds).
    fileprivate func rounded(toMilliseconds: Void) -> Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}
