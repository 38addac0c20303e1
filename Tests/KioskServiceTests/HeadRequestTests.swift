import Foundation
import KioskTestSupport
import Testing

/// HEAD on every GET route answers like GET, without a body (RFC 9110, 9.3.2).
@Suite("HEAD requests")
struct HeadRequestTests {
    /// One request on a connection of its own, read as it came: a HEAD answer's Content-Length
    /// is the GET's, and its body must be empty on the wire.
    static func raw(_ port: Int, _ method: String, _ path: String) async throws -> HTTPAnswer {
        let request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        let raw = try await LoopbackHTTP.exchange(port: port, Data(request.utf8), timeout: 60)
        // Parsed as a GET's answer even for HEAD, so any bytes after the head count as a body.
        let answer = try #require(HTTPAnswer(parsing: Data(raw.utf8)), "\(raw)")
        let body = raw.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        return HTTPAnswer(status: answer.status, headers: answer.headers, body: Data(body.utf8))
    }

    @Test func headAnswersLikeGetWithoutABody() async throws {
        try await TestService.with(transport: .live) { server in
            let receipt = try await server.postPledge(#"{"name":"Lan","ageBand":"18-24","province":"Huế"}"#).json()
            let code = try #require(receipt["code"] as? String)
            for path in ["/resources", "/healthz", "/api/counts", "/c/\(code)", "/c/\(code)/qr.svg", "/v"] {
                let get = try await Self.raw(server.port, "GET", path)
                let head = try await Self.raw(server.port, "HEAD", path)
                #expect(get.status == 200, "\(path)")
                #expect(head.status == 200, "\(path)")
                #expect(head.body.isEmpty, "\(path): HEAD has no body")
                #expect(head.headers["content-type"] == get.headers["content-type"], "\(path)")
                #expect(head.headers["content-length"] == String(get.body.count), "\(path): GET's length")
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
        try await TestService.with(transport: .live) { server in
            // HEAD then GET on one connection: if the HEAD answer carried a body, the GET's
            // answer would not start where it should.
            let requests =
                "HEAD /resources HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                + "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            let answer = try await LoopbackHTTP.exchange(port: server.port, Data(requests.utf8), timeout: 60)
            let parts = answer.components(separatedBy: "\r\n\r\n")
            #expect(parts.count == 3, "\(answer)")
            #expect(parts.first?.hasPrefix("HTTP/1.1 200") == true)
            #expect(parts.dropFirst().first?.hasPrefix("HTTP/1.1 200") == true)
            #expect(parts.last?.contains(#""status":"ok""#) == true)
        }
    }
}
