import Foundation
import HTTPTypes
import HubCore
import HubService
import HubStore
import Hummingbird
import HummingbirdTesting
import KioskAPI
import KioskHTTP
import KioskTestSupport
import NIOCore
import PledgeKit
import PledgeStore
import PledgeWeb
import Testing

/// The web pledge flow at the hub (issue 16): a linked event's presence code, made by the event's
/// own side (``PresenceCodes/init(linkedTo:)``), counts the pledge for the event with channel
/// `phone`; without such a code the pledge counts online only, and the page says so first. Pledges
/// made at the hub are in PostgreSQL, open at `/c/{code}`, are erased there and purged.
@Suite("Hub pledge flow")
struct HubPledgeFlowTests {
    /// `application/x-www-form-urlencoded`, every byte but ASCII letters and digits percent-encoded
    /// (an NFD name travels as its decomposed bytes).
    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        var allowed = CharacterSet()
        allowed.insert(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        return ByteBuffer(
            string: fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
                .joined(separator: "&"))
    }

    /// `POST /p` with `fields`, as a browser (`html`) or another client.
    static func post(_ client: some TestClientProtocol, _ fields: [(String, String)], html: Bool = true)
        async throws -> TestResponse
    {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if html { headers[.accept] = "text/html" }
        return try await client.executeRequest(uri: "/p", method: .post, headers: headers, body: form(fields))
    }

    /// The presence at the hub the event shows at `date`: its tag, then its code.
    static func presence(_ token: SyncToken, at date: Date = Date()) -> String {
        token.codeTag + PresenceCodes(linkedTo: token.codeIssuer).code(at: date)
    }

    static func counts(_ client: some TestClientProtocol, _ query: String = "") async throws -> PledgeCounts {
        let answer = try await HubFixture.get(client, "/api/counts\(query)", html: false)
        return try JSONDecoder().decode(PledgeCounts.self, from: Data(answer.body.readableBytesView))
    }

    static func code(_ response: TestResponse) throws -> CertificateCode {
        let location = try #require(response.headers[.location])
        return try #require(CertificateCode(parsing: String(location.dropFirst("/c/".count))))
    }

