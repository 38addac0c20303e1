import Foundation
import KioskTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `kiosk serve` raises its open files limit at start-up and logs it; with more live viewers than
/// it may hold sockets for, accept(2) fails with EMFILE, and the service keeps running and serves
/// again as soon as viewers leave. SIGTERM still stops it promptly after such an episode (viewers
/// that joined while descriptors had run out once kept it running).
@Suite("Open files: raised at start-up, running out stops nothing")
struct OpenFilesExhaustionTests {
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 5
        configuration.timeoutIntervalForResource = 5
        return URLSession(configuration: configuration)
    }()

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

        // 250 viewers, more than 160 descriptors allow: the rest wait in the listen backlog while
        // accept(2) fails with EMFILE.
        let viewers = try await offPool { try SSEClients(port: port, count: 250) }
        let served = try await offPool { viewers.wait(untilAtLeast: 100, contain: #""total":0}"#, timeout: 60) }
        #expect(served >= 100)
        #expect(server.process.isRunning)
        viewers.close()

        // The viewers have gone: the service accepts again, answers, and pushes new totals.
        #expect(await Self.healthy(port: port, within: 60))
        let viewer = try await offPool { try SSEClients(port: port, count: 1) }
        defer { viewer.close() }
        #expect(try await offPool { viewer.wait(untilAtLeast: 1, contain: #""total":0}"#, timeout: 30) } == 1)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/pledges")!)
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"name":null,"ageBand":"18-24","province":"Hà Nội"}"#.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("after-emfile", forHTTPHeaderField: "Idempotency-Key")
        let (_, response) = try await Self.session.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 201)
        #expect(try await offPool { viewer.wait(untilAtLeast: 1, contain: #""total":1}"#, timeout: 30) } == 1)
        #expect(server.process.isRunning)

        // SIGTERM alone ends it, promptly and cleanly, with the live viewer still connected.
        let stopped = try await KioskProcess.stop(server)
        #expect(stopped.isClean(within: KioskProcess.exitLimit), "\(stopped)")
    }

    /// Asks `GET /healthz` until it answers 200, for up to `seconds`.
    static func healthy(port: Int, within seconds: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        let url = URL(string: "http://127.0.0.1:\(port)/healthz")!
        while Date() < deadline {
            if let (_, response) = try? await session.data(from: url), (response as? HTTPURLResponse)?.statusCode == 200
            {
                return true
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }
}
