import Foundation
import GRDB
import KioskTestSupport
import Synchronization
import Testing

/// Kills `kiosk serve` with SIGKILL at a random moment while clients post pledges, again and
/// again on one file: every pledge answered 201 must be in the database, `PRAGMA integrity_check`
/// must say ok, and the service must start again on the same file.
///
/// `KIOSK_CRASH_KILLS` sets the number of kills (20 by default; `make bench` runs 50).
@Suite("Acknowledged pledges survive SIGKILL under load", .serialized)
struct CrashUnderLoadTests {
    static var kills: Int {
        Int(ProcessInfo.processInfo.environment["KIOSK_CRASH_KILLS"] ?? "") ?? 20
    }

    /// Concurrent clients during each run.
    static let clients = 8

    /// One acknowledged pledge: its code and number as the 201 said.
    struct Acknowledged: Hashable {
        let code: String
        let number: Int
    }

    /// Posts one pledge; the receipt when the service answered 201, nil on any other outcome.
    static func post(port: Int, key: String, index: Int) async -> Acknowledged? {
        guard
            let answer = try? await TestEvent.postPledge(
                port: port, key: key, kiosk: "crash-\(index % clients)",
                name: index % 3 == 0 ? nil : "Người ký \(index)",
                timeout: 5),
            answer.status == 201, let json = try? answer.json(),
            let code = json["code"] as? String, let number = json["number"] as? Int
        else { return nil }
        return Acknowledged(code: code, number: number)
    }

    /// `clients` concurrent posters until the flag is set; what was acknowledged.
    static func load(port: Int, run: Int, stop: StopFlag) async -> [Acknowledged] {
        await withTaskGroup(of: [Acknowledged].self) { group in
            for client in 0..<clients {
                group.addTask {
                    var mine: [Acknowledged] = []
                    // Bounded in count and time: the kill ends it much sooner.
                    let deadline = Date().addingTimeInterval(5)
                    for request in 0..<500 where !stop.isSet && Date() < deadline {
                        let index = run * 100_000 + client * 1_000 + request
                        if let receipt = await post(port: port, key: "run\(run)-c\(client)-\(request)", index: index) {
                            mine.append(receipt)
                        }
                    }
                    return mine
                }
            }
            return await group.reduce(into: [Acknowledged]()) { $0 += $1 }
        }
    }

    @Test func everyAcknowledgedPledgeSurvivesRepeatedKills() async throws {
        let folder = temporaryDirectory("crash-load")
        let config = try TestEvent.write(in: folder, perMinute: 1_000_000, burst: 1_000_000)
        let database = folder.appendingPathComponent("pledges.sqlite").path
        var acknowledged = Set<Acknowledged>()
        var generator = SystemRandomNumberGenerator()
        let started = Date()

        for run in 0..<Self.kills {
            let server = try await offPool { Started(try KioskProcess(database: database, config: config)) }.process
            let port = server.port
            let stop = StopFlag()
            let delay = UInt64.random(in: 20_000_000...300_000_000, using: &generator)
            async let load = Self.load(port: port, run: run, stop: stop)
            try? await Task.sleep(nanoseconds: delay)
            let handle = Started(server)
            try await offPool { handle.process.kill9() }
            stop.set()
            let answers = await load
            acknowledged.formUnion(answers)

            // After the kill: the file as the crash left it (SQLite recovers the WAL on open).
            let queue = try DatabaseQueue(path: database)
            let (check, stored) = try await queue.read { db in
                (
                    try String.fetchOne(db, sql: "PRAGMA integrity_check"),
                    try Row.fetchAll(db, sql: "SELECT code, number FROM pledge").map {
                        Acknowledged(code: $0["code"], number: $0["number"])
                    }
                )
            }
            try queue.close()
            #expect(check == "ok", "integrity_check after kill \(run + 1)")
            let missing = acknowledged.subtracting(stored)
            #expect(missing.isEmpty, "kill \(run + 1): \(missing.count) acknowledged pledges missing")
            // Numbers stay distinct across every run.
            #expect(Set(stored.map(\.number)).count == stored.count)
            if !missing.isEmpty || check != "ok" { break }
        }
        #expect(acknowledged.count > 0, "no pledge was acknowledged before the kills")

        // It starts cleanly on the same file and goes on numbering after the highest number.
        let restarted = try await offPool { Started(try KioskProcess(database: database, config: config)) }.process
        defer { restarted.stop() }
        let last = try #require(await Self.post(port: restarted.port, key: "after-the-kills", index: 1))
        #expect(last.number > (acknowledged.map(\.number).max() ?? 0))
        print(
            "crash under load: \(Self.kills) kills, \(acknowledged.count) acknowledged,"
                + " \(Int(Date().timeIntervalSince(started))) s")
    }
}

final class StopFlag: Sendable {
    private let flag = Mutex(false)
    var isSet: Bool { flag.withLock { $0 } }
    func set() { flag.withLock { $0 = true } }
}

/// A child process handed between a blocking thread and the test: used by one side at a time.
struct Started: @unchecked Sendable {
    let process: KioskProcess
    init(_ process: KioskProcess) { self.process = process }
}
