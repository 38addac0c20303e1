import Foundation
import KioskTestSupport
import Testing

/// Memory per connection is bounded (issue 11, item 4): 400 connections that each pipeline 50
/// requests for a certificate's print image (175 KiB) and never read the answers. Before, the
/// service took every request at once and grew by about 700 MB (1.7 GB in the report that found
/// it), and kept that memory after the clients had gone. Now each connection holds about one
/// answer (``PipeliningBackPressureHandler``), and freed memory goes back to the system
/// (``HeapTrimmer``). Run alone (see the Makefile): it loads both cores for seconds.
@Suite("Memory per connection: pipelined requests that are never read")
struct PipelinedFloodTests {
    static let connections = 400
    static let requestsPerConnection = 50
    /// Growth of the service's resident memory allowed while the connections are open (MB).
    static let growthLimit = 200
    /// How close to its start the service's resident memory must come once they are closed (MB).
    static let returnLimit = 40

    @Test func pipelinedRequestsThatAreNeverReadHoldAboutOneAnswerEach() async throws {
        let folder = temporaryDirectory("pipelined-flood")
        let config = try TestEvent.write(in: folder)
        let database = folder.appendingPathComponent("kiosk.sqlite").path
        let server = try await offPool { Started(try KioskProcess(database: database, config: config)) }.process
        defer { server.stop() }
        let port = server.port
        let pid = server.process.processIdentifier

        // A pledge, and its print image once, so the image is rendered and cached before the start.
        let code = try await offPool { () throws -> String in
            let client = try LoopbackConnection(port: port)
            defer { client.close() }
            let body = #"{"name":"Nguyễn Thị Hoa","ageBand":"18-24","province":"Huế"}"#
            let answer = client.exchange(
                "POST /api/pledges HTTP/1.1\r\nHost: 127.0.0.1\r\n\(TestEvent.authorization)Content-Type: application/json\r\n"
                    + "Idempotency-Key: flood-pledge\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            let receipt = try JSONSerialization.jsonObject(with: answer.body) as? [String: Any]
            let code = try #require(receipt?["code"] as? String, "\(answer)")
            let image = client.exchange("GET /c/\(code).png?size=print HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(image.status == 200)
            return code
        }
        let start = try ServiceMemory(pid: pid)

        let request = "GET /c/\(code).png?size=print HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        let pipelined = String(repeating: request, count: Self.requestsPerConnection)
        let flood = try await offPool {
            try (0..<Self.connections).map { _ in
                let connection = try LoopbackConnection(port: port)
                try connection.send(pipelined)
                return connection
            }
        }
        // Until the service has done all it can (its CPU time stands still) or has grown past the limit.
        let peak = try await offPool { () throws -> Int in
            var peak = 0
            var last = try ServiceMemory(pid: pid)
            let limit = Date().addingTimeInterval(60)
            while Date() < limit {
                usleep(1_000_000)
                let now = try ServiceMemory(pid: pid)
                peak = max(peak, last.residentMB, now.residentMB)
                if peak - start.residentMB >= Self.growthLimit || now.cpuTicks - last.cpuTicks <= 1 { break }
                last = now
            }
            return peak
        }
        #expect(
            peak - start.residentMB < Self.growthLimit,
            "resident memory \(start.residentMB) MB at the start, \(peak) MB with the connections open")

        for connection in flood { connection.close() }
        // Until the memory is back near the start, for up to a minute (the trim runs every 5 s).
        let after = try await offPool { () throws -> Int in
            let limit = Date().addingTimeInterval(60)
            var now = try ServiceMemory(pid: pid).residentMB
            while now - start.residentMB >= Self.returnLimit, Date() < limit {
                usleep(200_000)
                now = try ServiceMemory(pid: pid).residentMB
            }
            return now
        }
        #expect(
            after - start.residentMB < Self.returnLimit,
            "resident memory \(start.residentMB) MB at the start, \(peak) MB at the peak, \(after) MB after")
        #expect(server.process.isRunning)
        let health = try await offPool {
            try LoopbackConnection(port: port).exchange("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status
        }
        #expect(health == 200)
    }
}

/// The resident memory and CPU time of a process, from `/proc/PID/status` and `/proc/PID/stat`.
struct ServiceMemory {
    /// `VmRSS`, in MB.
    let residentMB: Int
    /// User and system CPU time, in clock ticks (10 ms).
    let cpuTicks: Int

    init(pid: Int32) throws {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        residentMB = (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
        // The fields after the command name in parentheses: utime and stime are the 12th and 13th.
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let fields = stat[try #require(stat.range(of: ") ")).upperBound...].split(separator: " ")
        cpuTicks = (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
    }
}
