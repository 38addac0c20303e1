import Certificates
import Foundation
import HTTPTypes
import HubCore
import HubService
import HubStore
import HubTestSupport
import Hummingbird
import HummingbirdTesting
import KioskAPI
import KioskConfiguration
import KioskHTTP
import KioskPages
import KioskTestSupport
import Logging
import NIOCore
import PledgeKit

/// A hub over a fresh PostgreSQL database (``TestPostgres``), its router, and the events and
/// batches the tests send it.
struct HubFixture {
    static let links = TestHubService.links

    let store: HubStore
    let router: Router<KioskRequestContext>

    /// Runs `body` with a hub on a database of its own, dropped afterwards.
    static func with(_ body: (HubFixture) async throws -> Void) async throws {
        try await TestHubService.withStore { store in
            try await body(HubFixture(store: store, router: try router(store)))
        }
    }

    /// The hub's router over `store` (``TestHubService/router(_:records:)``).
    static func router(_ store: HubStore, records: (any HubRecords)? = nil) throws -> Router<KioskRequestContext> {
        try TestHubService.router(store, records: records)
    }

    /// Registers an event as `kiosk hub add-event` does; returns its token.
    func addEvent(
        _ id: String, name: String, place: String = "Đà Nẵng",
        date: CivilDate = CivilDate(year: 2026, month: 3, day: 26)
    ) async throws -> SyncToken {
        try await TestHubService.addEvent(id, name: name, place: place, date: date, to: store)
    }

    /// A pledge row of the event whose token is `token`, with a new code it issued.
    static func pledgeRow(_ sequence: Int, token: SyncToken, number: Int, name: String?) -> SyncRow {
        let code = CodeIssuer(tag: token.codeTag, key: token.codeKey).newCode()
        return SyncRow(
            sequence: sequence,
            pledge: SyncPledge(
                id: UUID(), code: code.rawValue, kiosk: "kiosk-01", number: number, name: name, ageBand: "18-24",
                province: "Đà Nẵng", guardianConsent: false, createdAt: SyncBatch.text(Date())))
    }

    /// `POST /api/sync/batches` with `body` and `authorization` (nil: no header).
    static func post(
        _ client: some TestClientProtocol, body: [UInt8], authorization: String?
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let authorization { headers[.authorization] = authorization }
        return try await client.executeRequest(
            uri: "/\(APIPath.syncBatches)", method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    /// `POST /api/sync/batches` with `batch` and `token` as the bearer token.
    static func post(_ client: some TestClientProtocol, _ batch: SyncBatch, token: SyncToken) async throws
        -> TestResponse
    {
        try await post(client, body: Array(try WireJSON.encode(batch)), authorization: "Bearer \(token.text)")
    }

    /// `GET uri` as a browser asks for it.
    static func get(_ client: some TestClientProtocol, _ uri: String, html: Bool = true) async throws -> TestResponse {
        try await client.executeRequest(
            uri: uri, method: .get, headers: html ? [.accept: "text/html"] : [:], body: nil)
    }

    /// The problem detail in `response`.
    static func problem(_ response: TestResponse) throws -> Problem {
        try JSONDecoder().decode(Problem.self, from: Data(response.body.readableBytesView))
    }
}
