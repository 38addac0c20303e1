import Foundation
import KioskTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 14's must-show "`make hub` on a fresh machine starts PostgreSQL and the hub, and
/// `kiosk hub add-event` prints credentials an event can use": `scripts/hub` (what `make hub`
/// runs) creates and starts a PostgreSQL cluster of its own, migrates and runs the hub; the
/// credentials `add-event` prints link a real `kiosk serve`, whose pledge and certificate then
/// arrive at the hub.
///
/// The cluster is the script's own (Debian's pg_createcluster, as root too), not the test run's
/// pg_virtualenv one: a unique name, its data in a temporary folder (`HUB_DATA`), so neither the
/// repository's `data/` nor a developer's hub is touched; it is dropped in every outcome. Runs
/// alone after the other suites (Makefile, test-suites): it starts PostgreSQL and three processes.
@Suite("make hub on a fresh machine", .serialized)
struct HubSetupTests {
    @Test func makeHubStartsPostgreSQLAndTheHubAndAddEventPrintsCredentialsAnEventUses() async throws {
        let hub = try MadeHub()
        do {
            try await Self.exercise(hub)
        } catch {
            await hub.tearDown()
            throw error
        }
        await hub.tearDown()
    }

    static func exercise(_ hub: MadeHub) async throws {
        // `make hub`: the cluster is created and started, the hub migrated and listening.
        let server = try await hub.runScript()
        #expect(try await LoopbackHTTP.request(port: hub.hubPort, "GET", "/livez").status == 200)
        let printed = (try? String(contentsOf: server.output, encoding: .utf8)) ?? ""
        #expect(printed.contains("Hub: http://127.0.0.1:\(hub.hubPort)"), "\(printed)")
        #expect(printed.contains("hub add-event --database-url"), "\(printed)")
        #expect(printed.contains("pg_ctlcluster \(hub.version) \(hub.cluster) stop"), "\(printed)")
        #expect(try hub.clusterStatus() == "online")
        let urlFile = hub.data.appendingPathComponent("hub-database-url")
        let mode = try FileManager.default.attributesOfItem(atPath: urlFile.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let databaseURL = try String(contentsOf: urlFile, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(databaseURL.hasPrefix("postgres://kiosk_hub:"))

        // `kiosk hub add-event`, as the script's printed line runs it, in JSON.
        let eventID = "make-hub-test"
        let base = "http://127.0.0.1:\(hub.hubPort)"
        let added = try await offPool {
            try ProcessRunner.run(
                RepositoryPaths.kioskBinary,
                [
                    "hub", "add-event", "--database-url", databaseURL, "--certificate-base-url", base, "--id", eventID,
                    "--name", "Lễ phát động", "--province", "Hà Nội", "--date", "2025-10-10", "--place", "Hà Nội",
                    "--retain-until", "2099-12-31", "--format", "json",
                ], environment: MadeHub.shellEnvironment)
        }
        #expect(added.status == 0, "\(added.stderr)")
        let credentials = try #require(
            try JSONSerialization.jsonObject(with: Data(added.stdout.utf8)) as? [String: Any], "\(added.stdout)")
        let hubURL = try #require(credentials["hubUrl"] as? String)
        let token = try #require(credentials["token"] as? String)
        #expect(hubURL == base)
        #expect(credentials["certificateBaseUrl"] as? String == base)
        #expect(credentials["event"] as? String == eventID)

        // A real event service linked with them: its pledge reaches the hub.
        let eventFolder = hub.folder.appendingPathComponent("event")
        try FileManager.default.createDirectory(at: eventFolder, withIntermediateDirectories: true)
        let config = try TestEvent.write(in: eventFolder, eventID: eventID, perMinute: 1_000_000, burst: 1_000_000)
        let database = eventFolder.appendingPathComponent("pledges.sqlite").path
        let environment = ["KIOSK_HUB_URL": hubURL, "KIOSK_HUB_TOKEN": token]
        let event = try await offPool {
            Started(try KioskProcess(database: database, config: config, environment: environment))
        }.process
        hub.event = event
        let answer = try await TestEvent.postPledge(
            port: event.port, key: "make-hub-1", kiosk: "kiosk-hub", name: "Nguyễn Thị Lan")
        #expect(answer.status == 201, "\(answer.text)")
        let code = try #require(try answer.json()["code"] as? String)
        #expect((try answer.json()["certificateUrl"] as? String) == "\(base)/C/\(code)".uppercased())
        #expect(try await hub.waitForCount(event: eventID, toBe: 1))
        let page = try await LoopbackHTTP.request(port: hub.hubPort, "GET", "/c/\(code)")
        #expect(page.status == 200)
        #expect(page.text.contains("Nguyễn Thị Lan"))
        #expect(page.text.contains("Lễ phát động"))

        // SIGTERM ends the hub while its cluster runs: no process the script started keeps this
        // process's descriptors (PostgreSQL did, and Foundation never saw the script's exit).
        let stopped = try await KioskProcess.stop(server)
        hub.hub = nil
        #expect(stopped.isClean, "the hub did not end on SIGTERM: \(stopped)")

        // `make hub` again: the same cluster and database, the pledge still there.
        _ = try await hub.runScript()
        #expect(try hub.clusterStatus() == "online")
        #expect(try await hub.waitForCount(event: eventID, toBe: 1))

        // PostgreSQL stopped: the hub answers 503 with Retry-After at once, not at its 5 s deadline.
        let stop = try await offPool {
            try ProcessRunner.run(
                "pg_ctlcluster", [hub.version, hub.cluster, "stop"], environment: MadeHub.shellEnvironment)
        }
        #expect(stop.status == 0, "\(stop.stderr)")
        let asked = ContinuousClock.now
        let down = try await LoopbackHTTP.request(port: hub.hubPort, "GET", "/api/counts?event=\(eventID)")
        let waited = ContinuousClock.now - asked
        #expect(down.status == 503)
        #expect(down.contentType.hasPrefix("application/problem+json"))
        #expect(down.headers["retry-after"] != nil)
        #expect(waited < .milliseconds(2500), "the 503 took \(waited)")

        // The hub loses everything (its cluster dropped, as a trial did); `make hub` again makes a
        // new cluster although the URL file names the old one, and the event, added again under
        // its token, sends its pledge again by itself.
        if let second = hub.hub { _ = try await KioskProcess.stop(second) }
        hub.hub = nil
        let dropped = try await offPool {
            try ProcessRunner.run(
                "pg_dropcluster", ["--stop", hub.version, hub.cluster], environment: MadeHub.shellEnvironment)
        }
        #expect(dropped.status == 0, "\(dropped.stderr)")
        _ = try await hub.runScript()
        let newURL = try String(contentsOf: urlFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(newURL != databaseURL)
        var keeping = MadeHub.shellEnvironment
        keeping["KIOSK_HUB_TOKEN"] = token
        let again = try await offPool { [keeping] in
            try ProcessRunner.run(
                RepositoryPaths.kioskBinary,
                [
                    "hub", "add-event", "--database-url", newURL, "--certificate-base-url", base, "--id", eventID,
                    "--name", "Lễ phát động", "--province", "Hà Nội", "--date", "2025-10-10", "--place", "Hà Nội",
                    "--retain-until", "2099-12-31", "--keep-token",
                ], environment: keeping)
        }
        #expect(again.status == 0, "\(again.stderr)")
        // The event's relay asks an idle hub once a minute: its answer (0 acknowledged) starts it.
        #expect(try await hub.waitForCount(event: eventID, toBe: 1, timeout: 300))
        #expect(try await LoopbackHTTP.request(port: hub.hubPort, "GET", "/c/\(code)").status == 200)
    }
}

/// One run of `scripts/hub` in a temporary data folder, under a cluster name of its own, and what
/// the test started with it; ``tearDown()`` ends all of it.
final class MadeHub: @unchecked Sendable {
    let folder: URL
    /// `HUB_DATA`: the cluster's folder and the database URL's file.
    let data: URL
    let cluster: String
    let version: String
    let hubPort: Int
    var hub: KioskProcess?
    var event: KioskProcess?

    /// This process's environment without the variables that name another cluster (the test
    /// run's pg_virtualenv exports them): a developer's shell.
    static let shellEnvironment: [String: String] = ProcessInfo.processInfo.environment.filter { name, _ in
        ![
            "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSYSCONFDIR", "PGCLUSTER",
            "PG_CLUSTER_CONF_ROOT",
        ]
        .contains(name)
    }

    init() throws {
        folder = temporaryDirectory("make-hub")
        // The server runs as the postgres user, which must enter every folder above its data.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        data = folder.appendingPathComponent("data")
        cluster = "kiosk-hub-test-" + UUID().uuidString.prefix(8).lowercased()
        hubPort = try freeLoopbackPort()
        let versions = try FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql").compactMap(Int.init)
        guard let newest = versions.max() else { throw TestbedError("PostgreSQL is not installed (make deps-test)") }
        version = String(newest)
    }

    /// Runs `scripts/hub` until the hub listens (first run: up to minutes on a loaded machine).
    func runScript() async throws -> KioskProcess {
        let script = RepositoryPaths.root.appendingPathComponent("scripts/hub").path
        let environment = [
            "KIOSK": RepositoryPaths.kioskBinary, "HUB_HOST": "127.0.0.1", "HUB_PORT": "\(hubPort)",
            "HUB_CLUSTER": cluster, "HUB_DATA": data.path,
        ]
        let started = try await offPool {
            Started(try KioskProcess(launching: [], executable: script, environment: environment, timeout: 300))
        }.process
        hub = started
        return started
    }

    /// The cluster's status in `pg_lsclusters` (`online`, `down`), nil when there is no such cluster.
    func clusterStatus() throws -> String? {
        let listed = try ProcessRunner.run("pg_lsclusters", ["--no-header"], environment: Self.shellEnvironment)
        for line in listed.stdout.split(separator: "\n") {
            let columns = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            if columns.count >= 4, columns[0] == version, columns[1] == cluster { return columns[3] }
        }
        return nil
    }

    /// Whether `pg_lsclusters` lists the cluster (in any state); true when it cannot be asked.
    func clusterExists() -> Bool {
        do { return try clusterStatus() != nil } catch { return true }
    }

    /// Waits until the hub's `/api/counts?event=` total is `count`, up to `timeout` seconds;
    /// returns whether it came.
    func waitForCount(event: String, toBe count: Int, timeout: TimeInterval = 120) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let answer = try? await LoopbackHTTP.request(
                port: hubPort, "GET", "/api/counts?event=\(event)", timeout: 10)
            if let answer, answer.status == 200, (try? answer.json()["total"] as? Int) == count { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    /// Stops the event service and the hub, drops the cluster (stopping its server), and checks
    /// that no cluster and no process is left; every step is bounded.
    func tearDown() async {
        if let event { _ = try? await KioskProcess.stop(event) }
        event = nil
        if let hub {
            // SIGTERM, and the exit seen within 30 s, before the cluster goes: a server holding this
            // process's descriptors would show here, as a failure rather than a hang.
            hub.terminate()
            let started = Started(hub)
            let ended =
                (try? await offPool { () -> Bool in
                    let deadline = Date().addingTimeInterval(30)
                    while started.process.process.isRunning, Date() < deadline { usleep(20_000) }
                    return !started.process.process.isRunning
                }) ?? false
            #expect(ended, "the hub's exit was not seen while its cluster ran")
        }
        if clusterExists() {
            let dropped = try? await offPool { [version, cluster] in
                try ProcessRunner.run(
                    "pg_dropcluster", ["--stop", version, cluster], environment: Self.shellEnvironment)
            }
            #expect(dropped?.status == 0, "pg_dropcluster: \(dropped?.stderr ?? "not run")")
        }
        if let hub { _ = try? await KioskProcess.stop(hub) }
        hub = nil
        #expect(!clusterExists(), "cluster \(cluster) is left")
        let left = Self.processes(naming: folder.path)
        #expect(left.isEmpty, "processes left: \(left)")
        try? FileManager.default.removeItem(at: folder)
    }

    /// The ids of processes whose command line names `text` (a PostgreSQL server on its data folder).
    static func processes(naming text: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let line = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else { return false }
            return String(decoding: line, as: UTF8.self).replacingOccurrences(of: "\0", with: " ").contains(text)
        }
    }

    deinit {
        hub?.stop()
        event?.stop()
    }
}
