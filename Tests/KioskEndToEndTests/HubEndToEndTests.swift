import Foundation
import KioskTestSupport
import PledgeKit
import Testing

/// Issue 14 end to end: two event services (two SQLite files) feed one hub (`kiosk hub serve` on
/// the test run's PostgreSQL) through their outboxes; certificates open at the hub's official base.
@Suite("Events feed one hub on PostgreSQL", .serialized)
struct HubEndToEndTests {
    static func post(_ server: KioskProcess, key: String, name: String?) async throws -> (code: String, url: String) {
        let answer = try await TestEvent.postPledge(port: server.port, key: key, kiosk: "hub-kiosk", name: name)
        #expect(answer.status == 201, "\(answer.text)")
        let json = try answer.json()
        return (try #require(json["code"] as? String), try #require(json["certificateUrl"] as? String))
    }

    @Test func pledgesAtTwoEventsArriveExactlyOnceAlsoWhileTheHubIsDown() async throws {
        let bed = try await HubTestbed("two-events")
        try await bed.startHub()
        let hanoi = try bed.addEvent("e2e-ha-noi", province: "Hà Nội")
        let danang = try bed.addEvent("e2e-da-nang", province: "Đà Nẵng")
        let servers = [try await bed.serve(hanoi), try await bed.serve(danang)]
        var urls: [String: String] = [:]
        for (index, server) in servers.enumerated() {
            for n in 0..<6 {
                let pledge = try await Self.post(
                    server, key: "up-\(index)-\(n)", name: n % 2 == 0 ? "Trần Thị Ánh \(n)" : nil)
                urls[pledge.code] = pledge.url
            }
        }
        #expect(try await bed.waitForSync([hanoi, danang]))

        // The hub goes down; both events keep taking pledges, which wait in their outboxes.
        try await bed.stopHub()
        for (index, server) in servers.enumerated() {
            for n in 0..<6 {
                let pledge = try await Self.post(server, key: "down-\(index)-\(n)", name: "Nguyễn Văn Đức \(n)")
                urls[pledge.code] = pledge.url
            }
        }
        try await bed.startHub()
        #expect(try await bed.waitForSync([hanoi, danang]))
        #expect(try await bed.hubRowCount(hanoi) == 12)
        #expect(try await bed.hubRowCount(danang) == 12)

        // Every certificate link is on the hub's base, in capitals for QR's alphanumeric mode.
        for (code, url) in urls {
            #expect(url == "HTTPS://KHONGMOTMINH.VN/C/\(code)", "\(url)")
        }
        // One QR, decoded by zbar, opens the certificate at the hub with the event page's fields.
        let (code, _) = try #require(urls.first { _ in true })
        let event = try #require(
            try await HubTestbed.eventPledges(hanoi)[code] != nil ? servers[0] : servers[1] as KioskProcess?)
        let qr = try await LoopbackHTTP.request(port: event.port, "GET", "/c/\(code)/qr.png")
        #expect(qr.status == 200)
        let image = bed.folder.appendingPathComponent("qr.png")
        try qr.body.write(to: image)
        #expect(try QRDecoder.zbar(imageAt: image.path) == ["HTTPS://KHONGMOTMINH.VN/C/\(code)"])
        let atEvent = try await LoopbackHTTP.request(port: event.port, "GET", "/c/\(code)")
        let atHub = try await LoopbackHTTP.request(port: bed.hubPort, "GET", "/C/\(code)")
        #expect(atEvent.status == 200)
        #expect(atHub.status == 200)
        for field in CertificatePageFields.read(atEvent.text) {
            #expect(atHub.text.contains(field), "the hub's page lacks \(field)")
        }
        #expect(atHub.text.contains("khongmotminh.vn"))

        for server in servers { _ = try await KioskProcess.stop(server) }
        try await bed.finish()
    }

    @Test func erasuresReachTheOtherSideAndAnErasureBeforeItsPledgeWins() async throws {
        let bed = try await HubTestbed("erasure")
        try await bed.startHub()
        let event = try bed.addEvent("e2e-erasure")
        var server = try await bed.serve(event)
        let atEvent = try await Self.post(server, key: "erase-at-event", name: "Lê Văn Bình")
        let atHub = try await Self.post(server, key: "erase-at-hub", name: "Phạm Thị Cúc")
        #expect(try await bed.waitForSync([event]))

        // Erased at the event: the hub's copy loses the name.
        let erased = try await LoopbackHTTP.request(
            port: server.port, "POST", "/c/\(atEvent.code)/erase",
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: Data("confirm=yes".utf8))
        #expect([200, 303].contains(erased.status), "\(erased.status) \(erased.text)")
        // Erased at the hub: the event's copy loses the name at their next contact.
        let erasedAtHub = try await LoopbackHTTP.request(
            port: bed.hubPort, "POST", "/c/\(atHub.code)/erase",
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: Data("confirm=yes".utf8))
        #expect([200, 303].contains(erasedAtHub.status), "\(erasedAtHub.status) \(erasedAtHub.text)")
        #expect(try await bed.waitForSync([event]))
        #expect(try await bed.hubPledges(event)[atEvent.code]?.name == nil)
        #expect(try await HubTestbed.eventPledges(event)[atHub.code]?.name == nil)

        // An erasure that reaches the hub before its pledge: the event cannot reach the hub yet.
        _ = try await KioskProcess.stop(server)
        server = try await bed.serve(event, hubURL: "http://127.0.0.1:\(try freeLoopbackPort())")
        let early = try await Self.post(server, key: "erase-early", name: "Đỗ Minh Châu")
        let pending = try await LoopbackHTTP.request(port: bed.hubPort, "GET", "/c/\(early.code)")
        #expect(pending.text.contains("Sự kiện e2e-erasure"), "the hub names the event that issued the code")
        #expect(pending.text.contains("/c/\(early.code)/erase"), "the page on its way offers the erasure")
        let erasedEarly = try await LoopbackHTTP.request(
            port: bed.hubPort, "POST", "/c/\(early.code)/erase",
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: Data("confirm=yes".utf8))
        #expect([200, 303].contains(erasedEarly.status), "\(erasedEarly.status) \(erasedEarly.text)")
        _ = try await KioskProcess.stop(server)
        server = try await bed.serve(event)
        #expect(try await bed.waitForSync([event]))
        #expect(try await bed.hubPledges(event)[early.code] != nil)
        #expect(try await bed.hubPledges(event)[early.code]?.name == nil)
        #expect(try await HubTestbed.eventPledges(event)[early.code]?.name == nil)
        _ = try await KioskProcess.stop(server)
        try await bed.finish()
    }