    @Test("A code the event made counts the pledge for it, channel phone; NFD stored as NFC; a replay changes nothing")
    func countsForTheEvent() async throws {
        try await HubFixture.with { hub in
            let token = try await hub.addEvent("hue-2026", name: "Ngày hội Huế", place: "Nhà văn hóa Huế")
            let presence = Self.presence(token)
            let nfd = "Nguyễn Thị Hoà".decomposedStringWithCanonicalMapping
            let store = hub.store
            try await Application(router: hub.router).test(.router) { client in
                let start = try await HubFixture.get(client, "/P/\(presence)")
                #expect(start.status == .ok)
                let page = String(buffer: start.body)
                #expect(page.contains("Ngày hội Huế"))
                #expect(page.contains("value=\"\(presence)\""))
                #expect(!page.contains("cam kết trực tuyến"))
                let fields = [
                    ("presence", presence), ("name", nfd), ("ageBand", "18-24"), ("province", "Huế"),
                    ("step", "sign"), ("key", "hub-sign-1"),
                ]
                let signed = try await Self.post(client, fields)
                #expect(signed.status == .seeOther)
                let code = try Self.code(signed)
                // The event's code form: its tag, its key's MAC.
                #expect(code.codeTag == token.codeTag)
                #expect(token.codeIssuer.issued(code))
                let stored = try #require(try await store.certificate(code: code))
                #expect(stored.eventID == "hue-2026")
                #expect(PledgeChannel(kioskID: stored.kioskID) == .phone)
                #expect(
                    Array(try #require(stored.name).utf8)
                        == Array("Nguyễn Thị Hoà".precomposedStringWithCanonicalMapping.utf8))
                #expect(stored.number == HubEvent.hubNumberBase + 1)
                // Sent again (the back button, a retry): the same certificate, nothing more.
                let again = try await Self.post(client, fields)
                #expect(again.status == .seeOther)
                #expect(try Self.code(again) == code)
                #expect(try await Self.counts(client, "?event=hue-2026").total == 1)
                #expect(try await Self.counts(client).total == 1)
                // The same key with another draft: 409, nothing recorded.
                var changed = fields
                changed[2] = ("ageBand", "25-plus")
                #expect(try await Self.post(client, changed).status == .conflict)
                #expect(try await Self.counts(client).total == 1)
                // Its certificate opens at the hub.
                let certificate = try await HubFixture.get(client, "/c/\(code.rawValue)")
                #expect(certificate.status == .ok)
                #expect(
                    String(buffer: certificate.body).contains("Nguyễn Thị Hoà".precomposedStringWithCanonicalMapping))
                // Counted among the event's pledges made at the hub, not as its billionth.
                #expect(String(buffer: certificate.body).contains("Người thứ 1 cam kết qua trang chính thức"))
                #expect(!String(buffer: certificate.body).contains("1.000.000"))
                // A second pledge takes the next hub number.
                let second = try await Self.post(
                    client, [("presence", presence), ("ageBand", "18-24"), ("step", "sign"), ("key", "hub-sign-2")])
                let secondCode = try Self.code(second)
                #expect(try await store.certificate(code: secondCode)?.number == HubEvent.hubNumberBase + 2)
                // Counts by channel: phones at the hub, and the event's kiosks' pledges synced.
                for index in 3...5 {
                    let signed = try await Self.post(
                        client,
                        [("presence", presence), ("ageBand", "18-24"), ("step", "sign"), ("key", "hub-sign-\(index)")])
                    #expect(signed.status == .seeOther)
                }
                let rows = (1...5).map { HubFixture.pledgeRow($0, token: token, number: $0, name: nil) }
                let synced = try await HubFixture.post(
                    client, SyncBatch(event: "hue-2026", rows: rows, erasuresSeen: 0), token: token)
                #expect(synced.status == .ok)
                #expect(try await store.channelCounts(event: nil) == ["kiosk": 5, "phone": 5])
                let answer = try await HubFixture.get(client, "/api/counts?event=hue-2026", html: false)
                let json = try #require(
                    try JSONSerialization.jsonObject(with: Data(answer.body.readableBytesView)) as? [String: Any])
                #expect(json["total"] as? Int == 10)
                #expect(json["byChannel"] as? [String: Int] == ["kiosk": 5, "phone": 5])
            }
        }
    }

    @Test("The same signature recorded many times at once: one pledge, every call answered with it")
    func concurrentReplays() async throws {
        try await HubFixture.with { hub in
            _ = try await hub.addEvent("hue-2026", name: "Ngày hội Huế", place: "Nhà văn hóa Huế")
            let store = hub.store
            let draft = try PledgeDraft(
                name: "Phạm Văn Đồng", ageBand: .from18To24, province: nil, school: nil, guardianConsent: false
            ).validated()
            let key = try IdempotencyKey("at-once")
            // On the pool's connections at once: all but one meet the first one's row in the unique index.
            let outcomes = try await withThrowingTaskGroup(of: HubWebPledgeOutcome.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await store.recordWebPledge(draft, key: key, event: EventID("hue-2026")!, at: Date())
                    }
                }
                return try await group.reduce(into: [HubWebPledgeOutcome]()) { $0.append($1) }
            }
            #expect(outcomes.count == 4)
            #expect(Set(outcomes).count == 1)
            #expect(try await store.counts(event: nil).total == 1)
            #expect(try await store.channelCounts(event: nil) == ["phone": 1])
        }
    }

    @Test("An expired or made-up code: a problem detail, nothing recorded; the page says online, and online it counts")
    func withoutAValidCodeItCountsOnline() async throws {
        try await HubFixture.with { hub in
            let token = try await hub.addEvent("hue-2026", name: "Ngày hội Huế", place: "Nhà văn hóa Huế")
            let expired = Self.presence(token, at: Date().addingTimeInterval(-20 * 60))
            // The online pledges' pseudo-event is the hub's own: no event may take its id.
            let reserved = await #expect(throws: HubError.self) { try await hub.addEvent("online", name: "Trực tuyến") }
            #expect(reserved?.kind == .eventExists)
            let madeUp = token.codeTag + "000000"
            let store = hub.store
            try await Application(router: hub.router).test(.router) { client in
                for presence in [expired, madeUp, "000000", "ZZZZ000000"] {
                    let refused = try await Self.post(
                        client,
                        [("presence", presence), ("ageBand", "18-24"), ("step", "sign"), ("key", "k-\(presence)")],
                        html: false)
                    #expect(refused.status == .forbidden)
                    #expect(try HubFixture.problem(refused).code == "presence-required")
                }
                #expect(try await Self.counts(client).total == 0)
                // A browser is told before anything is signed: the review, as an online pledge.
                let review = try await Self.post(
                    client,
                    [
                        ("presence", expired), ("name", "Lê Văn Tám"), ("ageBand", "18-24"), ("step", "review"),
                        ("key", "online-1"),
                    ])
                let html = String(buffer: review.body)
                #expect(html.contains("cam kết trực tuyến"))
                #expect(html.contains("Ngày hội Huế"))
                #expect(html.contains("name=\"presence\" value=\"0\""))
                #expect(try await Self.counts(client).total == 0)
                // Signed from that review: an online pledge.
                let signed = try await Self.post(
                    client,
                    [
                        ("presence", "0"), ("name", "Lê Văn Tám"), ("ageBand", "18-24"), ("step", "sign"),
                        ("key", "online-1"),
                    ])
                #expect(signed.status == .seeOther)
                let code = try Self.code(signed)
                let stored = try #require(try await store.certificate(code: code))
                #expect(stored.eventID == HubEvent.onlineID.rawValue)
                #expect(stored.kioskID == "phone")
                #expect(stored.number == 1)
                #expect(try await Self.counts(client, "?event=online").total == 1)
                #expect(try await Self.counts(client, "?event=hue-2026").total == 0)
                // The online form: no code asked, no notice.
                let online = try await HubFixture.get(client, "/p")
                #expect(online.status == .ok)
                #expect(!String(buffer: online.body).contains("hết hạn"))
                #expect(try await HubFixture.get(client, "/c/\(code.rawValue)").status == .ok)
            }
        }
    }

    @Test("A pledge made at the hub is erased from its certificate page and purged past its event's retention")
    func erasureAndPurge() async throws {
        try await HubFixture.with { hub in
            let token = SyncToken.random(tag: CertificateCode.randomTag())
            let today = CivilDate(inVietnamAt: Date())
            let event = HubEvent(
                id: EventID("vinh-2026")!, name: "Ngày hội Vinh", province: Province(matching: "Nghệ An")!,
                date: today, place: "Quảng trường Vinh", codeTag: token.codeTag, codeKey: token.codeKey,
                retainPersonalDataUntil: today)
            let store = hub.store
            try await store.addEvent(event, tokenHash: token.storageHash)
            try await Application(router: hub.router).test(.router) { client in
                var codes: [CertificateCode] = []
                for index in 1...2 {
                    let signed = try await Self.post(
                        client,
                        [
                            ("presence", Self.presence(token)), ("name", "Trần Thị Mai \(index)"), ("ageBand", "18-24"),
                            ("step", "sign"), ("key", "vinh-\(index)"),
                        ])
                    #expect(signed.status == .seeOther)
                    codes.append(try Self.code(signed))
                }
                let erased = try await client.executeRequest(
                    uri: "/c/\(codes[0].rawValue)/erase", method: .post, headers: [:], body: nil)
                #expect(erased.status == .seeOther)
                #expect(try await store.certificate(code: codes[0])?.name == nil)
                #expect(try await store.certificate(code: codes[1])?.name == "Trần Thị Mai 2")
                // The day after the event's last day of retention.
                #expect(try await store.purgeExpired(at: Date().addingTimeInterval(36 * 3600)) == 1)
                #expect(try await store.certificate(code: codes[1])?.name == nil)
                #expect(try await Self.counts(client, "?event=vinh-2026").total == 2)
            }
        }
    }

    @Test("A linked event's presence QR points at the hub once the hub has answered, and opens the flow there")
    func presenceQROpensAtTheHub() async throws {
        try await HubFixture.with { hub in
            let token = try await hub.addEvent("hue-2026", name: "Ngày hội Huế", place: "Nhà văn hóa Huế")
            let file = temporaryDirectory("hub-presence").appendingPathComponent("pledges.sqlite").path
            let event = try PledgeStore(
                path: file, eventID: "hue-2026", defaultKioskID: "kiosk-1",
                links: try CertificateLinks(baseURL: "http://192.168.1.20:8080"), codeIssuer: token.codeIssuer,
                feedsHub: true)
            defer { try? event.close() }
            let now = Date()
            // As the event service wires them when linked (KioskApplication, ServiceStartup).
            let routes = PresenceRoutes(
                presence: PresenceCodes(linkedTo: token.codeIssuer), links: event.links, eventName: "Ngày hội Huế",
                linked: .init(codeTag: token.codeTag, status: event), now: { now })
            let code = PresenceCodes(linkedTo: token.codeIssuer).code(at: now)
            #expect(await routes.currentLink(at: now) == "HTTP://192.168.1.20:8080/P/\(code)")
            _ = try await event.hubAcknowledged(
                SyncAcknowledgement(acknowledged: 0, certificateBaseUrl: "https://khongmotminh.vn", erasures: []),
                sentThrough: 0, at: now)
            let router = Router(context: KioskRequestContext.self)
            routes.add(to: router)
            let link = "HTTPS://KHONGMOTMINH.VN/P/\(token.codeTag)\(code)"
            try await Application(router: router).test(.router) { client in
                let svg = try await client.executeRequest(
                    uri: "/presence/qr.svg", method: .get, headers: [:], body: nil)
                #expect(svg.status == .ok)
                let folder = temporaryDirectory("hub-presence-qr")
                let (svgFile, pngFile) = (
                    folder.appendingPathComponent("qr.svg"), folder.appendingPathComponent("qr.png")
                )
                try Data(svg.body.readableBytesView).write(to: svgFile)
                let drawn = try ProcessRunner.run(
                    "rsvg-convert", ["-f", "png", "-w", "400", "-b", "white", "-o", pngFile.path, svgFile.path])
                try #require(drawn.status == 0, "\(drawn.stderr)")
                #expect(try QRDecoder.zbar(imageAt: pngFile.path) == [link])
            }
            try await Application(router: hub.router).test(.router) { client in
                let page = try await HubFixture.get(client, String(link.dropFirst("HTTPS://KHONGMOTMINH.VN".count)))
                #expect(page.status == .ok)
                let html = String(buffer: page.body)
                #expect(html.contains("Ngày hội Huế"))
                #expect(!html.contains("cam kết trực tuyến"))
            }
        }
    }
}
