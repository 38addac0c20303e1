import Foundation
import HTTPTypes
import HubCore
import HubService
import HubStore
import Hummingbird
import HummingbirdTesting
import KioskAPI
import KioskTestSupport
import Logging
import PledgeKit
import Testing

/// While the hub's PostgreSQL is down (nothing accepts connections at its address), requests are
/// answered at once with a 503 problem detail and `Retry-After`, not after the call's whole
/// deadline (issue 14, note14's item 7: each took the full 5 s).
@Suite("The hub while its database is down")
struct HubDatabaseDownTests {
    @Test("Counts, sync batches and certificates: 503 with Retry-After and the refusal's text, before the deadline")
    func answersAtOnceWhenNothingListens() async throws {
        // A socket folder with no server's socket in it: every connect fails at once.
        let folder = temporaryDirectory("hub-down").path
        var configuration = try HubStoreConfiguration(
            url: nil, environment: ["PGHOST": folder, "PGUSER": "kiosk_hub", "PGDATABASE": "kiosk_hub"])
        // A deadline no run of this test reaches: an answer with the refusal's text came before it.
        configuration.deadline = .seconds(60)
        let store = HubStore(configuration: configuration, logger: Logger(label: "hub-down-test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            try await Application(router: try HubFixture.router(store)).test(.router) { client in
                let token = SyncToken.random(tag: CertificateCode.randomTag())
                let batch = SyncBatch(event: "hue-2026", rows: [], erasuresSeen: 0)
                for response in [
                    try await HubFixture.get(client, "/api/counts", html: false),
                    try await HubFixture.get(client, "/api/counts?event=hue-2026", html: false),
                    try await HubFixture.post(client, batch, token: token),
                    // A certificate read (ReadBatcher's watchdog asks the same question).
                    try await HubFixture.get(client, "/c/\(CertificateCode.random().rawValue)", html: false),
                ] {
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.retryAfter] == "5")
                    #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                    let problem = try HubFixture.problem(response)
                    #expect(problem.code == "unavailable")
                    #expect(
                        problem.messages.en
                            == "The hub cannot reach its database at the moment. Please try again later.")
                    #expect(problem.messages.vi.contains("không kết nối được"))
                }
            }
            group.cancelAll()
        }
    }
}