    /// A token the hub does not know (one character mistyped, or another hub's): the service
    /// does not start, instead of issuing codes under a key the hub will never recognize.
    @Test func anEventWhoseTokenTheHubRefusesDoesNotStart() async throws {
        let bed = try await HubTestbed("wrong-token")
        try await bed.startHub()
        let event = try bed.addEvent("e2e-wrong-token")
        let right = try SyncToken(parsing: event.token)
        let wrong = HubTestbed.Event(
            id: event.id, config: event.config, database: event.database,
            token: SyncToken.random(tag: right.codeTag).text)
        do {
            let server = try await bed.serve(wrong)
            _ = try await KioskProcess.stop(server)
            Issue.record("a service with a token the hub refuses started")
        } catch let error as KioskProcessError {
            #expect(error.log.contains("does not take this event's sync token"), "\(error.log)")
        }
        try await bed.finish()
    }

    @Test func aPurgeAtTheEventEmptiesTheNamesAtTheHub() async throws {
        let bed = try await HubTestbed("purge")
        try await bed.startHub()
        // Names are taken while the event keeps them (past its date the service refuses a name)…
        let event = try bed.addEvent("e2e-purge", retainPersonalDataUntil: "2099-12-31")
        let server = try await bed.serve(event)
        for n in 0..<4 { _ = try await Self.post(server, key: "purge-\(n)", name: "Vũ Thị Dung \(n)") }
        #expect(try await bed.waitForSync([event]))
        _ = try await KioskProcess.stop(server)
        // …then its retention date is one that has passed, and the organizer purges.
        let config = try String(contentsOfFile: event.config, encoding: .utf8)
        #expect(config.contains("retainPersonalDataUntil: 2099-12-31"))
        try config.replacingOccurrences(
            of: "retainPersonalDataUntil: 2099-12-31", with: "retainPersonalDataUntil: 2025-10-11"
        )
        .write(toFile: event.config, atomically: true, encoding: .utf8)
        let purge = try ProcessRunner.run(
            RepositoryPaths.kioskBinary,
            ["purge", "--config", event.config, "--database", event.database, "--yes"])
        #expect(purge.status == 0, "\(purge.stdout)\(purge.stderr)")
        let again = try await bed.serve(event)
        #expect(try await bed.waitForSync([event]))
        #expect(try await bed.hubPledges(event).values.allSatisfy { $0.name == nil })
        #expect(try await bed.hubPledges(event).count == 4)
        _ = try await KioskProcess.stop(again)
        try await bed.finish()
    }

    @Test func theHubTellsIssuedButNotArrivedFromMadeUpAndTypos() async throws {
        let bed = try await HubTestbed("codes")
        try await bed.startHub()
        let event = try bed.addEvent("e2e-codes")
        // The event cannot reach the hub: its pledges stay in its outbox.
        let server = try await bed.serve(event, hubURL: "http://127.0.0.1:\(try freeLoopbackPort())")
        let pledge = try await Self.post(server, key: "on-its-way", name: "Hoàng Văn Em")
        _ = try await KioskProcess.stop(server)

        let onItsWay = try await LoopbackHTTP.request(port: bed.hubPort, "GET", "/c/\(pledge.code)")
        #expect(onItsWay.status == 200, "\(onItsWay.status)")
        #expect(onItsWay.text.contains("Sự kiện e2e-codes"))
        #expect(!onItsWay.text.contains("Hoàng Văn Em"))

        // The same tag and shape with other random characters: the MAC fails, not found.
        var madeUp = Array(pledge.code)
        madeUp[8] = madeUp[8] == "7" ? "8" : "7"
        madeUp[9] = madeUp[9] == "7" ? "8" : "7"
        let forged = try await LoopbackHTTP.request(port: bed.hubPort, "GET", "/c/\(String(madeUp))")
        #expect(forged.status == 404)

        // One character typed wrong at /v: reported as a probable typo.
        var typo = Array(pledge.code)
        typo[12] = typo[12] == "A" ? "B" : "A"
        let typed = try await LoopbackHTTP.request(port: bed.hubPort, "GET", "/v?code=\(String(typo))")
        #expect(typed.text.lowercased().contains("typo") || typed.text.contains("gõ nhầm"), "\(typed.text.prefix(400))")
        try await bed.finish()
    }
}

/// The fields a certificate page shows, read from its HTML: the texts between the page's
/// `data-field` markers, or, where the page has none, its title and number line.
enum CertificatePageFields {
    static func read(_ html: String) -> [String] {
        var fields: [String] = []
        for pattern in [
            #"Người thứ [0-9.]+ cam kết"#, #"Sự kiện [a-z0-9-]+"#, #"Nhà văn hóa [a-z0-9-]+"#, #"10/10/2025"#,
        ] {
            if let range = html.range(of: pattern, options: .regularExpression) { fields.append(String(html[range])) }
        }
        return fields
    }
}
