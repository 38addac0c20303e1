import Foundation
import KioskTestSupport
import PledgeKit
import Testing

@Suite("Certificate documents over HTTP and the /v check page")
struct CertificateDocumentRouteTests {
    func pledge(_ server: TestService, name: String?) async throws -> (code: String, url: String) {
        let object: [String: Any] = ["name": name.map { $0 as Any } ?? NSNull(), "ageBand": "18-24"]
        let body = try JSONSerialization.data(withJSONObject: object)
        let answer = try await server.postPledge(body)
        #expect(answer.status == 201)
        let json = try answer.json()
        return (try #require(json["code"] as? String), try #require(json["certificateUrl"] as? String))
    }

    @Test func documentsAreServedWithNamesETagsAndCaching() async throws {
        try await TestService.with { server in
            let (code, url) = try await pledge(server, name: "Nguyễn Thị Ánh")
            for (path, type) in [
                ("/c/\(code).pdf", "application/pdf"), ("/c/\(code).png", "image/png"),
                ("/C/\(code).svg", "image/svg+xml; charset=utf-8"), ("/c/\(code).png?size=print", "image/png"),
            ] {
                let answer = try await server.get(path)
                #expect(answer.status == 200, "\(path)")
                #expect(answer.contentType == type)
                #expect(answer.headers["x-content-type-options"] == "nosniff")
                #expect(answer.headers["content-security-policy"]?.hasPrefix("default-src 'none'") == true)
                #expect(answer.headers["cache-control"] == "no-cache")
                let disposition = try #require(answer.headers["content-disposition"])
                #expect(disposition.contains(#"filename="giay-chung-nhan-nguyen-thi-anh-\#(code)"#), "\(disposition)")
                #expect(disposition.contains("filename*=UTF-8''Gi%E1%BA%A5y%20ch%E1%BB%A9ng%20nh%E1%BA%ADn%20-%20Nguy"))
                let etag = try #require(answer.headers["etag"])
                #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""))
                // The same bytes again, and 304 when the client has them.
                let again = try await server.get(path)
                #expect(again.body == answer.body)
                #expect(again.headers["etag"] == etag)
                let revalidated = try await server.request("GET", path, headers: ["If-None-Match": etag])
                #expect(revalidated.status == 304)
                // Weak comparison (RFC 9110, 13.1.2), as for pages: a W/ prefix and * match too.
                for match in ["W/\(etag)", "*", #""other", \#(etag)"#] {
                    #expect(try await server.request("GET", path, headers: ["If-None-Match": match]).status == 304)
                }
                // `*` is valid only alone; a breaker's `W/*` got 304.
                for match in ["W/*", #""other", *"#, #""other""#] {
                    #expect(try await server.request("GET", path, headers: ["If-None-Match": match]).status == 200)
                }
            }
            let png = try await server.get("/c/\(code).png")
            let file = temporaryDirectory("doc").appendingPathComponent("c.png")
            try png.body.write(to: file)
            #expect(try QRDecoder.zxing(imageAt: file.path) == [url])
            // The page links versioned documents, which may be cached for a year.
            let page = try await server.get("/c/\(code)").text
            let link = try #require(page.range(of: #"/c/\#(code).pdf\?v=[0-9a-f]+"#, options: .regularExpression))
            let versioned = try await server.get(String(page[link]))
            #expect(versioned.headers["cache-control"] == "private, max-age=31536000, immutable")
            #expect(page.contains("kiosk.example.vn"))
        }
    }

    @Test func markupInANameIsTextInTheSVG() async throws {
        try await TestService.with { server in
            let name = #"Trần & "Lê" <b>Bé</b> 'x'"#
            let (code, _) = try await pledge(server, name: name)
            let svg = try await server.get("/c/\(code).svg").text
            #expect(!svg.contains("<b>"))
            #expect(svg.contains("Trần &amp; &quot;Lê&quot; &lt;b&gt;Bé&lt;/b&gt; &#39;x&#39;</text>"))
        }
    }

    @Test func unknownDocumentsAre404() async throws {
        try await TestService.with { server in
            for path in ["/c/7KQ2MX4P9TZA01B1.pdf", "/c/nope.png", "/c/7KQ2MX4P9TZA01B1.svg"] {
                let status = try await server.get(path).status
                #expect(status == 404)
            }
        }
    }

    @Test func typedCodesLeadToTheCertificate() async throws {
        try await TestService.with { server in
            let form = try await server.get("/v")
            #expect(form.status == 200)
            #expect(form.text.contains(#"<html lang="vi">"#))
            #expect(form.text.contains("Kiểm tra giấy chứng nhận"))
            let (code, _) = try await pledge(server, name: nil)
            // Lower case, dashes, and 0/1 typed as o/i where the code has them.
            var typed = code.lowercased().replacingOccurrences(of: "0", with: "o").replacingOccurrences(
                of: "1", with: "i")
            typed.insert("-", at: typed.index(typed.startIndex, offsetBy: 4))
            let found = try await server.get("/v?code=\(typed)")
            #expect(found.status == 303)
            #expect(found.headers["location"] == "/c/\(code)", "to the certificate page")
            let answer = try await server.get(found.headers["location"] ?? "")
            #expect(answer.status == 200)
            #expect(answer.text.contains("Người ký ẩn danh"))
            let unknown = try await server.get("/v?code=7KQ2-MX4P-9TZA-01B1")
            #expect(unknown.status == 404)
            #expect(unknown.text.contains("Không có giấy chứng nhận nào với mã này"))
            let junk = try await server.get("/v?code=%3Cscript%3E")
            #expect(junk.status == 400)
            #expect(!junk.text.contains("<script>"))
            #expect(junk.text.contains("&lt;script&gt;"))
        }
    }
}
