import Foundation
import KioskTestSupport
import PledgeKit
import PledgeStore
import Testing

@testable import KioskService

@Suite("Organizer routes, live counter and erasure")
struct OrganizerRouteTests {
    static let bearer = ["Authorization": "Bearer \(TestService.organizerToken)"]

    @Test func organizerRoutesNeedTheToken() async throws {
        try await TestService.with { server in
            #expect(try await server.postPledge(#"{"name":"Lan","ageBand":"18-24","province":"Huế"}"#).status == 201)
            for path in [
                "/api/organizer/counts?by=province", "/api/organizer/kiosks", "/api/organizer/export/pledges", "/admin",
            ] {
                let refused = try await server.get(path)
                #expect(refused.status == 401, "\(path)")
                #expect(refused.contentType.hasPrefix("application/problem+json"))
                let challenge = try #require(refused.headers["www-authenticate"], "\(path)")
                #expect(challenge.contains("Bearer realm="))
                #expect(!refused.text.contains("Huế"), "a refusal says nothing about the data")
                #expect(try await server.request("GET", path, headers: ["Authorization": "Bearer nope"]).status == 401)
                #expect(try await server.request("GET", path, headers: Self.bearer).status == 200)
            }
            let basic = Data("organizer:\(TestService.organizerToken)".utf8).base64EncodedString()
            #expect(
                try await server.request("GET", "/admin", headers: ["Authorization": "Basic \(basic)"]).status == 200)
            #expect(try await server.get("/admin").headers["www-authenticate"]?.hasPrefix("Basic") == true)
        }
    }

    @Test func withoutAConfiguredTokenOrganizerRoutesStayClosed() async throws {
        try await TestService.with(organizerToken: nil) { server in
            // A setting, not a passing fault: 403 and no Retry-After.
            for path in ["/api/organizer/counts", "/api/organizer/kiosks", "/api/organizer/export/pledges", "/admin"] {
                let answer = try await server.request("GET", path, headers: ["Authorization": "Bearer "])
                #expect(answer.status == 403, "\(path)")
                #expect(answer.headers["retry-after"] == nil, "\(path)")
                #expect(try answer.json()["code"] as? String == "organizer-access-not-configured", "\(path)")
            }
        }
    }

    @Test func tokenComparisonIsByDigest() {
        let access = OrganizerAccess(token: "s3cret")
        #expect(access.accepts("s3cret"))
        #expect(!access.accepts("s3cres"))
        #expect(!access.accepts(""))
        #expect(!OrganizerAccess(token: "").isConfigured)
        #expect(BearerToken.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!BearerToken.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!BearerToken.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(BearerToken(nil) == nil && BearerToken("") == nil)
        #expect(!KioskAccess(token: "").isConfigured)
    }

    @Test func countsByAnyDimensionAddUpAndPublicOnesMergeSmallGroups() async throws {
        try await TestService.with { server in
            for index in 0..<7 {
                let province = index < 6 ? #""Huế""# : #""Cà Mau""#
                #expect(
                    try await server.postPledge(#"{"name":null,"ageBand":"18-24","province":\#(province)}"#).status
                        == 201)
            }
            let exact = try await server.request(
                "GET", "/api/organizer/counts?by=province,age-band", headers: Self.bearer
            ).json()
            #expect(exact["total"] as? Int == 7)
            let buckets = exact["buckets"] as? [[String: Any]] ?? []
            #expect(buckets.map { $0["count"] as? Int ?? 0 }.reduce(0, +) == 7)
            #expect(buckets.count == 2)
            // Published: the first 5 (Huế); the newest 2 are withheld in "other" (PublicCounts).
            let published = try await server.get("/api/public/counts?by=province").json()
            let merged = published["buckets"] as? [[String: Any]] ?? []
            #expect(merged.map { $0["values"] as? [String] ?? [] } == [["Huế"], ["other"]])
            #expect(merged.map { $0["count"] as? Int ?? 0 } == [5, 2])
            let bad = try await server.get("/api/public/counts?by=shoe-size")
            #expect(bad.status == 400)
            #expect(try bad.json()["field"] as? String == "by")
        }
    }

    @Test func countsWithoutDimensionsAreTheTotal() async throws {
        try await TestService.with { server in
            let empty = try await server.request("GET", "/api/organizer/counts", headers: Self.bearer).json()
            #expect(empty["total"] as? Int == 0)
            #expect((empty["buckets"] as? [[String: Any]])?.first?["count"] as? Int == 0)
            for index in 0..<3 {
                let band = index == 0 ? "12-15" : "18-24"
                #expect(try await server.postPledge(#"{"name":null,"ageBand":"\#(band)"}"#).status == 201)
            }
            for path in ["/api/organizer/counts", "/api/organizer/counts?by=", "/api/public/counts"] {
                let answer = try await server.request("GET", path, headers: Self.bearer)
                #expect(answer.status == 200, "\(path)")
                let json = try answer.json()
                #expect(json["total"] as? Int == 3, "\(path)")
                #expect(json["dimensions"] as? [String] == [], "\(path)")
                let buckets = try #require(json["buckets"] as? [[String: Any]], "\(path)")
                #expect(buckets.count == 1, "\(path)")
                #expect(buckets.first?["values"] as? [String] == [], "\(path)")
                #expect(buckets.first?["count"] as? Int == 3, "\(path): the buckets add up to the total")
            }
        }
    }

    @Test func adminPageShowsBucketsInWords() async throws {
        try await TestService.with { server in
            for (band, province) in [("12-15", "null"), ("18-24", #""Huế""#), ("under-12", "null")] {
                #expect(
                    try await server.postPledge(#"{"name":null,"ageBand":"\#(band)","province":\#(province)}"#).status
                        == 201)
            }
            let page = try await server.request("GET", "/admin", headers: Self.bearer).text
            #expect(page.contains(#"<td>12–15 tuổi · <span class="en" lang="en">ages 12–15</span></td>"#))
            #expect(page.contains(#"<td>18–24 tuổi · <span class="en" lang="en">ages 18–24</span></td>"#))
            #expect(page.contains(#"<td>Dưới 12 tuổi · <span class="en" lang="en">Under 12</span></td>"#))
            #expect(page.contains(#"<td>Không rõ · <span class="en" lang="en">unknown</span></td>"#))
            #expect(page.contains("<td>Huế</td>"))
            for raw in ["<td>12-15</td>", "<td>18-24</td>", "<td>under-12</td>", "<td>unknown</td>"] {
                #expect(!page.contains(raw), "raw key \(raw) on the page")
            }
            // Days as Vietnamese write them: dd/mm/yyyy.
            #expect(page.range(of: #"<td>\d\d/\d\d/20\d\d</td>"#, options: .regularExpression) != nil)
        }
    }

    @Test func adminPageShowsTotalsAndAServerDrawnChart() async throws {
        try await TestService.with { server in
            for _ in 0..<3 {
                #expect(
                    try await server.postPledge(#"{"name":"Lan","ageBand":"16-17","province":"Huế"}"#).status == 201)
            }
            let page = try await server.request("GET", "/admin", headers: Self.bearer)
            #expect(page.status == 200)
            #expect(page.text.contains("<svg"))
            #expect(page.text.contains("<rect"))
            #expect(!page.text.contains("<script"))
            #expect(page.text.contains("Tổng · total"))
            #expect(!page.text.contains("Lan"), "no names on the organizer page")
            let export = try await server.request(
                "GET", "/api/organizer/export/pledges?format=json", headers: Self.bearer)
            #expect(export.status == 200)
            #expect(export.text.split(separator: "\n").count == 3)
            #expect(!export.text.contains("Lan"))
            let personal = try await server.request(
                "GET", "/api/organizer/export/pledges?includePersonalData=true", headers: Self.bearer)
            #expect(personal.text.hasPrefix("\u{FEFF}"))
            #expect(personal.text.contains("\"Lan\""))
            #expect(personal.headers["content-disposition"]?.contains("attachment") == true)
        }
    }

    @Test func aSignerErasesTheirNameAfterConfirming() async throws {
        try await TestService.with { server in
            let receipt = try await server.postPledge(#"{"name":"Nguyễn Thị Ánh","ageBand":"18-24"}"#).json()
            let code = try #require(receipt["code"] as? String)
            let certificate = try await server.get("/c/\(code)")
            #expect(certificate.text.contains("/c/\(code)/erase"))
            let confirm = try await server.get("/c/\(code)/erase")
            #expect(confirm.status == 200)
            #expect(confirm.text.contains("method=\"post\""))
            #expect(try await server.get("/c/\(code)").text.contains("Nguyễn Thị Ánh"), "GET alone erases nothing")
            let posted = try await server.request("POST", "/c/\(code)/erase")
            #expect(posted.status == 303)
            #expect(posted.headers["location"] == "/c/\(code)", "back to the certificate")
            let erased = try await server.get("/c/\(code)")
            #expect(erased.status == 200)
            #expect(erased.text.contains("Người ký ẩn danh"))
            #expect(!erased.text.contains("Nguyễn Thị Ánh"))
            #expect(try await server.store.counts().total == 1)
        }
    }
}
