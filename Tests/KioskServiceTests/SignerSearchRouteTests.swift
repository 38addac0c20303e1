import Foundation
import KioskAPI
import KioskClient
import KioskService
import KioskTestSupport
import PledgeKit
import PledgeStore
import Testing

/// `POST /api/pledges/search` (issue 17, item 5): a front's attendant finds a signer who lost the
/// certificate code. Behind the kiosk token, this event's pledges only, at most the limit.
@Suite("Finding a signer by name: POST /api/pledges/search")
struct SignerSearchRouteTests {
    static let bearer = "Bearer \(KioskTokenTests.token)"

    static func search(
        _ server: TestService, _ body: String, authorization: String? = bearer,
        contentType: String = "application/json"
    ) async throws -> HTTPAnswer {
        var headers = ["Content-Type": contentType, "Kiosk-Id": "kiosk-a"]
        headers["Authorization"] = authorization
        return try await server.request("POST", "/api/pledges/search", body: Data(body.utf8), headers: headers)
    }

    /// Records a named pledge of the service's event.
    @discardableResult
    static func sign(_ store: PledgeStore, _ name: String?) async throws -> PledgeReceipt {
        let outcome = try await store.record(
            PledgeDraft(name: name, ageBand: .from18To24, province: nil, guardianConsent: false), key: .random(),
            kioskID: nil, code: nil)
        guard case .recorded(let receipt) = outcome else { throw CancellationError() }
        return receipt
    }

    /// The names of a 200 answer, in order.
    static func names(_ answer: HTTPAnswer) throws -> [String] {
        #expect(answer.status == 200, "\(answer.text)")
        let pledges = try #require(try answer.json()["pledges"] as? [[String: Any]])
        return pledges.compactMap { $0["name"] as? String }
    }

    @Test func withoutTheKioskTokenNothingIsSearched() async throws {
        try await TestService.with(configure: KioskTokenTests.withToken) { server in
            try await Self.sign(server.store, "Nguyễn Thị Ánh")
            let body = #"{"name":"anh"}"#
            try KioskTokenTests.expectRefused(
                try await Self.search(server, body, authorization: nil), invalidToken: false)
            try KioskTokenTests.expectRefused(
                try await Self.search(server, body, authorization: "Bearer wrong-token"), invalidToken: true)
            // The organizer token is another secret: not accepted here.
            try KioskTokenTests.expectRefused(
                try await Self.search(server, body, authorization: "Bearer \(TestService.organizerToken)"),
                invalidToken: true)
            #expect(try Self.names(try await Self.search(server, body)) == ["Nguyễn Thị Ánh"])
        }
    }

    /// Without a kiosk token configured (a service built in a test), no route gives names away.
    @Test func aServiceWithoutAKioskTokenHasNoSuchRoute() async throws {
        try await TestService.with { server in
            #expect(!server.routes().contains { $0 == ("POST", "/api/pledges/search") })
            try await Self.sign(server.store, "Nguyễn Thị Ánh")
            #expect(try await Self.search(server, #"{"name":"anh"}"#, authorization: nil).status == 404)
        }
    }

    struct BadBody: Sendable, CustomTestStringConvertible {
        var body: String
        var status = 400
        var code = "invalid-request"
        var field: String?
        var contentType = "application/json"
        var testDescription: String { body }
    }

