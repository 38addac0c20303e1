import Foundation
import GRDB
import KioskTestSupport
import Testing

@Suite("Acknowledged pledges survive SIGKILL", .serialized)
struct CrashDurabilityTests {
    func post(port: Int, body: String, key: String) async throws -> (Int, [String: Any]) {
        let answer = try await LoopbackHTTP.request(
            port: port, "POST", "/api/pledges",
            headers: [
                "Content-Type": "application/json", "Authorization": TestEvent.bearer, "Idempotency-Key": key,
            ],
            body: Data(body.utf8))
        return (answer.status, try answer.json())
    }

    @Test func pledgeAnsweredWith201IsThereAfterKill9() async throws {
        let database = temporaryDirectory("crash").appendingPathComponent("pledges.sqlite").path
        let server = try KioskProcess(database: database)
        let (status, body) = try await post(
            port: server.port, body: #"{"name":"Vũ Đức Huy","ageBand":"18-24","province":"Cần Thơ"}"#, key: "crash-1")
        // Killed the moment the answer arrived: nothing after the commit may be needed.
        server.kill9()
        #expect(status == 201)
        let code = try #require(body["code"] as? String)

        let queue = try DatabaseQueue(path: database)
        let row = try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT name, number, province FROM pledge WHERE code = ?", arguments: [code])
        }
        #expect(row?["name"] as String? == "Vũ Đức Huy")
        #expect(row?["number"] as Int? == 1)
        #expect(try await queue.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        try queue.close()

        // The service starts again on the same file and goes on numbering.
        let restarted = try KioskProcess(database: database)
        defer { restarted.stop() }
        let (again, replay) = try await post(
            port: restarted.port, body: #"{"name":"Vũ Đức Huy","ageBand":"18-24","province":"Cần Thơ"}"#, key: "crash-1"
        )
        #expect(again == 201)
        #expect(replay["code"] as? String == code)
        let (next, nextBody) = try await post(
            port: restarted.port, body: #"{"name":null,"ageBand":"12-15"}"#, key: "crash-2")
        #expect(next == 201)
        #expect(nextBody["number"] as? Int == 2)
    }

    @Test func twoPostsWithOneKeyMakeOneRow() async throws {
        let database = temporaryDirectory("idem").appendingPathComponent("pledges.sqlite").path
        let server = try KioskProcess(database: database)
        defer { server.stop() }
        let body = #"{"name":"Lê Ư","ageBand":"16-17"}"#
        let port = server.port
        async let first = post(port: port, body: body, key: "one-key")
        async let second = post(port: port, body: body, key: "one-key")
        let (a, b) = try await (first, second)
        #expect(a.0 == 201 && b.0 == 201)
        #expect(a.1["code"] as? String == b.1["code"] as? String)
        let queue = try DatabaseQueue(path: database)
        #expect(try await queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM pledge") } == 1)
    }
}
