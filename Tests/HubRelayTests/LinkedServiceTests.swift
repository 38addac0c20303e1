import Foundation
import HubCore
import HubStore
import KioskAPI
import KioskTestSupport
import PledgeKit
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The `kiosk` binary linked to a hub (``TestHub`` on loopback) by `KIOSK_HUB_URL` and
/// `KIOSK_HUB_TOKEN`: the service starts its relay, pledges reach the hub, links switch to the
/// hub's base and keep it across a SIGKILL and a restart, `kiosk status` shows the link.
@Suite("kiosk serve linked to a hub")
struct LinkedServiceTests {
    static let kioskToken = "relay-e2e-kiosk-token-5c1d9e0a7b"

    /// `kiosk serve` on a free loopback port; returns once it listens, with the line it printed.
    final class Service {
        let process = SpawnedProcess()
        let log = temporaryDirectory("linked-serve").appendingPathComponent("stderr.txt")
        private(set) var port = 0
        private(set) var line = ""

        init(database: String, environment: [String: String]) throws {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: RepositoryPaths.kioskBinary)
            process.arguments = [
                "serve", "--config", RepositoryPaths.defaultConfiguration.path, "--database", database, "--host",
                "127.0.0.1", "--port", "0",
            ]
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardError = try FileHandle(forWritingTo: log)
            process.standardOutput = FileHandle.nullDevice
            try ProcessRunner.launch(process)
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, process.isRunning {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                if let range = text.range(
                    of: #"listening on http://127\.0\.0\.1:(\d+)[^\n]*"#, options: .regularExpression)
                {
                    line = String(text[range])
                    port = Int(line.split(separator: " ")[2].split(separator: ":").last!)!
                    return
                }
                usleep(50_000)
            }
            process.terminate()
            throw ProcessRunner.Failure.launchFailed(
                "kiosk serve", underlying: (try? String(contentsOf: log, encoding: .utf8)) ?? "")
        }

