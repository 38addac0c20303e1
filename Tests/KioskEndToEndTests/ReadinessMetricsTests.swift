import Foundation
import GRDB
import KioskTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 12, item 1: `/readyz` tells when a pledge could not be stored (a full disk, here a real
/// tmpfs filled to the last byte), and `/metrics` is real Prometheus text whose pledge counter is
/// the rows stored. Real `kiosk serve` processes, real files, a real Prometheus parser.
@Suite("Readiness and metrics of a running service")
struct ReadinessMetricsTests {
    struct Answer {
        let status: Int
        let body: Data
        let contentType: String
        var text: String { String(decoding: body, as: UTF8.self) }
        var problem: String? {
            (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["code"] as? String
        }
    }

    static func send(
        _ method: String, port: Int, _ path: String, body: String? = nil, headers: [String: String] = [:]
    ) async throws -> Answer {
        let answer = try await LoopbackHTTP.request(
            port: port, method, path, headers: headers, body: body.map { Data($0.utf8) })
        return Answer(status: answer.status, body: answer.body, contentType: answer.contentType)
    }

    static func pledge(port: Int, key: String, name: String, kiosk: String = "kiosk-a") async throws -> Answer {
        try await send(
            "POST", port: port, "/api/pledges", body: #"{"name":"\#(name)","ageBand":"18-24","province":"Hà Nội"}"#,
            headers: [
                "Content-Type": "application/json", "Idempotency-Key": key, "Kiosk-Id": kiosk,
                "Authorization": TestEvent.bearer,
            ])
    }

    static func rows(_ database: String) throws -> Int {
        var readOnly = Configuration()
        readOnly.readonly = true
        let queue = try DatabaseQueue(path: database, configuration: readOnly)
        defer { try? queue.close() }
        return try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM pledge") ?? -1 }
    }

    // MARK: - Disk full

    @Test(
        .enabled(
            if: Tmpfs.canMount,
            "skipped: a tmpfs cannot be mounted here (`mount -t tmpfs` needs root and CAP_SYS_ADMIN)"))
    func diskFullMakesReadyzSay503WhilePledgesAreRefusedAndFreeingSpaceMakesItReady() async throws {
        let folder = temporaryDirectory("disk-full")
        // A burst of 8 and hardly any refill: 5 pledges, 3 refused on the full disk, and their 3
        // retries fit only if the refusals gave their tokens back (a breaker got 429 after an outage).
        let config = try TestEvent.write(in: folder, perMinute: 1, burst: 8)
        // 40 MiB: the database and the 16 MiB reserve fit with room; a filler takes the rest.
        let disk = try Tmpfs(at: folder.appendingPathComponent("disk"), size: "40m")
        defer { disk.unmount() }
        let database = disk.path + "/data/pledges.sqlite"
        let server = try await offPool { Started(try KioskProcess(database: database, config: config)) }.process
        let port = server.port

        let ready = try await Self.send("GET", port: port, "/readyz")
        #expect(ready.status == 200)
        #expect(ready.text == #"{"status":"ok"}"#)
        for index in 0..<5 {
            #expect(try await Self.pledge(port: port, key: "before-\(index)", name: "Người ký \(index)").status == 201)
        }

        // Fill the file system to its last byte.
        let filler = disk.path + "/filler"
        let filled = try Tmpfs.fill(filler)
        #expect(filled > 0)

        let full = try await Self.send("GET", port: port, "/readyz")
        #expect(full.status == 503)
        #expect(full.problem == "disk-full")
        #expect(full.contentType.hasPrefix("application/problem+json"))
        // /healthz is the same probe under its older name.
        let health = try await Self.send("GET", port: port, "/healthz")
        #expect(health.status == 503)
        #expect(health.problem == "disk-full")
        // /livez reads no disk: the process is alive.
        #expect(try await Self.send("GET", port: port, "/livez").status == 200)

        // Pledges are refused while it is full, with a 503 a front keeps in its outbox.
        var refused: [String] = []
        for index in 0..<3 {
            let key = "during-\(index)"
            let answer = try await Self.pledge(port: port, key: key, name: "Người chờ \(index)")
            #expect(answer.status == 503, "a pledge on a full disk: \(answer.text)")
            #expect(answer.problem == "unavailable")
            if answer.status == 503 { refused.append(key) }
            #expect(try await Self.send("GET", port: port, "/readyz").status == 503)
        }
        #expect(refused.count == 3)

        // Space freed: ready again (the failed writes are cleared by readiness's own write, at
        // most one a second), and the refused pledges go through on their retry.
        #expect(unlink(filler) == 0)
        var readyAgain = false
        // Asked until it says so, for up to 60 s: a cap for a loaded machine, not a promise.
        for _ in 0..<600 {
            if try await Self.send("GET", port: port, "/readyz").status == 200 {
                readyAgain = true
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(readyAgain, "/readyz says ok once space is freed")
        for (index, key) in refused.enumerated() {
            #expect(try await Self.pledge(port: port, key: key, name: "Người chờ \(index)").status == 201)
        }
        let stopped = try await KioskProcess.stop(server)
        #expect(stopped.isClean)
        // Nothing half-written: the five before, and each refused pledge once, on its retry.
        #expect(try Self.rows(database) == 5 + refused.count)
        let log = (try? String(contentsOf: server.log, encoding: .utf8)) ?? ""
        #expect(!log.contains("Người"), "no name in the log")
    }

    // MARK: - Metrics

    static let organizerToken = "metrics-organizer-token-0123456789"

    @Test func metricsParseAsPrometheusTextAndCountTheRowsStored() async throws {
        let folder = temporaryDirectory("metrics")
        let config = try TestEvent.write(in: folder, perMinute: 1_000_000, burst: 1_000_000)
        let database = folder.appendingPathComponent("data/pledges.sqlite").path
        let server = try await offPool {
            Started(
                try KioskProcess(
                    database: database, config: config,
                    environment: ["KIOSK_ORGANIZER_TOKEN": Self.organizerToken]))
        }.process
        let port = server.port

        // A run: pledges from four kiosks at once, retries of some (stored once), refusals of two kinds.
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<40 {
                group.addTask {
                    try await Self.pledge(
                        port: port, key: "m-\(index)", name: "Người ký \(index)", kiosk: "kiosk-\(index % 4)"
                    ).status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.allSatisfy { $0 == 201 })
        for index in 0..<5 {
            let retry = try await Self.pledge(
                port: port, key: "m-\(index)", name: "Người ký \(index)", kiosk: "kiosk-\(index % 4)")
            #expect(retry.status == 201)
        }
        for index in 0..<3 {
            #expect(try await Self.pledge(port: port, key: "empty-\(index)", name: "   ").problem == "name-empty")
        }
        for index in 0..<2 {
            let malformed = try await Self.send(
                "POST", port: port, "/api/pledges", body: "{\"name\":",
                headers: [
                    "Content-Type": "application/json", "Idempotency-Key": "bad-\(index)",
                    "Authorization": TestEvent.bearer,
                ])
            #expect(malformed.problem == "malformed-json")
        }
        let beat = try await Self.send(
            "POST", port: port, "/api/kiosks/kiosk-1/heartbeat", body: #"{"state":"ready","waiting":7}"#,
            headers: ["Content-Type": "application/json", "Authorization": TestEvent.bearer])
        #expect(beat.status == 200)

        // Behind the organizer token.
        #expect(try await Self.send("GET", port: port, "/metrics").status == 401)
        let scrape = try await Self.send(
            "GET", port: port, "/metrics", headers: ["Authorization": "Bearer \(Self.organizerToken)"])
        #expect(scrape.status == 200)
        #expect(scrape.contentType.hasPrefix("text/plain; version=0.0.4"))
        #expect(!scrape.text.contains("Người"), "no personal data in the metrics")

        let samples = try PrometheusText.parse(scrape.text)
        let stopped = try await KioskProcess.stop(server)
        #expect(stopped.isClean)
        let stored = try Self.rows(database)
        #expect(stored == 40)
        #expect(samples.value("kiosk_pledges_recorded_total") == Double(stored))
        #expect(samples.value("kiosk_pledges_refused_total", ["reason": "name-empty"]) == 3)
        #expect(samples.value("kiosk_pledges_refused_total", ["reason": "malformed-json"]) == 2)
        // A kiosk token (always, since issue 12) vouches for kiosk ids: the backlog by kiosk.
        #expect(samples.value("kiosk_outbox_waiting", ["kiosk": "kiosk-1"]) == 7)
        #expect(samples.value("kiosk_outbox_waiting", ["kiosk": "all"]) == nil)
        #expect((samples.value("kiosk_open_connections") ?? 0) >= 1, "the scrape's own connection")
        #expect(samples.value("kiosk_live_viewers") == 0)
        // Every commit is in both histograms; the 40 new pledges went in at most 40 + 5 of them.
        let commits = try #require(samples.value("kiosk_commit_duration_seconds_count"))
        #expect(commits >= 1 && commits <= 45)
        #expect(samples.value("kiosk_commit_group_size_count") == commits)
        #expect(samples.value("kiosk_commit_group_size_sum") == 45)
        #expect(samples.value("kiosk_commit_duration_seconds_bucket", ["le": "+Inf"]) == commits)
        #expect(samples.types["kiosk_commit_duration_seconds"] == "histogram")
        #expect(samples.types["kiosk_pledges_recorded"] == "counter")
        #expect(samples.types["kiosk_open_connections"] == "gauge")
    }
}

/// The Prometheus text format read by the reference client's own parser (PyPI `prometheus-client`,
/// `text_string_to_metric_families`), not by a parser of ours.
enum PrometheusText {
    struct Samples {
        /// Each sample: its name, labels and value.
        var samples: [(name: String, labels: [String: String], value: Double)]
        /// Each family's type, by the family name the parser gives (a counter's without `_total`).
        var types: [String: String]

        /// The value of the sample `name` whose labels include `labels`; nil when none.
        func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
            samples.first { sample in
                sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
            }?.value
        }
    }

    static let script = """
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        families = list(text_string_to_metric_families(sys.stdin.read()))
        print(json.dumps({
            "types": {f.name: f.type for f in families},
            "samples": [[s.name, s.labels, s.value] for f in families for s in f.samples],
        }))
        """

    /// Parses `text`; throws when the parser refuses it.
    static func parse(_ text: String) throws -> Samples {
        let run = try ProcessRunner.run("python3", ["-c", script], input: Data(text.utf8))
        guard run.status == 0 else {
            throw ParseFailure(description: "prometheus_client refused the metrics: \(run.stderr)")
        }
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
        let samples = (json["samples"] as? [[Any]] ?? []).compactMap { sample -> (String, [String: String], Double)? in
            guard sample.count == 3, let name = sample[0] as? String, let labels = sample[1] as? [String: String],
                let value = (sample[2] as? NSNumber)?.doubleValue
            else { return nil }
            return (name, labels, value)
        }
        return Samples(samples: samples, types: json["types"] as? [String: String] ?? [:])
    }

    struct ParseFailure: Error, CustomStringConvertible {
        let description: String
    }
}
