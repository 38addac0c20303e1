import Foundation
import GRDB
import KioskTestSupport
import Testing

/// SIGTERM stops `kiosk serve` promptly even while clients are halfway through a request: a pledge
/// whose body is still arriving is answered 503 (`Connection: close`) and never stored, instead of
/// holding the exit for up to the 10 s body deadline. A pledge whose body has arrived is still
/// committed and answered 201.
@Suite("kiosk serve: SIGTERM with requests half sent")
struct ShutdownTests {
    static let pledge = #"{"name":"Trần Thị Mai","ageBand":"16-17","province":"Huế","guardianConsent":false}"#

    @Test func sigtermDoesNotWaitForABodyStillArriving() async throws {
        let folder = temporaryDirectory("shutdown-body")
        let config = try TestEvent.write(in: folder)
        let database = folder.appendingPathComponent("kiosk.sqlite").path
        let server = try await offPool { Started(try KioskProcess(database: database, config: config)) }.process
        defer { server.stop() }
        let head =
            "POST /api/pledges HTTP/1.1\r\nHost: 127.0.0.1\r\n\(TestEvent.authorization)Content-Type: application/json\r\n"
            + "Idempotency-Key: half-sent\r\nContent-Length: \(Self.pledge.utf8.count)\r\n\r\n"
        // The head and the first 20 bytes of the body: the service is waiting for the rest.
        let slowBody = try LoopbackConnection(port: server.port)
        try slowBody.send(head + String(decoding: Self.pledge.utf8.prefix(20), as: UTF8.self))
        // Half a header block, and a connection that sent nothing: neither may hold the exit up.
        let slowHead = try LoopbackConnection(port: server.port)
        try slowHead.send("GET /healthz HTTP/1.1\r\nHost: 127.")
        let idle = try LoopbackConnection(port: server.port)
        try await Task.sleep(for: .milliseconds(500))

        let stopped = try await KioskProcess.stop(server)
        #expect(stopped.isClean(within: KioskProcess.exitLimit), "\(stopped)")

        let answer = try await offPool { slowBody.readToEnd(timeout: 5) }
        let (status, headers, body) = Self.parse(answer)
        #expect(status == 503, "\(answer)")
        #expect(headers.contains("connection: close"))
        #expect(headers.contains("retry-after:"))
        #expect(headers.contains("content-type: application/problem+json"))
        let problem = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(problem["code"] as? String == "service-stopping")
        let messages = try #require(problem["messages"] as? [String: String])
        #expect(messages["vi"]?.contains("Máy chủ đang dừng") == true)
        #expect(messages["en"]?.contains("shutting down") == true)
        #expect(try await offPool { slowHead.readToEnd(timeout: 5) }.isEmpty, "closed without an answer")
        #expect(try await offPool { idle.readToEnd(timeout: 5) }.isEmpty)

        // Nothing of the half-sent pledge was stored.
        let queue = try DatabaseQueue(path: database)
        defer { try? queue.close() }
        #expect(try await queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM pledge") } == 0)
    }

    @Test func aPledgeBeingCommittedAtSIGTERMIsStoredAndAnswered() async throws {
        let folder = temporaryDirectory("shutdown-commit")
        let config = try TestEvent.write(in: folder)
        let database = folder.appendingPathComponent("kiosk.sqlite").path
        let server = try await offPool { Started(try KioskProcess(database: database, config: config)) }.process
        defer { server.stop() }
        // This process holds SQLite's write lock for 1.5 s, so the service's commit of the pledge
        // waits (within its 5 s busy timeout) while SIGTERM arrives.
        let (locked, lockTaken) = AsyncStream.makeStream(of: Void.self)
        let lock = Task {
            try await offPool {
                let queue = try DatabaseQueue(path: database)
                try queue.writeWithoutTransaction { db in
                    try db.execute(sql: "BEGIN IMMEDIATE")
                    lockTaken.yield()
                    usleep(1_500_000)
                    try db.execute(sql: "COMMIT")
                }
                try queue.close()
            }
        }
        for await _ in locked { break }
        let client = try LoopbackConnection(port: server.port)
        try client.send(
            "POST /api/pledges HTTP/1.1\r\nHost: 127.0.0.1\r\n\(TestEvent.authorization)Content-Type: application/json\r\n"
                + "Idempotency-Key: in-commit\r\nContent-Length: \(Self.pledge.utf8.count)\r\n\r\n" + Self.pledge)
        try await Task.sleep(for: .milliseconds(500))
        server.terminate()
        try await lock.value

        let stopped = try await KioskProcess.waitForExit(server)
        #expect(stopped.isClean(within: KioskProcess.exitLimit), "\(stopped)")
        let answer = try await offPool { client.readToEnd(timeout: 5) }
        let (status, _, body) = Self.parse(answer)
        #expect(status == 201, "\(answer)")
        let receipt = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        let code = try #require(receipt["code"] as? String)
        let queue = try DatabaseQueue(path: database)
        defer { try? queue.close() }
        let name = try await queue.read {
            try String.fetchOne($0, sql: "SELECT name FROM pledge WHERE code = ?", arguments: [code])
        }
        #expect(name == "Trần Thị Mai")
    }

    /// Status, lower-cased header block and body of one raw answer.
    static func parse(_ answer: String) -> (status: Int, headers: String, body: String) {
        let parts = answer.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, head.lowercased(), parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}
