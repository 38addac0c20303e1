import Foundation
import KioskTestSupport
import NIOCore
import NIOEmbedded
import NIOHTTP1
import PledgeKit
import PledgeStore
import Testing

@testable import KioskService
@testable import ServerHardening

/// Requests pipelined on one connection (RFC 9112, 9.3.2) are each answered, in order, although
/// ``PipeliningBackPressureHandler`` hands each on only once the answer before it has been
/// written; and ``HeapTrimmer`` trims only when the allocator's free memory has grown.
@Suite("Pipelined requests")
struct PipeliningTests {
    /// Statuses of the answers in `bytes`, each framed by its Content-Length.
    static func statuses(_ bytes: [UInt8]) -> [Int] {
        var statuses: [Int] = []
        var rest = bytes[...]
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        while let end = rest.firstRange(of: separator) {
            let head = String(decoding: rest[..<end.lowerBound], as: UTF8.self).lowercased()
            statuses.append(Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0)
            let length =
                head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            rest = rest[min(end.upperBound + length, rest.endIndex)...]
        }
        return statuses
    }

    @Test func pipelinedRequestsAreAllAnsweredInOrderUpToTheHalfClose() async throws {
        try await TestService.with(transport: .live) { server in
            let pledge = #"{"name":null,"ageBand":"18-24","province":"Huế"}"#
            // A large answer, a small one, and a pledge with a body, ten times over.
            let requests = (0..<30).map { index in
                switch index % 3 {
                case 0: "GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                case 1: "GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                default:
                    "POST /api/pledges HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Idempotency-Key: pipelined-\(index)\r\nContent-Length: \(pledge.utf8.count)\r\n\r\n\(pledge)"
                }
            }
            let port = server.port
            let answers = try await offPool {
                let connection = try LoopbackConnection(port: port)
                defer { connection.close() }
                try connection.send(requests.joined())
                connection.finishSending()
                return connection.readToEnd(timeout: 60)
            }
            let expected = (0..<30).map { [200, 404, 201][$0 % 3] }
            #expect(Self.statuses(Array(answers.utf8)) == expected)
            #expect(try await server.store.counts().total == 10)
        }
    }

    @Test func aPipelinedRequestWaitsUntilTheAnswerBeforeItHasBeenWritten() throws {
        let channel = EmbeddedChannel()
        let reads = ReadCounter()
        try channel.pipeline.syncOperations.addHandlers([reads, PipeliningBackPressureHandler()])
        // Two requests in one read.
        for uri in ["/first", "/second"] {
            try channel.writeInbound(
                HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: uri)))
            try channel.writeInbound(HTTPServerRequestPart.end(nil))
        }
        func handedOn() throws -> [String] {
            var parts: [String] = []
            while let part = try channel.readInbound(as: HTTPServerRequestPart.self) {
                switch part {
                case .head(let head): parts.append(head.uri)
                case .body: parts.append("body")
                case .end: parts.append("end")
                }
            }
            return parts
        }
        #expect(try handedOn() == ["/first", "end"])
        channel.read()
        #expect(reads.count == 0, "nothing is read while a request is held")

        // The answer passed down but not yet written to the socket: the second request waits.
        let ok = HTTPResponseHead(version: .http1_1, status: .ok, headers: ["content-length": "0"])
        channel.write(HTTPServerResponsePart.head(ok), promise: nil)
        channel.write(HTTPServerResponsePart.end(nil), promise: nil)
        #expect(try handedOn() == [])
        channel.flush()
        #expect(try handedOn() == ["/second", "end"])
        #expect(reads.count == 1, "the read held back is made")
        #expect(try channel.readOutbound(as: HTTPServerResponsePart.self) == .head(ok))
        #expect(try channel.readOutbound(as: HTTPServerResponsePart.self) == .end(nil))
    }

    @Test func theHeapIsTrimmedOnlyWhenFreeMemoryHasGrown() {
        var mark = HeapTrimmer.Mark(threshold: 100, free: 1_000)
        // Free bytes after each interval, and whether each is worth a trim: reuse lowers the
        // mark; 100 more than the lowest since is; after a trim, growth counts from there.
        let looks = [1_050, 900, 1_000, 1_000, 1_099, 1_100]
        let trims = looks.map { mark.shouldTrim(free: $0) }
        #expect(trims == [false, false, true, false, false, true])
    }
}

/// Counts the `read()` calls that reach it from the handlers behind it.
final class ReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = NIOAny
    private(set) var count = 0

    func read(context: ChannelHandlerContext) {
        count += 1
        context.read()
    }
}
