import Foundation
import GRDB
import KioskTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A hub (`kiosk hub serve` on a database of its own in the test run's PostgreSQL cluster) and the
/// events linked to it (`kiosk serve`, each on its own SQLite file), as child processes on
/// loopback, for the end-to-end tests of issue 14.
final class HubTestbed: @unchecked Sendable {
    /// The official base of every certificate link at the hub in these tests (30 characters is
    /// the longest a link may have on version 3 at level M; this one is 25).
    static let certificateBase = "https://khongmotminh.vn"

    let database: TestPostgres
    let folder: URL
    /// The hub's port: fixed for the testbed, so events keep their `KIOSK_HUB_URL` across the
    /// hub's restarts.
    let hubPort: Int
    private(set) var hub: KioskProcess?

    init(_ name: String) async throws {
        database = try await TestPostgres.create()
        folder = temporaryDirectory("hub-\(name)")
        hubPort = try freeLoopbackPort()
        let url = database.url
        let migrated = try await offPool {
            try ProcessRunner.run(RepositoryPaths.kioskBinary, ["hub", "migrate", "--database-url", url])
        }
        guard migrated.status == 0 else { throw TestbedError("kiosk hub migrate: \(migrated.stderr)") }
    }

    var hubURL: String { "http://127.0.0.1:\(hubPort)" }

    /// Starts the hub (again) on ``hubPort``.
    func startHub() async throws {
        let arguments = [
            "hub", "serve", "--database-url", database.url, "--host", "127.0.0.1", "--port", "\(hubPort)",
            "--certificate-base-url", Self.certificateBase,
        ]
        hub = try await offPool { Started(try KioskProcess(launching: arguments)) }.process
    }

    /// SIGKILL to the hub.
    func killHub() async throws {
        guard let hub else { return }
        let started = Started(hub)
        try await offPool { started.process.kill9() }
        self.hub = nil
    }

    func stopHub() async throws {
        guard let hub else { return }
        _ = try await KioskProcess.stop(hub)
        self.hub = nil
    }

    /// One event registered at the hub, with the files of its service.
    struct Event: Sendable {
        let id: String
        let config: String
        let database: String
        let token: String
    }

    /// `kiosk hub add-event`, and an event configuration for its service.
    /// - Parameter retainPersonalDataUntil: the event's own retention date (its configuration's
    ///   only: the hub is not told, so only the event's purge can empty names there).
    func addEvent(_ id: String, province: String = "Hà Nội", retainPersonalDataUntil: String? = nil) throws -> Event {
        let added = try ProcessRunner.run(
            RepositoryPaths.kioskBinary,
            [
                "hub", "add-event", "--database-url", database.url, "--id", id, "--name", "Sự kiện \(id)",
                "--province", province, "--date", "2025-10-10", "--place", "Nhà văn hóa \(id)", "--format", "json",
                "--certificate-base-url", Self.certificateBase, "--retain-until", "2099-12-31",
            ])
        guard added.status == 0,
            let json = try JSONSerialization.jsonObject(with: Data(added.stdout.utf8)) as? [String: Any],
            let token = json["token"] as? String
        else { throw TestbedError("kiosk hub add-event \(id): \(added.stdout)\(added.stderr)") }
        let eventFolder = folder.appendingPathComponent(id)
        try FileManager.default.createDirectory(at: eventFolder, withIntermediateDirectories: true)
        let config = try TestEvent.write(
            in: eventFolder, eventID: id, name: "Sự kiện \(id)", place: "Nhà văn hóa \(id)", perMinute: 1_000_000,
            burst: 1_000_000,
            retainPersonalDataUntil: retainPersonalDataUntil)
        return Event(
            id: id, config: config, database: eventFolder.appendingPathComponent("pledges.sqlite").path, token: token)
    }

    /// Starts `event`'s service linked to the hub at `hubURL` (nil: ``hubURL``).
    func serve(_ event: Event, hubURL: String? = nil) async throws -> KioskProcess {
        let environment = ["KIOSK_HUB_URL": hubURL ?? self.hubURL, "KIOSK_HUB_TOKEN": event.token]
        let database = event.database
        let config = event.config
        return try await offPool {
            Started(try KioskProcess(database: database, config: config, environment: environment))
        }.process
    }

    /// The pledges in an event's SQLite file: code to (number, name).
    static func eventPledges(_ event: Event) async throws -> [String: EventPledge] {
        let queue = try DatabaseQueue(path: event.database)
        defer { try? queue.close() }
        return try await queue.read { db in
            var pledges: [String: EventPledge] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT code, number, name FROM pledge") {
                pledges[row["code"]] = EventPledge(number: row["number"], name: row["name"])
            }
            return pledges
        }
    }

    struct EventPledge: Hashable, Sendable {
        let number: Int
        let name: String?
    }

    /// The hub's pledges of `event` as PostgreSQL holds them: code to (number, name).
    func hubPledges(_ event: Event) async throws -> [String: EventPledge] {
        // psql's unaligned output: one line a row, `|` between columns; a name never holds `|`
        // in these tests. U+0001 stands for NULL.
        let text = try await database.psql(
            "SELECT code, number, coalesce(name, chr(1)) FROM hub_pledge WHERE event_id = '\(event.id)'")
        var pledges: [String: EventPledge] = [:]
        for line in text.split(separator: "\n") {
            let row = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard row.count == 3, let number = Int(row[1]) else { continue }
            pledges[row[0]] = EventPledge(number: number, name: row[2] == "\u{1}" ? nil : row[2])
        }
        return pledges
    }

    /// How many rows the hub holds for `event` (duplicates included).
    func hubRowCount(_ event: Event) async throws -> Int {
        Int(try await database.psql("SELECT count(*) FROM hub_pledge WHERE event_id = '\(event.id)'")) ?? -1
    }

    /// Waits until the hub holds exactly the event's pledges (the relay has caught up), or
    /// `timeout` seconds pass; returns whether it did.
    func waitForSync(_ events: [Event], timeout: TimeInterval = 120) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var caughtUp = true
            for event in events {
                let local = try await Self.eventPledges(event)
                if try await hubPledges(event) != local { caughtUp = false }
            }
            if caughtUp { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    /// Stops the hub and drops its database.
    func finish() async throws {
        try await stopHub()
        try await database.drop()
    }

    deinit { hub?.stop() }
}

struct TestbedError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A loopback port nothing listens on at the moment of the call (bound to port 0, then closed).
func freeLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            Glibc.bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
        }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: address.sin_port))
}
