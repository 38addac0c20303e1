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

/// The certificate routes at the hub: each pledge's page shows its own event and names the
/// official domain; a code issued offline and not synced is "on its way"; a made-up code is not
/// found; a signer erases their name at the hub and the event learns it in its next acknowledgement.
@Suite("Hub certificates")
struct HubCertificateTests {
    @Test("Pages of two events show each its own event and the official domain; documents and QR are served")
    func pagesOfTwoEvents() async throws {
        try await HubFixture.with { hub in
            let hue = try await hub.addEvent("hue-2026", name: "Ngày hội Huế", place: "Nhà văn hóa Huế")
            let vinh = try await hub.addEvent("vinh-2026", name: "Ngày hội Vinh", place: "Quảng trường Vinh")
            let fromHue = HubFixture.pledgeRow(1, token: hue, number: 1, name: "Lê Thị Hoa")
            let fromVinh = HubFixture.pledgeRow(1, token: vinh, number: 1, name: "Trần Văn Nam")
            try await Application(router: hub.router).test(.router) { client in
                #expect(
                    try await HubFixture.post(
                        client, SyncBatch(event: "hue-2026", rows: [fromHue], erasuresSeen: 0), token: hue
                    ).status == .ok)
                #expect(
                    try await HubFixture.post(
                        client, SyncBatch(event: "vinh-2026", rows: [fromVinh], erasuresSeen: 0), token: vinh
                    ).status == .ok)
                for (row, name, event, place) in [
                    (fromHue, "Lê Thị Hoa", "Ngày hội Huế", "Nhà văn hóa Huế"),
                    (fromVinh, "Trần Văn Nam", "Ngày hội Vinh", "Quảng trường Vinh"),
                ] {
                    let code = try #require(row.pledge?.code)
                    let page = try await HubFixture.get(client, "/c/\(code)")
                    #expect(page.status == .ok)
                    let html = String(buffer: page.body)
                    #expect(html.contains(name))
                    #expect(html.contains(event))
                    #expect(html.contains(place))
                    #expect(html.contains("khongmotminh.vn"))
                    let qr = try await HubFixture.get(client, "/C/\(code)/qr.png", html: false)
                    #expect(qr.status == .ok)
                    let file = temporaryDirectory("hub-qr").appendingPathComponent("qr.png")
                    try Data(qr.body.readableBytesView).write(to: file)
                    #expect(try QRDecoder.zbar(imageAt: file.path) == ["HTTPS://KHONGMOTMINH.VN/C/\(code)"])
                    let pdf = try await HubFixture.get(client, "/c/\(code).pdf", html: false)
                    #expect(pdf.status == .ok)
                    #expect(Array(pdf.body.readableBytesView.prefix(5)) == Array("%PDF-".utf8))
                }
                let resources = try await HubFixture.get(client, "/resources")
                #expect(resources.status == .ok)
                let national = try await HubFixture.get(client, "/api/counts", html: false)
                #expect(
                    try JSONDecoder().decode(PledgeCounts.self, from: Data(national.body.readableBytesView)).total == 2)
            }
        }
    }

    @Test("A code issued offline is on its way, in both languages; a made-up one of the right shape is not found")
    func issuedButNotArrived() async throws {
        try await HubFixture.with { hub in
            let token = try await hub.addEvent("hue-2026", name: "Ngày hội Huế", place: "Nhà văn hóa Huế")
            let issued = CodeIssuer(tag: token.codeTag, key: token.codeKey).newCode()
            // Same tag, a key the event does not have: its MAC does not verify.
            let forged = CodeIssuer(tag: token.codeTag, key: Array(repeating: 7, count: 32)).newCode()
            // Another tag that no event has.
            let stranger = SyncToken.random(tag: CertificateCode.randomTag())
            let unregistered = CodeIssuer(tag: stranger.codeTag, key: stranger.codeKey).newCode()
            try await Application(router: hub.router).test(.router) { client in
                for accept in [true, false] {
                    let page = try await HubFixture.get(client, "/c/\(issued.rawValue)", html: accept)
                    #expect(page.status == .ok)
                    let html = String(buffer: page.body)
                    #expect(html.contains("Ngày hội Huế"))
                    #expect(html.contains("đang được gửi về"))
                    #expect(html.contains("on its way"))
                    // It reloads itself, so a student who scanned at the venue sees the certificate come.
                    #expect(html.contains(#"<meta http-equiv="refresh" content="30">"#))
                    #expect(html.contains("khongmotminh.vn"))
                    #expect(!html.contains("không phải giấy thật"))
                }
                let verify = try await HubFixture.get(client, "/v?code=\(issued.grouped)")
                #expect(verify.status == .seeOther)
                #expect(verify.headers[.location] == "/c/\(issued.rawValue)")
                for code in [forged, unregistered] {
                    let page = try await HubFixture.get(client, "/c/\(code.rawValue)")
                    #expect(page.status == .notFound)
                    #expect(!String(buffer: page.body).contains("Ngày hội Huế"))
                    #expect(try await HubFixture.get(client, "/v?code=\(code.rawValue)").status == .notFound)
                }
                // Once its pledge arrives, the same link is the certificate.
                let row = SyncRow(
                    sequence: 1,
                    pledge: SyncPledge(
                        id: UUID(), code: issued.rawValue, kiosk: "kiosk-01", number: 1, name: "Phạm Thu",
                        ageBand: "18-24",
                        province: nil, guardianConsent: false, createdAt: SyncBatch.text(Date())))
                #expect(
                    try await HubFixture.post(
                        client, SyncBatch(event: "hue-2026", rows: [row], erasuresSeen: 0), token: token
                    )
                    .status == .ok)
                #expect(
                    String(buffer: try await HubFixture.get(client, "/c/\(issued.rawValue)").body).contains("Phạm Thu"))
            }
        }
    }

    @Test("A signer erases their name at the hub: the page shows it gone, the event gets it in its acknowledgement")
    func erasureAtTheHub() async throws {
        try await HubFixture.with { hub in
            let token = try await hub.addEvent("hue-2026", name: "Ngày hội Huế")
            let row = HubFixture.pledgeRow(1, token: token, number: 1, name: "Võ Minh Khang")
            let code = try #require(row.pledge?.code)
            try await Application(router: hub.router).test(.router) { client in
                #expect(
                    try await HubFixture.post(
                        client, SyncBatch(event: "hue-2026", rows: [row], erasuresSeen: 0), token: token
                    )
                    .status == .ok)
                #expect(String(buffer: try await HubFixture.get(client, "/c/\(code)").body).contains("Võ Minh Khang"))
                let confirm = try await HubFixture.get(client, "/c/\(code)/erase")
                #expect(confirm.status == .ok)
                #expect(String(buffer: confirm.body).contains("action=\"/c/\(code)/erase\""))
                let erased = try await client.executeRequest(
                    uri: "/c/\(code)/erase", method: .post, headers: [:], body: nil)
                #expect(erased.status == .seeOther)
                #expect(erased.headers[.location] == "/c/\(code)")
                let page = String(buffer: try await HubFixture.get(client, "/c/\(code)").body)
                #expect(!page.contains("Võ Minh Khang"))
                #expect(page.contains("Người ký ẩn danh"))
                // The event's next batch (none of its own rows) learns the erasure.
                let ack = try await HubFixture.post(
                    client, SyncBatch(event: "hue-2026", rows: [], erasuresSeen: 0), token: token)
                let acknowledgement = try JSONDecoder().decode(
                    SyncAcknowledgement.self, from: Data(ack.body.readableBytesView))
                #expect(acknowledgement.erasures.map(\.code) == [code])
                let seen = try #require(acknowledgement.erasures.first?.cursor)
                let again = try await HubFixture.post(
                    client, SyncBatch(event: "hue-2026", rows: [], erasuresSeen: seen), token: token)
                #expect(
                    try JSONDecoder().decode(SyncAcknowledgement.self, from: Data(again.body.readableBytesView))
                        .erasures
                        .isEmpty)
            }
        }
    }
}
