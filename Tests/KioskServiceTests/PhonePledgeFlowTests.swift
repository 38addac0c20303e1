import Foundation
import Hummingbird
import HummingbirdTesting
import KioskConfiguration
import KioskHTTP
import KioskService
import KioskTestSupport
import NIOCore
import PledgeExport
import PledgeKit
import PledgeStore
import PledgeWeb
import Testing

/// The web pledge flow for phones (issue 16) through the service's router: the same rules as the
/// API and the terminal, pledges under the kiosk id `phone`, presence codes, limits.
@Suite("The web pledge flow for phones: forms, presence codes, channel")
struct PhonePledgeFlowTests {
    static let html = ["Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded"]

    /// The form fields, percent-encoded.
    static func form(_ fields: [(String, String)]) -> Data {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return Data(
            fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
                .joined(separator: "&").utf8)
    }

    static func post(
        _ server: TestService, _ fields: [(String, String)], headers: [String: String] = html
    ) async throws -> HTTPAnswer {
        try await server.request("POST", "/p", body: form(fields), headers: headers)
    }

    /// The code the event shows now, and one it showed 20 minutes ago (4 periods: no longer accepted).
    static func codes(_ server: TestService) throws -> (now: String, old: String) {
        let presence = try server.store.presenceCodes()
        return (presence.code(at: Date()), presence.code(at: Date().addingTimeInterval(-20 * 60)))
    }

    /// What `request` answered, with the codes of the moment before and after it: the code changes
    /// every 5 minutes, and a request made as it changes shows either (found by a CI run).
    static func aroundCodes<T>(_ server: TestService, _ request: () async throws -> T) async throws -> (
        codes: [String], answer: T
    ) {
        let presence = try server.store.presenceCodes()
        let before = presence.code(at: Date())
        let answer = try await request()
        return ([before, presence.code(at: Date())], answer)
    }

