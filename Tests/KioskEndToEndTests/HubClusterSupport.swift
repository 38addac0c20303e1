import Foundation
import KioskTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One run of `scripts/hub-cluster` (what `make hub-cluster` runs) in a temporary data folder,
/// under names of its own: the PostgreSQL primary and hot standby, two hubs and nginx with TLS;
/// ``stop()`` runs `scripts/hub-cluster stop` and ends the event services the test started.
final class StartedHubCluster: @unchecked Sendable {
    let folder: URL
    /// `HUB_CLUSTER_DATA`.
    let data: URL
    /// What the script wrote to `cluster.env` (ports, names, the CA's file).
    let values: [String: String]
    /// The database URL with its password (`database-url`).
    let databaseURL: String
    /// What the script printed.
    let printed: String
    /// `HUB_CLUSTER_NAME`: the clusters' name prefix.
    let name: String
    var events: [KioskProcess] = []

    static let script = RepositoryPaths.root.appendingPathComponent("scripts/hub-cluster").path

    private init(folder: URL, data: URL, name: String, printed: String) throws {
        self.folder = folder
        self.name = name
        self.data = data
        self.printed = printed
        let text = try String(contentsOf: data.appendingPathComponent("cluster.env"), encoding: .utf8)
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        self.values = values
        databaseURL = try String(contentsOf: data.appendingPathComponent("database-url"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `scripts/hub-cluster` in a new temporary folder until it has started everything.
    /// - Throws: ``TestbedError`` with the script's output when it fails (it has then stopped what it started).
    static func start() async throws -> StartedHubCluster {
        let folder = temporaryDirectory("hub-cluster")
        // The servers run as the postgres user, which must enter every folder above their data.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        let data = folder.appendingPathComponent("data")
        let name = "kiosk-hubc-test-" + UUID().uuidString.prefix(8).lowercased()
        let ran = try await run(
            [], data: data, extra: ["KIOSK": RepositoryPaths.kioskBinary, "HUB_CLUSTER_NAME": name])
        guard ran.status == 0 else {
            try? FileManager.default.removeItem(at: folder)
            throw TestbedError("scripts/hub-cluster failed (\(ran.status)): \(ran.stdout)\n\(ran.stderr)")
        }
        return try StartedHubCluster(folder: folder, data: data, name: name, printed: ran.stdout)
    }

    /// Runs the script with `arguments` on `data`, in a developer's shell environment.
    static func run(_ arguments: [String], data: URL, extra: [String: String] = [:]) async throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        var environment = MadeHub.shellEnvironment
        environment["HUB_CLUSTER_DATA"] = data.path
        environment.merge(extra) { $1 }
        let frozen = environment
        return try await offPool { try ProcessRunner.run(script, arguments, environment: frozen) }
    }

    func port(_ name: String) throws -> Int { try #require(values[name].flatMap(Int.init), "\(name) in cluster.env") }
    var ca: String { values["CA"] ?? "" }
    var base: String { values["BASE_URL"] ?? "" }

    /// `curl` through nginx over TLS, verified with the cluster's CA: the status, the headers
    /// (names in lower case) and the body.
    func fetch(_ path: String, verify: Bool = true) async throws -> (
        status: Int, headers: [String: String], body: String, exit: Int32
    ) {
        let headers = temporaryDirectory("curl").appendingPathComponent("headers")
        defer { try? FileManager.default.removeItem(at: headers.deletingLastPathComponent()) }
        var arguments = ["-sS", "--max-time", "30", "-D", headers.path, "-o", "-"]
        if verify { arguments += ["--cacert", ca] }
        let command = arguments + [base + path]
        let ran = try await offPool {
            try ProcessRunner.run("curl", command, environment: MadeHub.shellEnvironment)
        }
        let head = (try? String(contentsOf: headers, encoding: .utf8)) ?? ""
        var fields: [String: String] = [:]
        var status = 0
        for line in head.split(separator: "\r\n") {
            if line.hasPrefix("HTTP/") {
                status = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
            } else if let colon = line.firstIndex(of: ":") {
                fields[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                    .trimmingCharacters(in: .whitespaces)
            }
        }
        return (status, fields, ran.stdout, ran.status)
    }

    /// `kiosk hub add-event` on the cluster's primary; the event's hub token.
    func addEvent(_ id: String, province: String) async throws -> String {
        let arguments = [
            "hub", "add-event", "--database-url", databaseURL, "--certificate-base-url", base, "--id", id,
            "--name", "Lễ phát động \(id)", "--province", province, "--date", "2025-10-10", "--place", province,
            "--retain-until", "2099-12-31", "--format", "json",
        ]
        let added = try await offPool {
            try ProcessRunner.run(RepositoryPaths.kioskBinary, arguments, environment: MadeHub.shellEnvironment)
        }
        #expect(added.status == 0, "\(added.stderr)")
        let credentials = try #require(
            try JSONSerialization.jsonObject(with: Data(added.stdout.utf8)) as? [String: Any], "\(added.stdout)")
        return try #require(credentials["token"] as? String)
    }

    /// A real event service whose relay syncs to the hub on `hubPort` with `token`.
    func startEvent(_ id: String, token: String, hubPort: Int) async throws -> KioskProcess {
        let eventFolder = folder.appendingPathComponent("event-\(id)")
        try FileManager.default.createDirectory(at: eventFolder, withIntermediateDirectories: true)
        let config = try TestEvent.write(in: eventFolder, eventID: id, perMinute: 1_000_000, burst: 1_000_000)
        let database = eventFolder.appendingPathComponent("pledges.sqlite").path
        let environment = ["KIOSK_HUB_URL": "http://127.0.0.1:\(hubPort)", "KIOSK_HUB_TOKEN": token]
        let event = try await offPool {
            Started(try KioskProcess(database: database, config: config, environment: environment))
        }.process
        events.append(event)
        return event
    }

    /// The total of a hub's `GET /api/counts` (`?event=`: one event's, the standby's first; nil: the national one).
    func total(hubPort: Int, event: String?) async throws -> Int? {
        let query = event.map { "?event=\($0)" } ?? ""
        let answer = try await LoopbackHTTP.request(port: hubPort, "GET", "/api/counts\(query)", timeout: 10)
        guard answer.status == 200 else { return nil }
        return try answer.json()["total"] as? Int
    }

    /// SQL as the postgres user on the cluster at `port` (the standby's replay state, its clusters),
    /// in `database` (the hub's: kiosk_hub).
    func sql(port: Int, database: String = "postgres", _ statement: String) async throws -> String {
        let ran = try await offPool {
            try ProcessRunner.run(
                "runuser",
                ["-u", "postgres", "--", "psql", "-X", "-t", "-A", "-p", "\(port)", "-d", database, "-c", statement],
                environment: MadeHub.shellEnvironment)
        }
        #expect(ran.status == 0, "\(ran.stderr)")
        return ran.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Ends the event services, then `scripts/hub-cluster stop`; checks that no cluster, no
    /// process and no folder is left.
    func stop() async {
        for event in events { _ = try? await KioskProcess.stop(event) }
        events = []
        let stopped = try? await Self.run(["stop"], data: data, extra: ["HUB_CLUSTER_NAME": name])
        #expect(stopped?.status == 0, "scripts/hub-cluster stop: \(stopped?.stderr ?? "not run")")
        let listed = try? await offPool {
            try ProcessRunner.run("pg_lsclusters", ["--no-header"], environment: MadeHub.shellEnvironment)
        }
        for name in [values["PRIMARY_CLUSTER"], values["STANDBY_CLUSTER"]].compactMap({ $0 }) {
            #expect(listed?.stdout.contains(name) == false, "cluster \(name) is left")
        }
        // nginx names the folder; the hubs name the primary in their database URL.
        let left =
            MadeHub.processes(naming: data.path)
            + MadeHub.processes(naming: "127.0.0.1:\(values["PRIMARY_PORT"] ?? "-")/kiosk_hub")
        #expect(left.isEmpty, "processes left: \(left)")
        // nginx's workers do not name the folder: its port must be free.
        if let port = values["NGINX_PORT"].flatMap(Int.init), let open = try? LoopbackConnection.connect(port: port) {
            close(open)
            Issue.record("something still listens on nginx's port \(port)")
        }
        #expect(!FileManager.default.fileExists(atPath: data.path))
        try? FileManager.default.removeItem(at: folder)
    }
}

/// `curl -N` on the live counter's stream through nginx, read as it comes (its output a file);
/// `--max-time` bounds it should a test fail to stop it.
final class StreamingCurl: @unchecked Sendable {
    let process = SpawnedProcess()
    let output: URL

    init(url: String, ca: String) throws {
        output = temporaryDirectory("curl-stream").appendingPathComponent("stream")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = [
            "-sS", "-N", "--max-time", "300", "--cacert", ca, "-H", "Accept: text/event-stream", "-D", "-", url,
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try ProcessRunner.launch(process)
    }

    var received: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    /// SIGKILL, and its end awaited off the cooperative pool (at most 10 s).
    func stop() async {
        kill(process.processIdentifier, SIGKILL)
        _ = try? await offPool { [process] in
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning, Date() < deadline { usleep(10_000) }
        }
        try? FileManager.default.removeItem(at: output.deletingLastPathComponent())
    }
}
