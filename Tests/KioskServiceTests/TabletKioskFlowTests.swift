import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskConfiguration
import KioskHTTP
import KioskTestSupport
import NIOCore
import PledgeKit
import PledgeStore
import PledgeWeb
import Testing

/// The tablet kiosk mode (`/tablet`, issue 16) through the service's router: only a tablet set up
/// with the kiosk token opens it (no presence code, no forged or other event's credential), its
/// pledges count as that kiosk's (channel `kiosk`), the pages carry the terminal's timeouts, the
/// script and no autofill, and the last screen shows the QR and nothing of the signer.
@Suite("The tablet kiosk mode: credential, channel, pages")
struct TabletKioskFlowTests {
    static let token = TabletKioskBrowserTests.kioskToken

    static func with<T: Sendable>(_ body: @Sendable (TestService) async throws -> T) async throws -> T {
        try await TestService.with(configure: KioskTokenTests.withToken, body)
    }

    /// The `kiosk-tablet` cookie `POST /tablet/setup` sets for `kioskID`, as a `Cookie` header.
    static func setUp(_ server: TestService, kioskID: String = "tablet-1") async throws -> [String: String] {
        let answer = try await server.request(
            "POST", "/tablet/setup", body: PhonePledgeFlowTests.form([("kiosk", kioskID), ("token", token)]),
            headers: PhonePledgeFlowTests.html)
        try #require(answer.status == 303 && answer.headers["location"] == "/tablet")
        let cookie = try #require(answer.headers["set-cookie"])
        return ["Cookie": String(cookie.prefix { $0 != ";" })]
    }

    static func post(_ server: TestService, _ fields: [(String, String)], cookie: [String: String]) async throws
        -> HTTPAnswer
    {
        try await server.request(
            "POST", "/tablet", body: PhonePledgeFlowTests.form(fields),
            headers: PhonePledgeFlowTests.html.merging(cookie) { $1 })
    }

    @Test("Setup with the kiosk token sets an HttpOnly, SameSite=Strict credential for /tablet only")
    func setup() async throws {
        try await Self.with { server in
            let page = try await server.request("GET", "/tablet/setup", headers: ["Accept": "text/html"])
            #expect(page.status == 200 && page.text.contains(#"type="password""#))
            #expect(page.text.contains(#"autocomplete="off""#))
            let answer = try await server.request(
                "POST", "/tablet/setup",
                body: PhonePledgeFlowTests.form([("kiosk", "tablet-1"), ("token", Self.token)]),
                headers: PhonePledgeFlowTests.html)
            #expect(answer.status == 303)
            let cookie = answer.headers["set-cookie"] ?? ""
            #expect(cookie.hasPrefix("kiosk-tablet=tablet-1."))
            for attribute in ["Path=/tablet", "HttpOnly", "SameSite=Strict", "Max-Age=2592000"] {
                #expect(cookie.contains(attribute), "\(cookie)")
            }
            #expect(!cookie.contains(Self.token), "the tablet never holds the kiosk token")
        }
    }

    @Test("A wrong token, the reserved id phone, or a bad id are refused")
    func setupRefusals() async throws {
        try await Self.with { server in
            func setup(_ kiosk: String, _ token: String) async throws -> HTTPAnswer {
                try await server.request(
                    "POST", "/tablet/setup", body: PhonePledgeFlowTests.form([("kiosk", kiosk), ("token", token)]),
                    headers: PhonePledgeFlowTests.html)
            }
            let wrong = try await setup("tablet-1", "guess")
            #expect(wrong.status == 403 && wrong.headers["set-cookie"] == nil)
            #expect(wrong.text.contains("Mã truy cập của kiosk không đúng."))
            #expect(try await setup("phone", Self.token).status == 422)
            #expect(try await setup("PHONE", Self.token).status == 422)
            #expect(try await setup("tablet 1<", Self.token).status == 422)
        }
    }

