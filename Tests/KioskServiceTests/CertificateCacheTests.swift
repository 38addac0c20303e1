import Foundation
import KioskTestSupport
import PledgeKit
import PledgeStore
import Testing

@Suite("Cached certificate pages and QR images: ETags, and never a name the store has erased")
struct CertificateCacheTests {
    func pledge(_ server: TestService, name: String) async throws -> String {
        let answer = try await server.postPledge(#"{"name":"\#(name)","ageBand":"18-24","province":"Huế"}"#)
        #expect(answer.status == 201)
        return try #require(try answer.json()["code"] as? String)
    }

    @Test("Page, qr.png and qr.svg: the same bytes again with a strong ETag; If-None-Match gets 304 without a body")
    func etagsAndNotModified() async throws {
        try await TestService.with { server in
            let code = try await pledge(server, name: "Trần Minh Thư")
            for path in ["/c/\(code)", "/c/\(code)/qr.png", "/c/\(code)/qr.svg"] {
                let first = try await server.get(path)
                let second = try await server.get(path)
                #expect(first.status == 200 && second.status == 200, "\(path)")
                #expect(first.body == second.body && !first.body.isEmpty, "\(path)")
                let etag = try #require(first.headers["etag"], "\(path)")
                #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && etag.count > 2, "strong: \(etag)")
                #expect(second.headers["etag"] == etag)
                let revalidated = try await server.request(
                    "GET", path, headers: ["If-None-Match": "\"other\", \(etag)"])
                #expect(revalidated.status == 304, "\(path)")
                #expect(revalidated.body.isEmpty)
                #expect(revalidated.headers["etag"] == etag)
                let weak = try await server.request("GET", path, headers: ["If-None-Match": "W/\(etag)"])
                #expect(weak.status == 304, "weak comparison, RFC 9110 13.1.2: \(path)")
                let stale = try await server.request("GET", path, headers: ["If-None-Match": "\"0000\""])
                #expect(stale.status == 200 && stale.body == first.body, "\(path)")
            }
            let page = try await server.get("/c/\(code)")
            #expect(page.headers["cache-control"] == "private, no-cache")
            #expect(page.contentType == "text/html; charset=utf-8")
            #expect(page.text.contains("Trần Minh Thư"))
            // The same code in another spelling is the same cached page.
            #expect(try await server.get("/c/\(code.lowercased())").headers["etag"] == page.headers["etag"])
        }
    }

    @Test("Erased through POST /c/{code}/erase: the cached page is not served, its old ETag gets 200 and the new page")
    func erasureThroughTheRoute() async throws {
        try await TestService.with { server in
            let code = try await pledge(server, name: "Hoàng Bảo Ngọc")
            let before = try await server.get("/c/\(code)")
            #expect(try await server.get("/c/\(code)").text.contains("Hoàng Bảo Ngọc"))
            let etag = try #require(before.headers["etag"])
            let qr = try await server.get("/c/\(code)/qr.png")

            // Typed with a space, as printed: the erase route decodes %20 like the page does.
            let spaced = "\(code.prefix(4))%20\(code.dropFirst(4))"
            let erased = try await server.request("POST", "/c/\(spaced)/erase")
            #expect(erased.status == 303)
            #expect(erased.headers["location"] == "/c/\(code)", "back to the certificate")
            let after = try await server.request("GET", "/c/\(code)", headers: ["If-None-Match": etag])
            #expect(after.status == 200)
            #expect(!after.text.contains("Hoàng Bảo Ngọc"))
            #expect(after.text.contains("Người ký ẩn danh"))
            #expect(after.headers["etag"] != etag)
            // The QR shows only the link: the same image, made again after the erasure dropped it.
            let qrAfter = try await server.get("/c/\(code)/qr.png")
            #expect(qrAfter.status == 200 && qrAfter.body == qr.body)
        }
    }

    @Test("Erased outside the service (the store, as `kiosk erase` and `kiosk purge` do): the next GET has no name")
    func erasureByAnotherProcess() async throws {
        try await TestService.with { server in
            let erased = try await pledge(server, name: "Vũ Đức Thắng")
            let purged = try await pledge(server, name: "Lê Thị Ngọc Ẩn")
            for code in [erased, purged] {
                for _ in 0..<2 { _ = try await server.get("/c/\(code)") }  // rendered, then a cache hit
            }
            #expect(try await server.get("/c/\(erased)").text.contains("Vũ Đức Thắng"))

            #expect(try await server.store.erasePersonalData(code: try #require(CertificateCode(parsing: erased))))
            let afterErase = try await server.get("/c/\(erased)")
            #expect(afterErase.status == 200)
            #expect(!afterErase.text.contains("Vũ Đức Thắng"))
            #expect(afterErase.text.contains("Người ký ẩn danh"))

            #expect(try await server.get("/c/\(purged)").text.contains("Lê Thị Ngọc Ẩn"))
            #expect(try await server.store.purgePersonalData(createdBefore: Date().addingTimeInterval(60)) == 1)
            let afterPurge = try await server.get("/c/\(purged)")
            #expect(!afterPurge.text.contains("Lê Thị Ngọc Ẩn"))
            #expect(afterPurge.text.contains("Người ký ẩn danh"))
        }
    }
}