        func post(_ index: Int) async throws -> HTTPAnswer {
            try await LoopbackHTTP.request(
                port: port, "POST", "/api/pledges",
                headers: [
                    "Content-Type": "application/json", "Authorization": "Bearer \(LinkedServiceTests.kioskToken)",
                    "Idempotency-Key": "linked-\(index)", "Kiosk-Id": "kiosk-02",
                ],
                body: Data(#"{"name":"Lê Minh \#(index)","ageBand":"18-24","province":"Huế"}"#.utf8))
        }
    }

    /// Waits until the hub holds `count` pledges (each arrival is a signal; 120 s only bounds a hang).
    func waitForPledges(_ hub: TestHub, _ count: Int, _ arrivals: inout AsyncStream<SyncBatch>.Iterator) async throws {
        while try await hub.pledgeCount() < count {
            guard await arrivals.next() != nil else { return }
        }
    }

    /// `kiosk status --format json` on `database`.
    static func status(database: String, environment: [String: String]) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        try ProcessRunner.run(
            RepositoryPaths.kioskBinary,
            [
                "status", "--config", RepositoryPaths.defaultConfiguration.path, "--database", database, "--format",
                "json",
            ],
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
    }

    @Test func pledgesReachTheHubExactlyOnceAndLinksUseItsBase() async throws {
        let hub = TestHub(event: "le-phat-dong-2025")
        let database = temporaryDirectory("linked").appendingPathComponent("kiosk.sqlite").path
        try await hub.serve { link in
            let environment = [
                "KIOSK_HUB_URL": link.url, "KIOSK_HUB_TOKEN": link.token, "KIOSK_KIOSK_TOKEN": Self.kioskToken,
            ]
            var arrivals = hub.arrivals.makeAsyncIterator()
            let first = try Service(database: database, environment: environment)
            defer { if first.process.isRunning { first.process.terminate() } }
            var codes: [Int: CertificateCode] = [:]
            for index in 1...3 { codes[index] = try await Self.code(first.post(index)) }
            try await waitForPledges(hub, 3, &arrivals)
            let config = try await LoopbackHTTP.request(port: first.port, "GET", "/api/kiosk-config")
            #expect(try config.json()["certificateBaseURL"] as? String == TestHub.base)
            let receipt = try await first.post(4)
            #expect((try receipt.json()["certificateUrl"] as? String)?.hasPrefix("HTTPS://KHONGMOTMINH.VN/C/") == true)
            codes[4] = try Self.code(receipt)
            try await waitForPledges(hub, 4, &arrivals)
            // SIGKILL, then a restart: the cached base is in force before the hub is asked.
            kill(first.process.processIdentifier, SIGKILL)
            first.process.waitUntilExit()
            let second = try Service(database: database, environment: environment)
            defer { if second.process.isRunning { second.process.terminate() } }
            #expect(second.line.contains("HTTPS://KHONGMOTMINH.VN/C/"))
            for index in 5...6 { codes[index] = try await Self.code(second.post(index)) }
            try await waitForPledges(hub, 6, &arrivals)
            // The hub holds the pledges once its commit is done; the event deletes their rows when
            // the answer reaches it, a moment later: `kiosk status` reads the file while it runs.
            var status = try Self.status(database: database, environment: environment)
            let deadline = Date().addingTimeInterval(60)
            while !status.stdout.contains(#""backlog" : 0"#), Date() < deadline {
                try await Task.sleep(for: .milliseconds(100))
                status = try Self.status(database: database, environment: environment)
            }
            second.process.terminate()
            second.process.waitUntilExit()
            #expect(status.status == 0, "\(status.stderr)")
            #expect(
                status.stdout.contains(#""linked" : true"#) && status.stdout.contains(#""backlog" : 0"#),
                "\(status.stdout)")
            // Each pledge at the hub once, by its code, with its name and its number at the event.
            #expect(try await hub.pledgeCount() == 6)
            var numbers: Set<Int> = []
            for (index, code) in codes {
                let pledge = try #require(try await hub.store.certificate(code: code))
                #expect(pledge.name == "Lê Minh \(index)")
                numbers.insert(pledge.number)
            }
            #expect(numbers == Set(1...6))
        }
    }

    /// Issue 16: the linked service's presence codes are the hub's too (a key derived from the
    /// token's code key), and once the hub has answered, its `/presence` points at the hub's flow,
    /// where a phone's pledge counts for the event with channel `phone`.
    @Test func thePresenceQRLeadsToTheHubsFlowWhichTakesTheEventsCode() async throws {
        let hub = TestHub(event: "le-phat-dong-2025")
        let database = temporaryDirectory("linked-presence").appendingPathComponent("kiosk.sqlite").path
        try await hub.serve { link in
            let environment = [
                "KIOSK_HUB_URL": link.url, "KIOSK_HUB_TOKEN": link.token, "KIOSK_KIOSK_TOKEN": Self.kioskToken,
            ]
            var arrivals = hub.arrivals.makeAsyncIterator()
            let service = try Service(database: database, environment: environment)
            defer { if service.process.isRunning { service.process.terminate() } }
            _ = try Self.code(await service.post(1))
            try await waitForPledges(hub, 1, &arrivals)
            // The event stores the hub's answer a moment after the hub's commit: 60 s bound a hang.
            let prefix = "HTTPS://KHONGMOTMINH.VN/P/\(TestHub.token.codeTag)"
            var page = try await LoopbackHTTP.request(port: service.port, "GET", "/presence")
            try await waitUntil("the presence page pointing at the hub") {
                page = try await LoopbackHTTP.request(port: service.port, "GET", "/presence")
                return page.text.contains(prefix)
            }
            let range = try #require(page.text.range(of: prefix + "[0-9A-Z]{6}", options: .regularExpression))
            let presence = String(page.text[range].dropFirst("HTTPS://KHONGMOTMINH.VN/P/".count))
            let hubPort = try #require(Int(link.url.split(separator: ":").last ?? ""))
            let form = try await LoopbackHTTP.request(
                port: hubPort, "GET", "/P/\(presence)", headers: ["Accept": "text/html"])
            #expect(form.status == 200)
            #expect(form.text.contains("Sự kiện thử") && !form.text.contains("cam kết trực tuyến"))
            let signed = try await LoopbackHTTP.request(
                port: hubPort, "POST", "/p",
                headers: ["Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded"],
                body: Data("presence=\(presence)&ageBand=18-24&step=sign&key=linked-phone-1".utf8))
            #expect(signed.status == 303)
            let code = try #require(
                signed.headers["location"].flatMap { CertificateCode(parsing: String($0.dropFirst(3))) })
            let stored = try #require(try await hub.store.certificate(code: code))
            #expect(stored.eventID == "le-phat-dong-2025")
            #expect(PledgeChannel(kioskID: stored.kioskID) == .phone)
        }
    }

    /// The certificate code of a 201 receipt.
    static func code(_ answer: HTTPAnswer) throws -> CertificateCode {
        #expect(answer.status == 201)
        return try #require((try answer.json()["code"] as? String).flatMap { CertificateCode(parsing: $0) })
    }
}