    static let badBodies: [BadBody] = [
        BadBody(body: #"{"name":"anh""#, code: "malformed-json"),
        BadBody(body: "", code: "malformed-json"),
        BadBody(body: #"{"name":"anh","name":"binh"}"#, code: "malformed-json"),
        BadBody(body: #"["anh"]"#),
        BadBody(body: #"{}"#, field: "name"),
        BadBody(body: #"{"name":null}"#, field: "name"),
        BadBody(body: #"{"name":42}"#, field: "name"),
        BadBody(body: #"{"name":"a"}"#, field: "name"),
        BadBody(body: #"{"name":"  .  "}"#, field: "name"),
        BadBody(body: #"{"name":"\#(String(repeating: "an ", count: 30))"}"#, field: "name"),
        // A NUL ended the text SQLite searched for: "\u0000zz" listed every signer (the breaker).
        BadBody(body: #"{"name":"\u0000zz"}"#, field: "name"),
        BadBody(body: #"{"name":"n\u0000zz"}"#, field: "name"),
        BadBody(body: #"{"name":"ánh\nbình"}"#, field: "name"),
        BadBody(body: #"{"name":"anh","limit":0}"#, field: "limit"),
        BadBody(body: #"{"name":"anh","limit":21}"#, field: "limit"),
        BadBody(body: #"{"name":"anh","limit":"5"}"#, field: "limit"),
        BadBody(body: #"{"name":"anh","limit":2.5}"#, field: "limit"),
        BadBody(body: #"{"name":"anh","eventID":"other-event"}"#, field: "eventID"),
        BadBody(body: #"{"name":"anh"}"#, status: 415, code: "unsupported-media-type", contentType: "text/plain"),
    ]

    @Test(arguments: badBodies)
    func aBodyThatIsNoSearchGetsAProblemDetail(_ bad: BadBody) async throws {
        try await TestService.with(configure: KioskTokenTests.withToken) { server in
            try await Self.sign(server.store, "Nguyễn Thị Ánh")
            let answer = try await Self.search(server, bad.body, contentType: bad.contentType)
            #expect(answer.status == bad.status, "\(answer.text)")
            #expect(answer.contentType.hasPrefix("application/problem+json"))
            let problem = try answer.json()
            #expect(problem["code"] as? String == bad.code)
            #expect(problem["field"] as? String == bad.field)
            let messages = try #require(problem["messages"] as? [String: String])
            #expect(!(messages["vi"] ?? "").isEmpty && !(messages["en"] ?? "").isEmpty)
            #expect(!answer.text.contains("Nguyễn"))
        }
    }

    /// Another event's pledges in the same file stay out; the answer holds the name, time,
    /// number, code and link, nothing else of the signer, in Vietnamese order.
    @Test func onlyThisEventsPledgesInVietnameseOrder() async throws {
        try await TestService.with(configure: KioskTokenTests.withToken) { server in
            let store = server.store
            var receipts: [String: PledgeReceipt] = [:]
            for name in ["Lê Văn Đạt", "Trần Đạt Anh", "Đỗ Đức Đạt", "Phạm Minh Châu"] {
                receipts[name] = try await Self.sign(store, name)
            }
            try await Self.sign(store, nil)
            let other = Pledge(
                id: UUID(), eventID: "other-event", kioskID: "kiosk-z", number: 1, name: "Nguyễn Văn Đạt",
                ageBand: .from18To24, province: nil, school: nil, guardianConsent: false, createdAt: Date(),
                code: .random())
            #expect(try store.load([(other, IdempotencyKey.random())]) == 1)
            // The store's search itself sees both events (kiosk find); the route only this one.
            #expect(try await store.find("dat").count == 4)

            let answer = try await Self.search(server, #"{"name":"dat"}"#)
            #expect(try Self.names(answer) == ["Trần Đạt Anh", "Đỗ Đức Đạt", "Lê Văn Đạt"])
            let first = try #require((try answer.json()["pledges"] as? [[String: Any]])?.first)
            #expect(Set(first.keys) == ["certificateUrl", "code", "id", "name", "number", "signedAt"])
            let receipt = try #require(receipts["Trần Đạt Anh"])
            #expect(first["number"] as? Int == receipt.number)
            #expect(first["code"] as? String == receipt.code.rawValue)
            #expect(first["certificateUrl"] as? String == server.links.certificateURL(for: receipt.code))
            #expect((first["signedAt"] as? String)?.hasSuffix("Z") == true)
            // Case, diacritics and đ = d ignored.
            #expect(try Self.names(try await Self.search(server, #"{"name":"ĐỖ ĐỨC"}"#)) == ["Đỗ Đức Đạt"])
            #expect(try Self.names(try await Self.search(server, #"{"name":"nguyen van"}"#)).isEmpty)
        }
    }

    @Test func noMoreThanTheLimit() async throws {
        try await TestService.with(configure: KioskTokenTests.withToken) { server in
            for _ in 0..<(SignerSearch.maximumLimit + 3) { try await Self.sign(server.store, "Hoàng Thị Lan") }
            #expect(try Self.names(try await Self.search(server, #"{"name":"lan","limit":3}"#)).count == 3)
            #expect(
                try Self.names(try await Self.search(server, #"{"name":"lan"}"#)).count
                    == SignerSearchRequest.defaultLimit)
            #expect(
                try Self.names(try await Self.search(server, #"{"name":"lan","limit":20}"#)).count
                    == SignerSearch.maximumLimit)
            // The store caps what an in-process caller asks for too.
            #expect(try await server.store.findSigners(named: "lan", limit: 500).count == SignerSearch.maximumLimit)
        }
    }

    /// The front's own client over a socket: found with the kiosk token, refused without it.
    @Test func theFrontsClientFindsWithTheKioskToken() async throws {
        try await TestService.with(transport: .live, configure: KioskTokenTests.withToken) { server in
            let receipt = try await Self.sign(server.store, "Vũ Thị Thu Hà")
            let base = try #require(URL(string: "http://127.0.0.1:\(server.port)"))
            // A timeout for a loaded machine (the parallel test run), not the front's 3 s.
            let client = ServiceClient(
                baseURL: base, kioskID: try #require(KioskID("kiosk-a")), token: KioskTokenTests.token, timeout: 60)
            let found = try await client.findSigners(named: "vu thi thu ha", limit: 5)
            #expect(found.map(\.receipt) == [receipt])
            #expect(found.map(\.name) == ["Vũ Thị Thu Hà"])
            let stranger = ServiceClient(baseURL: base, kioskID: try #require(KioskID("kiosk-a")), timeout: 60)
            do throws(PledgeError) {
                _ = try await stranger.findSigners(named: "ha", limit: 5)
                Issue.record("found without the kiosk token")
            } catch {
                #expect(error.code.rawValue == "kiosk-token-required")
            }
        }
    }
}
