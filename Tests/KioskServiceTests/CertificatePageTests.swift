import Foundation
import KioskTestSupport
import PledgeKit
import QRCode
import Testing

@Suite("Certificate pages, QR images and safety resources")
struct CertificatePageTests {
    func pledge(_ server: TestService, name: String?, band: String = "18-24") async throws -> [String: Any] {
        let nameJSON = name.map { "\"\($0.replacingOccurrences(of: "\"", with: "\\\""))\"" } ?? "null"
        let answer = try await server.postPledge(#"{"name":\#(nameJSON),"ageBand":"\#(band)","province":"Đà Nẵng"}"#)
        #expect(answer.status == 201)
        return try answer.json()
    }

    @Test func pageShowsTheCertificateInVietnamese() async throws {
        try await TestService.with { server in
            let receipt = try await pledge(server, name: "Đỗ Hữu Nghĩa")
            let code = try #require(receipt["code"] as? String)
            let answer = try await server.get("/c/\(code)")
            #expect(answer.status == 200)
            #expect(answer.contentType == "text/html; charset=utf-8")
            #expect(answer.headers["x-content-type-options"] == "nosniff")
            #expect(answer.headers["content-security-policy"]?.contains("default-src 'none'") == true)
            let html = answer.text
            #expect(html.contains(#"<html lang="vi">"#))
            #expect(html.contains("Đỗ Hữu Nghĩa"))
            #expect(html.contains("Người thứ 1 cam kết"))
            #expect(html.contains("Lễ phát động chiến dịch"))
            #expect(html.contains("10/10/2025"))
            #expect(html.contains(try #require(CertificateCode(parsing: code)).grouped))
            #expect(html.contains(#"href="tel:111""#))
            #expect(html.contains("canhbao.khonggianmang.vn"))
            // The same page from the link as the QR writes it, and from a hand-typed code.
            #expect(try await server.get("/C/\(code)").status == 200)
            let typed = code.lowercased().enumerated().map { $0.offset == 4 ? "-\($0.element)" : "\($0.element)" }
                .joined()
            #expect(try await server.get("/c/\(typed)").status == 200)
            let spaced = stride(from: 0, to: 16, by: 4).map { i in
                code.dropFirst(i).prefix(4)
            }.joined(separator: "%20")
            #expect(try await server.get("/c/\(spaced)").status == 200)
        }
    }

    @Test func anonymousSignerIsNamedSo() async throws {
        try await TestService.with { server in
            let code = try #require(try await pledge(server, name: nil)["code"] as? String)
            #expect(try await server.get("/c/\(code)").text.contains("Người ký ẩn danh"))
        }
    }

    @Test("Markup in a name is shown as text", arguments: ["</text><script>x</script>", #"Trần & "Lê" <b>Bé</b> 'x'"#])
    func namesAreEscaped(_ name: String) async throws {
        try await TestService.with { server in
            let code = try #require(try await pledge(server, name: name)["code"] as? String)
            let html = try await server.get("/c/\(code)").text
            #expect(!html.contains("<script>"))
            #expect(!html.contains("<b>Bé"))
            let escaped = name.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
                .replacingOccurrences(of: "'", with: "&#39;")
            #expect(html.contains(#"<p class="name">\#(escaped)</p>"#))
        }
    }

    @Test(
        "Unknown codes get the same 404",
        arguments: [
            "/c/7KQ2MX4P9TZA01B1", "/c/nope", "/c/..%2F..%2Fetc%2Fpasswd", "/c/7KQ2MX4P9TZA01B1/qr.png", "/nothing",
        ])
    func unknownCodes(_ path: String) async throws {
        try await TestService.with { server in
            _ = try await pledge(server, name: "Lan")
            let answer = try await server.get(path)
            #expect(answer.status == 404)
            #expect(answer.contentType.hasPrefix("application/problem+json"))
            #expect(try answer.json()["code"] as? String == "not-found")
        }
    }

    @Test func aBrowserGetsAPageForAnUnknownCode() async throws {
        try await TestService.with { server in
            let answer = try await server.request(
                "GET", "/c/7KQ2MX4P9TZA01B1", headers: ["Accept": "text/html,application/xhtml+xml,*/*;q=0.8"])
            #expect(answer.status == 404)
            #expect(answer.contentType == "text/html; charset=utf-8")
            #expect(answer.text.contains("Không tìm thấy giấy chứng nhận này"))
        }
    }

    @Test func qrImagesDecodeToTheCertificateURL() async throws {
        try await TestService.with { server in
            let receipt = try await pledge(server, name: "Phạm Quốc Khánh")
            let code = try #require(receipt["code"] as? String)
            let url = try #require(receipt["certificateUrl"] as? String)
            #expect(try QRCode(encoding: url).version <= 3)

            let png = try await server.get("/c/\(code)/qr.png")
            #expect(png.status == 200)
            #expect(png.contentType == "image/png")
            let pngFile = temporaryDirectory("qr").appendingPathComponent("qr.png")
            try png.body.write(to: pngFile)
            #expect(try QRDecoder.zbar(imageAt: pngFile.path) == [url])
            #expect(try QRDecoder.zxing(imageAt: pngFile.path) == [url])

            let svg = try await server.get("/c/\(code)/qr.svg")
            #expect(svg.status == 200)
            #expect(svg.contentType == "image/svg+xml")
            #expect(svg.headers["x-content-type-options"] == "nosniff")
            #expect(svg.text.contains(#"shape-rendering="crispEdges""#))
            #expect(svg.text == (try QRCode(encoding: url).svg()))
        }
    }

    @Test func resourcesPageListsEveryResourceWithItsQR() async throws {
        try await TestService.with { server in
            let answer = try await server.get("/resources")
            #expect(answer.status == 200)
            #expect(answer.contentType == "text/html; charset=utf-8")
            let html = answer.text
            for (id, link) in [
                ("child-helpline", "tel:111"), ("police", "tel:113"),
                ("scam-report", "https://canhbao.khonggianmang.vn"),
            ] {
                #expect(html.contains(#"href="\#(link)""#))
                let qr = try await server.get("/resources/\(id)/qr.svg")
                #expect(qr.status == 200)
                #expect(qr.text == (try QRCode(encoding: link).svg()))
            }
            #expect(html.contains("Tổng đài quốc gia bảo vệ trẻ em"))
        }
    }
}