    /// The value of hidden field `name` in `page`.
    static func hidden(_ name: String, in page: String) -> String? {
        guard let range = page.range(of: #"name="\#(name)" value=""#) else { return nil }
        return String(page[range.upperBound...].prefix { $0 != "\"" })
    }

    @Test("An NFD name is reviewed and stored as NFC under the kiosk id phone; signing twice records once")
    func reviewThenSign() async throws {
        try await TestService.with { server in
            let (code, _) = try Self.codes(server)
            let start = try await server.request("GET", "/P/\(code.lowercased())", headers: ["Accept": "text/html"])
            #expect(start.status == 200)
            #expect(start.text.contains(#"<html lang="vi">"#) && start.text.contains("Ký cam kết “Không một mình”"))
            #expect(!start.text.contains("đã hết hạn"))
            let nfd = "Tra\u{0302}\u{0300}n Thi\u{0323} Ho\u{0302}\u{0300}ng"
            let fields = [
                ("lang", "vi"), ("presence", code), ("name", nfd), ("ageBand", "12-15"), ("province", "Huế"),
                ("consent", "yes"),
            ]
            let review = try await Self.post(server, fields + [("step", "review")])
            #expect(review.status == 200)
            // Bytes, not Strings: Swift compares strings by canonical equivalence, NFD equal to NFC.
            let nfc = "Trần Thị Hồng".precomposedStringWithCanonicalMapping
            #expect(review.body.range(of: Data("<dd>\(nfc)</dd>".utf8)) != nil)
            #expect(review.text.contains("30/06/2027"), "the retention date of event.yaml")
            let key = try #require(Self.hidden("key", in: review.text))
            #expect(Self.hidden("name", in: review.text) == "Trần Thị Hồng")
            let signed = try await Self.post(server, fields + [("step", "sign"), ("key", key)])
            #expect(signed.status == 303)
            let location = try #require(signed.headers["location"])
            let again = try await Self.post(server, fields + [("step", "sign"), ("key", key)])
            #expect(again.status == 303 && again.headers["location"] == location)
            let certificate = try #require(CertificateCode(parsing: String(location.dropFirst(3))))
            let pledge = try #require(try await server.store.pledge(code: certificate))
            #expect(pledge.name == "Trần Thị Hồng")
            #expect(pledge.name.map { Array($0.utf8) } == Array(nfc.utf8))
            #expect(pledge.kioskID == KioskID.phone.rawValue && pledge.guardianConsent)
            let page = try await server.request("GET", location, headers: ["Accept": "text/html"])
            #expect(page.status == 200 && page.text.contains("Trần Thị Hồng") && page.text.contains("/qr.svg"))
        }
    }

    @Test("Under 16 with a name and no consent: refused with the rule's message, the fields kept; anonymous goes")
    func guardianConsent() async throws {
        try await TestService.with { server in
            let (code, _) = try Self.codes(server)
            let fields = [
                ("lang", "en"), ("presence", code), ("name", "Lê Minh"), ("ageBand", "12-15"), ("step", "review"),
            ]
            let refused = try await Self.post(server, fields)
            #expect(refused.status == 422)
            #expect(refused.text.contains(#"<html lang="en">"#))
            #expect(refused.text.contains("Under 16: putting a name on the certificate needs a parent"))
            #expect(refused.text.contains(#"value="Lê Minh""#) && refused.text.contains(#"value="12-15" checked"#))
            let anonymous = [("lang", "en"), ("presence", code), ("name", "  "), ("ageBand", "12-15")]
            let review = try await Self.post(server, anonymous + [("step", "review")])
            #expect(review.status == 200 && review.text.contains("<dd>Anonymous signer</dd>"))
            let key = try #require(Self.hidden("key", in: review.text))
            let signed = try await Self.post(server, anonymous + [("step", "sign"), ("key", key)])
            #expect(signed.status == 303)
            let location = try #require(signed.headers["location"])
            let pledge = try await server.store.pledge(
                code: try #require(CertificateCode(parsing: String(location.dropFirst(3)))))
            #expect(pledge?.name == nil && pledge?.kioskID == "phone")
        }
    }

    @Test("An expired or made-up presence code is refused: a problem detail, or a page that keeps the draft")
    func presenceCodes() async throws {
        try await TestService.with { server in
            let (code, old) = try Self.codes(server)
            let recent = try server.store.presenceCodes().code(at: Date().addingTimeInterval(-6 * 60))
            let fields = [
                ("presence", old), ("name", "Phạm Thu Trang"), ("ageBand", "18-24"), ("step", "sign"), ("key", "k-1"),
            ]
            let api = try await Self.post(
                server, fields, headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(api.status == 403)
            #expect(try api.json()["code"] as? String == "presence-required")
            let made = try await Self.post(
                server, [("presence", "ZZZZZZ")] + fields.dropFirst(),
                headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(made.status == 403)
            let page = try await Self.post(server, fields)
            #expect(page.status == 403)
            #expect(
                page.text.contains("Mã bạn quét đã hết hạn") && page.text.contains(#"id="presence" name="presence""#))
            #expect(
                Self.hidden("name", in: page.text) == "Phạm Thu Trang" && Self.hidden("key", in: page.text) == "k-1")
            let start = try await server.request("GET", "/p/\(old)", headers: ["Accept": "text/html"])
            #expect(start.text.contains("Mã bạn quét đã hết hạn"))
            // A path that is no code is not echoed into the page's links.
            let odd = try await server.request("GET", "/p/..%2Fadmin", headers: ["Accept": "text/html"])
            #expect(odd.status == 200 && !odd.text.contains("admin"))
            // The code shown now, and one shown a few minutes ago, go.
            for presence in [code, recent] {
                let signed = try await Self.post(
                    server, [("presence", presence)] + fields.dropFirst().dropLast() + [("key", "k-\(presence)")])
                #expect(signed.status == 303)
            }
            #expect(try await server.store.counts().total == 2)
        }
    }

    @Test("Counts by channel add up: a kiosk's pledge and a phone's; exports name the channel")
    func countsByChannel() async throws {
        try await TestService.with { server in
            let (code, _) = try Self.codes(server)
            #expect(try await server.postPledge(#"{"name":"Lê Na","ageBand":"18-24"}"#).status == 201)
            let fields = [("presence", code), ("name", ""), ("ageBand", "16-17"), ("step", "sign"), ("key", "c-1")]
            #expect(try await Self.post(server, fields).status == 303)
            let answer = try await server.request(
                "GET", "/api/organizer/counts?by=channel",
                headers: ["Authorization": "Bearer \(TestService.organizerToken)"])
            #expect(answer.status == 200)
            let buckets = try #require(try answer.json()["buckets"] as? [[String: Any]])
            let counts = Dictionary(
                uniqueKeysWithValues: buckets.map {
                    (($0["values"] as? [String])?.first ?? "", $0["count"] as? Int ?? 0)
                })
            #expect(counts == ["kiosk": 1, "phone": 1])
            #expect(try answer.json()["total"] as? Int == 2)
            // The pledges' export names each one's channel, in CSV and in JSON Lines.
            let csv = try await server.request(
                "GET", "/api/organizer/export/pledges?format=csv",
                headers: ["Authorization": "Bearer \(TestService.organizerToken)"])
            let lines = csv.text.split(separator: "\r\n").map(String.init)
            let header = ["number", "event", "kiosk", "channel", "createdAt", "ageBand", "province", "guardianConsent"]
            #expect(
                lines.first?.hasSuffix(header.map { "\"\(ExportTable.heading($0))\"" }.joined(separator: ",")) == true)
            #expect(
                lines.dropFirst().map { $0.split(separator: ",")[2...3].joined(separator: ",") }.sorted()
                    == [#""kiosk-test","kiosk""#, #""phone","phone""#])
            let jsonLines = try await server.request(
                "GET", "/api/organizer/export/pledges?format=json",
                headers: ["Authorization": "Bearer \(TestService.organizerToken)"])
            let channels = try jsonLines.text.split(separator: "\n").map {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }.compactMap { $0?["channel"] as? String }
            #expect(channels.sorted() == ["kiosk", "phone"])
        }
    }

    @Test("The printable poster: an A4 PDF in Vietnamese whose QR opens the flow's entry, which asks for the code")
    func poster() async throws {
        try await TestService.with { server in
            let answer = try await server.request("GET", "/presence/poster.pdf")
            #expect(answer.status == 200 && answer.headers["content-type"] == "application/pdf")
            let folder = temporaryDirectory("pledge-poster")
            let pdf = folder.appendingPathComponent("poster.pdf").path
            try answer.body.write(to: URL(fileURLWithPath: pdf))
            let text = try ProcessRunner.run("pdftotext", ["-enc", "UTF-8", pdf, "-"]).stdout
            #expect(text.contains("trên điện thoại của bạn") && text.contains("Nhập mã điểm danh"))
            #expect(text.contains(server.parts.configuration.name) && text.contains("http://kiosk.example.vn/p"))
            let raster = folder.appendingPathComponent("page").path
            #expect(try ProcessRunner.run("pdftoppm", ["-r", "100", "-png", "-singlefile", pdf, raster]).status == 0)
            let decoded = try QRDecoder.zxing(imageAt: raster + ".png")
            #expect(decoded == ["HTTP://KIOSK.EXAMPLE.VN/P"])
            let entry = try await server.request("GET", "/P", headers: Self.html)
            #expect(entry.status == 200 && entry.text.contains(#"id="presence" name="presence""#))
        }
    }

    @Test("A link mistyped or cut short: a page in both languages to a browser, a problem detail to a program")
    func notFoundToBrowsers() async throws {
        try await TestService.with { server in
            for path in ["/p/ABC/def", "/presence/x", "/nothing"] {
                let page = try await server.request("GET", path, headers: ["Accept": "text/html,*/*;q=0.8"])
                #expect(page.status == 404 && page.headers["content-type"] == "text/html; charset=utf-8")
                #expect(
                    page.text.contains("Không tìm thấy trang này.") && page.text.contains("This page was not found."))
                #expect(page.text.contains(#"href="/v""#))
                let json = try await server.request("GET", path, headers: ["Accept": "application/json"])
                #expect(
                    json.status == 404 && json.headers["content-type"]?.hasPrefix("application/problem+json") == true)
                #expect(try json.json()["code"] as? String == "not-found")
            }
            // Another method than GET keeps the problem detail.
            let post = try await server.request("POST", "/nothing", headers: ["Accept": "text/html"])
            #expect(post.headers["content-type"]?.hasPrefix("application/problem+json") == true)
        }
    }

    @Test("The projector's live page shows the phones' QR with the code of the moment; its script renews it")
    func livePageShowsThePresenceQR() async throws {
        try await TestService.with { server in
            let (codes, page) = try await Self.aroundCodes(server) {
                try await server.request("GET", "/live", headers: ["Accept": "text/html"])
            }
            #expect(page.status == 200)
            #expect(
                codes.contains { code in
                    page.text.contains(#"<img id="presence-qr" src="/presence/qr.svg?c=\#(code)""#)
                        && page.text.contains(#"<b id="presence-code">\#(code)</b>"#)
                })
            let script = try await server.request("GET", "/live/live.js")
            #expect(script.text.contains(#"fetch("/api/kiosk-config")"#))
            // What the script reads: the same link as the presence page's.
            let (linkCodes, config) = try await Self.aroundCodes(server) {
                try await server.request("GET", "/api/kiosk-config")
            }
            let link = try config.json()["presenceLink"] as? String
            #expect(linkCodes.contains { link?.hasSuffix("/P/\($0)") == true })
        }
    }

    @Test("A kiosk may not send pledges as the phones' kiosk id")
    func phoneIsReserved() async throws {
        try await TestService.with { server in
            let answer = try await server.request(
                "POST", "/api/pledges", body: Data(#"{"ageBand":"18-24"}"#.utf8),
                headers: ["Content-Type": "application/json", "Idempotency-Key": "k", "Kiosk-Id": "phone"])
            #expect(answer.status == 400)
            #expect(try answer.json()["field"] as? String == "Kiosk-Id")
        }
    }

    @Test("The presence page shows the code of the moment and a QR of the flow's link that decodes")
    func presencePage() async throws {
        try await TestService.with { server in
            let (codes, page) = try await Self.aroundCodes(server) { try await server.get("/presence") }
            #expect(page.status == 200)
            #expect(codes.contains { page.text.contains($0) && page.text.contains("HTTP://KIOSK.EXAMPLE.VN/P/\($0)") })
            let (qrCodes, svg) = try await Self.aroundCodes(server) { try await server.get("/presence/qr.svg") }
            #expect(svg.status == 200 && svg.headers["cache-control"] == "no-store")
            let folder = temporaryDirectory("presence-qr")
            let (svgFile, pngFile) = (folder.appendingPathComponent("qr.svg"), folder.appendingPathComponent("qr.png"))
            try svg.body.write(to: svgFile)
            let drawn = try ProcessRunner.run(
                "rsvg-convert", ["-f", "png", "-w", "400", "-b", "white", "-o", pngFile.path, svgFile.path])
            try #require(drawn.status == 0, "\(drawn.stderr)")
            let decoded = try QRDecoder.zbar(imageAt: pngFile.path)
            #expect(qrCodes.contains { decoded == ["HTTP://KIOSK.EXAMPLE.VN/P/\($0)"] })
        }
    }
}

extension PhonePledgeFlowTests {
    /// Past its limit an address gets 429 with `Retry-After`, and the page keeps what was typed;
    /// wrong presence codes spend a budget of their own.
    @Test("Signatures past an address's limit, and guesses past its budget: 429 with Retry-After, the draft kept")
    func limitPerAddress() async throws {
        let store = try PledgeStore(
            path: temporaryDirectory("phone-limit").appendingPathComponent("p.sqlite").path, eventID: "limit",
            defaultKioskID: "k", links: try CertificateLinks(baseURL: "http://kiosk.example.vn"))
        defer { try? store.close() }
        let presence = try store.presenceCodes()
        let frozen = ContinuousClock.now
        let router = Router(context: KioskRequestContext.self)
        router.add(middleware: ProblemDetailsMiddleware())
        PhonePledgeRoutes(
            recorder: store, presence: presence,
            configuration: try EventConfiguration.load(from: RepositoryPaths.defaultConfiguration),
            addressLimit: .init(perMinute: 1, burst: 2), guessLimit: .init(perMinute: 1, burst: 3),
            // Frozen: no token comes back while the test runs, however slow the parallel run.
            limiterClock: { frozen }
        ).add(to: router)
        try await Application(router: router).test(.router) { client in
            var statuses: [Int] = []
            var last: TestResponse?
            for index in 1...3 {
                let body = Self.form([
                    ("presence", presence.code(at: Date())), ("name", "Võ Thị Sáu \(index)"), ("ageBand", "18-24"),
                    ("step", "sign"), ("key", "limit-\(index)"),
                ])
                let response = try await client.executeRequest(
                    uri: "/p", method: .post,
                    headers: [.accept: "text/html", .contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(bytes: body))
                statuses.append(Int(response.status.code))
                last = response
            }
            #expect(statuses == [303, 303, 429])
            // Wrong presence codes: 403 while the address has guesses left, then 429.
            var guesses: [Int] = []
            for index in 0..<5 {
                let body = Self.form([
                    ("presence", String(format: "%06d", index)), ("ageBand", "18-24"), ("step", "sign"),
                    ("key", "guess-\(index)"),
                ])
                let response = try await client.executeRequest(
                    uri: "/p", method: .post,
                    headers: [.accept: "text/html", .contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(bytes: body))
                guesses.append(Int(response.status.code))
            }
            #expect(guesses == [403, 403, 403, 429, 429])
            // Past the budget the right code waits too: an answer that told it apart from a wrong one
            // would let guessing go on at full speed.
            let right = try await client.executeRequest(
                uri: "/p/\(presence.code(at: Date()))", method: .get, headers: [.accept: "text/html"],
                body: ByteBuffer())
            #expect(right.status == .tooManyRequests)
            // A page without a code (the printed poster's QR) is no guess: it asks for the code on screen.
            for _ in 0..<5 {
                let poster = try await client.executeRequest(
                    uri: "/P", method: .get, headers: [.accept: "text/html"], body: ByteBuffer())
                #expect(poster.status == .ok)
                #expect(String(buffer: poster.body).contains("Nhập mã điểm danh đang hiện trên màn hình"))
                #expect(!String(buffer: poster.body).contains("đã hết hạn"))
            }
            let page = String(buffer: try #require(last).body)
            #expect(try #require(last).headers[.retryAfter].flatMap(Int.init).map { $0 > 0 } == true)
            #expect(page.contains("Có quá nhiều lượt ký cùng lúc") && page.contains(#"value="Võ Thị Sáu 3""#))
        }
        #expect(try await store.counts().total == 2)
    }
}

/// What the breaker found in the first version of the flow, each held by a test.
extension PhonePledgeFlowTests {
    @Test("A review sent again by the back button signs the same pledge; changed since, a new tap signs anew")
    func backButton() async throws {
        try await TestService.with { server in
            let (code, _) = try Self.codes(server)
            let start = try await server.request("GET", "/p/\(code)", headers: ["Accept": "text/html"])
            let key = try #require(Self.hidden("key", in: start.text))
            let fields = [("presence", code), ("name", "Đỗ Mai"), ("ageBand", "18-24"), ("key", key)]
            let review = try await Self.post(server, fields + [("step", "review")])
            #expect(Self.hidden("key", in: review.text) == key)
            let first = try await Self.post(server, fields + [("step", "sign")])
            // Back, "confirm form resubmission": the review again, with the same key.
            let again = try await Self.post(server, fields + [("step", "review")])
            #expect(Self.hidden("key", in: again.text) == key)
            let second = try await Self.post(server, fields + [("step", "sign")])
            #expect(first.status == 303 && second.headers["location"] == first.headers["location"])
            // The name changed after signing: told so, with a new key for a new signature.
            let changed = [("presence", code), ("name", "Đỗ Mai Anh"), ("ageBand", "18-24"), ("key", key)]
            let refused = try await Self.post(server, changed + [("step", "sign")])
            #expect(refused.status == 409 && refused.text.contains("Bạn đã ký một lời cam kết bằng biểu mẫu này"))
            let newKey = try #require(Self.hidden("key", in: refused.text))
            #expect(newKey != key)
            let signed = try await Self.post(server, Array(changed.dropLast()) + [("key", newKey), ("step", "sign")])
            #expect(signed.status == 303 && signed.headers["location"] != first.headers["location"])
            #expect(try await server.store.counts().total == 2)
        }
    }

    @Test("Bytes that are not UTF-8, a name after the retention date (form and API), a wrong content type: refused")
    func badInput() async throws {
        try await TestService.with { server in
            let (code, _) = try Self.codes(server)
            let raw = Data("presence=\(code)&name=Lan%C3%28Anh&ageBand=18-24&step=review".utf8)
            let lost = try await server.request("POST", "/p", body: raw, headers: Self.html)
            #expect(lost.status == 422)
            #expect(lost.text.contains("ký tự điều khiển"))
        }
        let pastRetention: (inout EventConfiguration) -> Void = {
            $0.retainPersonalDataUntil = CivilDate(year: 2020, month: 1, day: 1)
        }
        try await TestService.with(configure: pastRetention) { server in
            let (code, _) = try Self.codes(server)
            let late = try await Self.post(
                server, [("presence", code), ("name", "Lý Thu"), ("ageBand", "18-24"), ("step", "review")])
            #expect(late.status == 422 && late.text.contains("đã hết hạn giữ tên"))
            let anonymous = try await Self.post(
                server, [("presence", code), ("name", ""), ("ageBand", "18-24"), ("step", "sign"), ("key", "late-1")])
            #expect(anonymous.status == 303)
            let plain = try await server.request(
                "POST", "/p", body: Data("presence=\(code)&ageBand=18-24&step=sign&key=x".utf8),
                headers: ["Content-Type": "text/plain"])
            #expect(plain.status == 415)
            // The same code as the API's 415 (breaker: it was invalid-request here).
            #expect(plain.text.contains("unsupported-media-type"), "\(plain.text)")
            // The rule is the store's: the API (and through it the terminal over the LAN) gets it too.
            let api = try await server.request(
                "POST", "/api/pledges", body: Data(#"{"name":"Lý Thu","ageBand":"18-24"}"#.utf8),
                headers: ["Content-Type": "application/json", "Idempotency-Key": "late-api"])
            #expect(api.status == 422)
            #expect(
                api.text.contains(#""code":"personal-data-no-longer-kept""#) && api.text.contains(#""field":"name""#))
            #expect(try await server.store.counts().total == 1)
        }
    }

    @Test("The language switch keeps what was typed; GET /p asks for the code")
    func switchAndGuesses() async throws {
        try await TestService.with { server in
            let (code, _) = try Self.codes(server)
            let switched = try await Self.post(
                server,
                [("lang", "vi"), ("presence", code), ("name", "Hà My"), ("ageBand", "16-17"), ("switchTo", "en")])
            #expect(switched.status == 200 && switched.text.contains(#"<html lang="en">"#))
            #expect(switched.text.contains(#"value="Hà My""#) && switched.text.contains(#"value="16-17" checked"#))
            let bare = try await server.request("GET", "/p", headers: ["Accept": "text/html"])
            #expect(bare.status == 200 && bare.text.contains(#"id="presence" name="presence""#))
        }
    }

    /// Nor `other`, the bucket small groups merge into (breaker: a kiosk named so was a second
    /// `other` row of a public export).
    @Test("Heartbeats and pledges may not claim the phones' id or the merged bucket's, in any case")
    func heartbeatsAndCase() async throws {
        try await TestService.with { server in
            for id in ["phone", "PHONE", "other", "Other"] {
                let beat = try await server.request(
                    "POST", "/api/kiosks/\(id)/heartbeat", body: Data(#"{"state":"ready","waiting":0}"#.utf8),
                    headers: ["Content-Type": "application/json"])
                #expect(beat.status == 400, "\(id)")
                #expect(try beat.json()["field"] as? String == "id")
                let pledge = try await server.request(
                    "POST", "/api/pledges", body: Data(#"{"ageBand":"18-24"}"#.utf8),
                    headers: ["Content-Type": "application/json", "Idempotency-Key": "k-\(id)", "Kiosk-Id": id])
                #expect(pledge.status == 400, "\(id)")
            }
        }
    }
}