    @Test(
        "Without a credential: a browser is led to the setup page, another client gets 401; a phone's code opens nothing"
    )
    func noCredential() async throws {
        try await Self.with { server in
            let start = try await server.request("GET", "/tablet", headers: ["Accept": "text/html"])
            #expect(start.status == 303 && start.headers["location"] == "/tablet/setup")
            let presence = try server.store.presenceCodes().code(at: Date())
            let fields = [("presence", presence), ("ageBand", "18-24"), ("step", "sign"), ("key", "t-1")]
            let api = try await server.request(
                "POST", "/tablet", body: PhonePledgeFlowTests.form(fields),
                headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(api.status == 401)
            #expect(try api.json()["code"] as? String == "kiosk-credential-required")
            // Forged: a MAC of zeros, another event's credential, a credential for phone.
            let other = try #require(TabletPass(kioskToken: Self.token, eventID: "another-event"))
            let forged = [
                "tablet-1." + String(repeating: "0", count: 64), other.credential(for: KioskID("tablet-1")!),
                "phone." + String(repeating: "0", count: 64),
            ]
            for credential in forged {
                let answer = try await Self.post(server, fields, cookie: ["Cookie": "kiosk-tablet=\(credential)"])
                #expect(answer.status == 303 && answer.headers["location"] == "/tablet/setup")
            }
            #expect(try await server.store.counts().total == 0)
        }
    }

    @Test("No kiosk token configured: no tablet mode at all")
    func noKioskToken() async throws {
        try await TestService.with { server in
            let answer = try await server.request("GET", "/tablet/setup", headers: ["Accept": "text/html"])
            #expect(answer.status == 404)
        }
    }

    @Test("A tablet's pledge counts as that kiosk's; signing twice records once; the last screen shows the QR only")
    func signAsKiosk() async throws {
        try await Self.with { server in
            let cookie = try await Self.setUp(server)
            let start = try await server.request(
                "GET", "/tablet?lang=en", headers: ["Accept": "text/html"].merging(cookie) { $1 })
            #expect(start.status == 200 && start.text.contains(#"<html lang="en">"#))
            #expect(start.text.contains(#"<script src="/tablet/tablet.js" defer></script>"#))
            #expect(start.text.contains(#"class="kiosk" data-idle="90" data-countdown="15""#), "KioskTimeouts()")
            #expect(
                start.text.contains(#"id="name" name="name" value="" "#) && start.text.contains(#"autocomplete="off""#))
            #expect(start.text.contains(#"action="/tablet""#))
            #expect(start.headers["content-security-policy"]?.contains("script-src 'self'") == true)
            #expect(start.headers["cache-control"] == "no-store")
            let key = try #require(PhonePledgeFlowTests.hidden("key", in: start.text))
            let fields = [("lang", "en"), ("name", "Hồ Thị Mai"), ("ageBand", "18-24"), ("key", key)]
            let review = try await Self.post(server, fields + [("step", "review")], cookie: cookie)
            #expect(review.status == 200 && review.text.contains("<dd>Hồ Thị Mai</dd>"))
            let signed = try await Self.post(server, fields + [("step", "sign")], cookie: cookie)
            #expect(signed.status == 303)
            let location = try #require(signed.headers["location"])
            #expect(location.hasPrefix("/tablet/done/") && location.hasSuffix("?lang=en"))
            let again = try await Self.post(server, fields + [("step", "sign")], cookie: cookie)
            #expect(again.status == 303 && again.headers["location"] == location)
            let raw = String(location.dropFirst("/tablet/done/".count).prefix { $0 != "?" })
            let code = try #require(CertificateCode(parsing: raw))
            let pledge = try #require(try await server.store.pledge(code: code))
            #expect(pledge.kioskID == "tablet-1" && pledge.name == "Hồ Thị Mai")
            #expect(try await server.store.counts().total == 1)

            let done = try await server.request(
                "GET", location, headers: ["Accept": "text/html"].merging(cookie) { $1 })
            #expect(done.status == 200 && done.text.contains(#"<img src="/c/\#(code.rawValue)/qr.svg""#))
            #expect(done.text.contains(code.grouped) && !done.text.contains("Hồ Thị Mai"))
            #expect(done.text.contains(#"data-idle="60""#) && done.text.contains("Next signer"))
            #expect(done.text.contains(#"<noscript><meta http-equiv="refresh" content="60;url=/tablet"></noscript>"#))
            let elsewhere = try await server.request("GET", location, headers: ["Accept": "text/html"])
            #expect(elsewhere.status == 303, "the last screen needs the tablet's credential")

            let answer = try await server.request(
                "GET", "/api/organizer/counts?by=channel",
                headers: ["Authorization": "Bearer \(TestService.organizerToken)"])
            let buckets = try #require(try answer.json()["buckets"] as? [[String: Any]])
            #expect(buckets.count == 1 && (buckets.first?["values"] as? [String]) == ["kiosk"])
        }
    }

    /// Past the kiosk's limit a signature gets 429 (a retry still gets its certificate); wrong
    /// tokens on the setup page spend a budget per address. On a frozen clock: no token comes back
    /// while the test runs, however slow the parallel run.
    @Test("Signatures past the kiosk's limit, and wrong tokens past their budget: 429 with Retry-After")
    func limits() async throws {
        let store = try PledgeStore(
            path: temporaryDirectory("tablet-limit").appendingPathComponent("p.sqlite").path, eventID: "limit",
            defaultKioskID: "k", links: try CertificateLinks(baseURL: "http://kiosk.example.vn"))
        defer { try? store.close() }
        let frozen = ContinuousClock.now
        let configuration = try EventConfiguration.load(from: RepositoryPaths.defaultConfiguration)
        let router = Router(context: KioskRequestContext.self)
        router.add(middleware: ProblemDetailsMiddleware())
        let event = EventPledgeFlow(
            recorder: store, recordedKeys: store, presence: try store.presenceCodes(), configuration: configuration)
        TabletKioskRoutes(
            flow: PhonePledgeRoutes(site: event), event: event,
            pass: try #require(TabletPass(kioskToken: Self.token, eventID: "limit")),
            isKioskToken: { $0 == Self.token }, links: try CertificateLinks(baseURL: "http://kiosk.example.vn"),
            perKiosk: KioskRateLimiter(.init(perMinute: 1, burst: 2), now: { frozen }),
            guessLimit: .init(perMinute: 1, burst: 3), limiterClock: { frozen }
        ).add(to: router)
        try await Application(router: router).test(.router) { client in
            func post(_ path: String, _ fields: [(String, String)], cookie: String = "") async throws -> TestResponse {
                var headers: HTTPFields = [.accept: "text/html", .contentType: "application/x-www-form-urlencoded"]
                if !cookie.isEmpty { headers[.cookie] = cookie }
                return try await client.executeRequest(
                    uri: path, method: .post, headers: headers,
                    body: ByteBuffer(bytes: PhonePledgeFlowTests.form(fields)))
            }
            let setUp = try await post("/tablet/setup", [("kiosk", "tablet-1"), ("token", Self.token)])
            let cookie = String((setUp.headers[.setCookie] ?? "").prefix { $0 != ";" })
            #expect(setUp.status == .seeOther && !cookie.isEmpty)
            var statuses: [Int] = []
            for _ in 0..<4 {
                statuses.append(Int(try await post("/tablet/setup", [("kiosk", "t"), ("token", "guess")]).status.code))
            }
            #expect(statuses == [403, 403, 403, 429])
            // Past the budget the right token waits too: an answer that told it apart from a wrong one
            // would let a weak token be guessed at full speed.
            let heldBack = try await post("/tablet/setup", [("kiosk", "tablet-2"), ("token", Self.token)])
            #expect(heldBack.status == .tooManyRequests && heldBack.headers[.setCookie] == nil)
            statuses = []
            for index in 0..<3 {
                let fields = [("ageBand", "18-24"), ("step", "sign"), ("key", "limit-\(index)")]
                statuses.append(Int(try await post("/tablet", fields, cookie: cookie).status.code))
            }
            #expect(statuses == [303, 303, 429])
            let retry = [("ageBand", "18-24"), ("step", "sign"), ("key", "limit-0")]
            #expect(try await post("/tablet", retry, cookie: cookie).status == .seeOther)
        }
        #expect(try await store.counts().total == 2)
    }

    @Test("A credential is bound to the kiosk token, the event and the kiosk id")
    func pass() throws {
        let pass = try #require(TabletPass(kioskToken: "k", eventID: "e"))
        let id = try #require(KioskID("tablet-7"))
        #expect(pass.kioskID(presenting: pass.credential(for: id)) == id)
        #expect(pass.credential(for: id).count == "tablet-7.".count + 64)
        #expect(TabletPass(kioskToken: "other", eventID: "e")?.kioskID(presenting: pass.credential(for: id)) == nil)
        #expect(TabletPass(kioskToken: "k", eventID: "f")?.kioskID(presenting: pass.credential(for: id)) == nil)
        let swapped = "tablet-8" + pass.credential(for: id).dropFirst("tablet-7".count)
        #expect(pass.kioskID(presenting: swapped) == nil)
        #expect(pass.kioskID(presenting: pass.credential(for: id).uppercased()) == nil)
        #expect(pass.kioskID(presenting: "") == nil && pass.kioskID(presenting: ".") == nil)
        #expect(TabletPass(kioskToken: "", eventID: "e") == nil && TabletPass(kioskToken: nil, eventID: "e") == nil)
    }
}
