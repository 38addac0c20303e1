import Foundation
import KioskTestSupport
import Testing

/// `kiosk serve` raises its open files limit at start-up and logs it; with more live viewers than
/// it may hold sockets for, accept(2) fails with EMFILE, and the service keeps running and serves
/// again as soon as viewers leave. SIGTERM still stops it promptly after such an episode (viewers
/// that joined while descriptors had run out once kept it running).
@Suite("Open files: raised at start-up, running out stops nothing")
struct OpenFilesExhaustionTests {
    @Test func theServiceOutlivesRunningOutOfDescriptors() async throws {
        let folder = temporaryDirectory("open-files")
        let config = try TestEvent.write(in: folder)
        let database = folder.appendingPathComponent("kiosk.sqlite").path
        let server = try await offPool {
            Started(try KioskProcess(database: database, config: config, openFiles: (soft: 64, hard: 160)))
        }.process
        defer { server.stop() }
        let port = server.port
        let log = try String(contentsOf: server.log, encoding: .utf8)
        #expect(log.contains("open files limit"))
        #expect(log.contains("soft=160"), "the soft limit is raised to the hard limit")
        #expect(log.contains("before=64"))

        // Two kiosks connected before the flood, each keeping its connection open.
        let kiosks = try (0..<2).map { _ in try LoopbackConnection(port: port) }
        defer { for kiosk in kiosks { kiosk.close() } }
        #expect(await Self.healthy(port: port, within: 10))

        // The service cuts a connection that sends no request for 10 s (slow-client deadline):
        // the kiosks ask for /livez between every step, so theirs stay open.
        @Sendable func keepKiosksAlive() {
            for kiosk in kiosks {
                #expect(kiosk.exchange("GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status == 200)
            }
        }

        // 250 viewers, more than 160 descriptors allow: the rest wait in the listen backlog while
        // accept(2) fails with EMFILE. Connected 25 at a time.
        let viewers = try await offPool {
            try (0..<10).map { _ in
                defer { keepKiosksAlive() }
                return try SSEClients(port: port, count: 25)
            }
        }
        // Every descriptor in use is the signal (the process's open descriptors, /proc/PID/fd); a
        // count that merely stopped growing for 0.3 s said so too early on a loaded machine.
        let pid = server.process.processIdentifier
        #expect(await Self.openDescriptors(of: pid, reach: 150, within: 60), "descriptors never ran out")
        var served = 0
        let deadline = Date().addingTimeInterval(60)
        while served < 100 && Date() < deadline {
            served = try await offPool {
                defer { keepKiosksAlive() }
                return viewers.reduce(0) { $0 + $1.wait(untilAtLeast: 25, contain: #""total":0}"#, timeout: 0.3) }
            }
        }
        #expect(served >= 100 && served < 250, "\(served) served")
        #expect(server.process.isRunning)

        // While no descriptor is left, the kiosks' pledges are still stored, each with its own id:
        // Foundation's UUID() reads /dev/urandom and gave every pledge the same id then.
        var ids: [String] = []
        for (index, kiosk) in kiosks.enumerated() {
            let body = #"{"name":null,"ageBand":"18-24","province":"Huế"}"#
            let answer = try await offPool {
                kiosk.exchange(
                    "POST /api/pledges HTTP/1.1\r\nHost: 127.0.0.1\r\n\(TestEvent.authorization)Content-Type: application/json\r\n"
                        + "Idempotency-Key: during-emfile-\(index)\r\nKiosk-Id: kiosk-0\(index + 1)\r\n"
                        + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
            }
            #expect(answer.status == 201, "\(answer.text)")
            let receipt = try JSONSerialization.jsonObject(with: answer.body) as? [String: Any]
            ids.append(receipt?["id"] as? String ?? "")
        }
        #expect(Set(ids).count == 2 && !ids.contains(""), "\(ids)")
        for flood in viewers { flood.close() }

        // The viewers have gone: the service accepts again, answers, and pushes new totals.
        #expect(await Self.healthy(port: port, within: 60))
        let viewer = try await offPool { try SSEClients(port: port, count: 1) }
        defer { viewer.close() }
        #expect(try await offPool { viewer.wait(untilAtLeast: 1, contain: #""total":2}"#, timeout: 30) } == 1)
        let answer = try await LoopbackHTTP.request(
            port: port, "POST", "/api/pledges",
            headers: [
                "Content-Type": "application/json", "Authorization": TestEvent.bearer,
                "Idempotency-Key": "after-emfile",
            ],
            body: Data(#"{"name":null,"ageBand":"18-24","province":"Hà Nội"}"#.utf8), timeout: 5)
        #expect(answer.status == 201)
        #expect(try await offPool { viewer.wait(untilAtLeast: 1, contain: #""total":3}"#, timeout: 30) } == 1)
        #expect(server.process.isRunning)

        // SIGTERM alone ends it, promptly and cleanly, with the live viewer still connected.
        let stopped = try await KioskProcess.stop(server)
        #expect(stopped.isClean(within: KioskProcess.exitLimit), "\(stopped)")
    }

    /// Whether process `pid` holds at least `count` open descriptors within `seconds`.
    static func openDescriptors(of pid: Int32, reach count: Int, within seconds: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0
            if open >= count { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Asks `GET /healthz` until it answers 200, for up to `seconds`.
    static func healthy(port: Int, within seconds: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? await LoopbackHTTP.request(port: port, "GET", "/healthz", timeout: 5))?.status == 200 {
                return true
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }
}
