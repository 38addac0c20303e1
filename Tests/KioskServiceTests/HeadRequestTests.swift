import Foundation
import KioskTestSupport
import Testing

/// HEAD on every GET route answers like GET, without a body (RFC 9110, 9.3.2).
@Suite("HEAD requests")
struct HeadRequestTests {
    /// Status, headers (lower-cased names) and body of one raw answer.
    static func parse(_ answer: String) -> (status: Int, headers: [String: String], body: String) {
        let parts = answer.components(separatedBy: "\r\n\r\n")
        let lines = (parts.first ?? "").components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        return (status, headers, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    static func raw(_ port: Int, _ method: String, _ path: String) async throws -> (
        status: Int, headers: [String: String], body: String
    ) {
        let request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        return parse(try await RawHTTP.exchange(port: port, Data(request.utf8), timeout: 20))
    }

    @Test func headAnswersLikeGetWithoutABody() async throws {
        try await LiveServer.with { server in
            let receipt = try await server.postPledge(#"{"name":"Lan","ageBand":"18-24","province":"Huế"}"#).json()
            let code = try #require(receipt["code"] as? String)
            for path in ["/resources", "/healthz", "/api/counts", "/c/\(code)", "/c/\(code)/qr.svg", "/v"] {
                let get = try await Self.raw(server.port, "GET", path)
                let head = try await Self.raw(server.port, "HEAD", path)
                #expect(get.status == 200, "\(path)")
                #expect(head.status == 200, "\(path)")
                #expect(head.body.isEmpty, "\(path): HEAD has no body")
                #expect(head.headers["content-type"] == get.headers["content-type"], "\(path)")
                #expect(head.headers["content-length"] == String(get.body.utf8.count), "\(path): GET's length")
            }
            // A streamed GET (the live counter) answers HEAD with its headers and ends at once.
            let live = try await Self.raw(server.port, "HEAD", "/live/events")
            #expect(live.status == 200)
            #expect(live.headers["content-type"]?.hasPrefix("text/event-stream") == true)
            #expect(live.body.isEmpty)
            // An unknown code: the GET's 404, headers only.
            let missing = try await Self.raw(server.port, "HEAD", "/c/AAAABBBBCCCCDDDD")
            #expect(missing.status == 404)
            #expect(missing.headers["content-type"]?.hasPrefix("application/problem+json") == true)
            #expect(missing.body.isEmpty)
        }
    }

    @Test func aHeadAnswerKeepsTheConnectionFramed() async throws {
        try await LiveServer.with { server in
            // HEAD then GET on one connection: if the HEAD answer carried a body, the GET's
            // answer would not start where it should.
            let requests =
                "HEAD /resources HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                + "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            let answer = try await RawHTTP.exchange(port: server.port, Data(requests.utf8), timeout: 20)
            let parts = answer.components(separatedBy: "\r\n\r\n")
            #expect(parts.count == 3, "\(answer)")
            #expect(parts.first?.hasPrefix("HTTP/1.1 200") == true)
            #expect(parts.dropFirst().first?.hasPrefix("HTTP/1.1 200") == true)
            #expect(parts.last?.contains(#""status":"ok""#) == true)
        }
    }
}
