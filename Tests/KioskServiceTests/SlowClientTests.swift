import Foundation
import KioskService
import KioskTestSupport
import PledgeKit
import PledgeStore
import ServerHardening
import Testing

/// Slow clients are cut off with 408 and `Connection: close` (``RequestDeadlines``); clients that
/// are slow but within the deadlines, and the live counter's endless stream, are not.
@Suite("Slow clients")
struct SlowClientTests {
    /// Deadlines short enough for a test; the trickles below send one byte a second, so a request
    /// of dozens of bytes would take far longer than them.
    static let short = RequestDeadlines(headers: .seconds(1), body: .seconds(1))
    static let pledge = #"{"name":null,"ageBand":"18-24","province":"Huế","guardianConsent":false}"#

    static func expectRequestTimeout(_ raw: String) throws {
        let answer = try #require(HTTPAnswer(parsing: Data(raw.utf8)), "\(raw)")
        #expect(answer.status == 408)
        #expect(answer.headers["connection"] == "close")
        #expect(answer.contentType.hasPrefix("application/problem+json"))
        let problem = try answer.json()
        #expect(problem["code"] as? String == "request-timeout")
        #expect(problem["status"] as? Int == 408)
        let messages = try #require(problem["messages"] as? [String: String])
        #expect(messages["vi"]?.contains("quá chậm") == true)
        #expect(messages["en"]?.contains("too slowly") == true)
        #expect(problem["detail"] as? String == messages["vi"], "Vietnamese first")
    }

    @Test func headersTrickledOneByteASecondGet408AndTheConnectionCloses() async throws {
        try await TestService.with(transport: .live, requestDeadlines: Self.short) { server in
            let request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow-client-test\r\n\r\n"
            let result = try await LoopbackHTTP.paced(port: server.port, LoopbackHTTP.bytes(request), interval: 1)
            try Self.expectRequestTimeout(result.answer)
            #expect(result.closedByServer)
            // Cut off long before the request was complete (a byte a second for the whole of it).
            #expect(result.piecesSent < request.utf8.count / 2, "sent \(result.piecesSent) bytes")
            #expect(try await server.get("/healthz").status == 200, "the service goes on")
        }
    }

    @Test func aBodyTrickledOneByteASecondGets408AndLeavesNoRecord() async throws {
        try await TestService.with(transport: .live, requestDeadlines: Self.short) { server in
            let head =
                "POST /api/pledges HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Idempotency-Key: slow-body\r\nContent-Length: \(Self.pledge.utf8.count)\r\n\r\n"
            let result = try await LoopbackHTTP.paced(
                port: server.port, [Data(head.utf8)] + LoopbackHTTP.bytes(Self.pledge), interval: 1)
            try Self.expectRequestTimeout(result.answer)
            #expect(result.closedByServer)
            #expect(result.piecesSent < Self.pledge.utf8.count / 2, "sent \(result.piecesSent) pieces")
            #expect(try await server.store.counts().total == 0, "no partial record")
            // The same body sent at once is a valid pledge: only its pace was refused.
            #expect(try await server.postPledge(Self.pledge, key: "slow-body").status == 201)
            #expect(try await server.store.counts().total == 1)
        }
    }

    @Test func slowButCompleteRequestsStillWork() async throws {
        try await TestService.with(transport: .live, requestDeadlines: .init(headers: .seconds(8), body: .seconds(8))) {
            server in
            func first(_ connection: String) -> String {
                "POST /api/pledges HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Idempotency-Key: slow-but-fine\r\nConnection: \(connection)\r\n"
                    + "Content-Length: \(Self.pledge.utf8.count)\r\n\r\n" + Self.pledge
            }
            let second = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            // Each request in four pieces, a fifth of a second apart; the second on the same
            // connection after the first was answered.
            func pieces(_ text: String) -> [Data] {
                let bytes = Array(text.utf8)
                let size = bytes.count / 4 + 1
                return stride(from: 0, to: bytes.count, by: size).map { Data(bytes[$0..<min($0 + size, bytes.count)]) }
            }
            let one = try await LoopbackHTTP.paced(port: server.port, pieces(first("close")), interval: 0.2)
            #expect(HTTPAnswer(parsing: Data(one.answer.utf8))?.status == 201, "\(one.answer)")
            #expect(one.piecesSent == 4)
            #expect(try await server.store.counts().total == 1)
            let both = try await LoopbackHTTP.paced(
                port: server.port, pieces(first("keep-alive")) + pieces(second), interval: 0.2,
                stopWhenAnswered: false)
            let answers = both.answer.components(separatedBy: "HTTP/1.1 ").dropFirst()
            #expect(answers.count == 2, "\(both.answer)")
            #expect(answers.first?.hasPrefix("201") == true, "the same key again: the same pledge")
            #expect(answers.last?.hasPrefix("200") == true)
            #expect(both.piecesSent == 8)
            #expect(try await server.store.counts().total == 1)
        }
    }

    @Test func anIdleConnectionClosesWithoutAnAnswerAtTheHeaderDeadline() async throws {
        // Idle timeout far off: what closes the connection here is the header deadline.
        try await TestService.with(transport: .live, idleTimeout: .seconds(120), requestDeadlines: Self.short) {
            server in
            let result = try await LoopbackHTTP.paced(port: server.port, [], interval: 0, timeout: 60)
            #expect(result.answer.isEmpty, "no 408 on a connection that sent nothing: \(result.answer)")
            #expect(result.closedByServer)
        }
    }

    @Test func theLiveEventStreamIsNotCutByTheDeadlines() async throws {
        try await TestService.with(transport: .live, requestDeadlines: Self.short) { server in
            let stream = try await offPool { try SSEClients(port: server.port, count: 1) }
            defer { stream.close() }
            #expect(try await offPool { stream.wait(untilAtLeast: 1, contain: #""total":0"#, timeout: 90) } == 1)
            // Well past both deadlines, the stream is open and still delivers.
            try await Task.sleep(for: .seconds(3))
            #expect(try await server.postPledge(Self.pledge).status == 201)
            let delivered = try await offPool { stream.wait(untilAtLeast: 1, contain: #""total":1"#, timeout: 90) }
            #expect(delivered == 1, "\(stream.received())")
            #expect(stream.endedCount == 0)
            #expect(!stream.received().contains("408"))
        }
    }
}
