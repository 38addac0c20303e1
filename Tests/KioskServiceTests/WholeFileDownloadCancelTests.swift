import Foundation
import Hummingbird
import KioskHTTP
import KioskTestSupport
import Logging
import PledgeExport
import PledgeKit
import PledgeStore
import ServerHardening
import Synchronization
import Testing

/// An XLSX download is built whole before it is sent; a client that goes away meanwhile stops
/// the build (found by the breaker: it went on, holding a slot, a core and its files).
@Suite struct WholeFileDownloadCancelTests {
    /// A real store whose export pages wait until the build is cancelled: a build under way for as
    /// long as its client stays.
    final class RowsUntilCancelled: ExportRows {
        let store: PledgeStore
        let entered = Mutex(0)
        let left = Mutex(0)
        /// Never yields; waiting on it ends when the waiting task is cancelled.
        let (never, keptOpen) = AsyncStream.makeStream(of: Void.self)

        init(store: PledgeStore) { self.store = store }

        func breakdown(by dimensions: [CountDimension]) async throws(PledgeError) -> Breakdown {
            try await store.breakdown(by: dimensions)
        }

        func exportPage<Output: Sendable>(
            after cursor: Int64?, limit: Int, includePersonalData: Bool, into output: Output,
            _ append: @Sendable (inout Output, ExportRecord) -> Void
        ) async throws(PledgeError) -> ExportPage<Output> {
            entered.withLock { $0 += 1 }
            defer { left.withLock { $0 += 1 } }
            for await _ in never {}
            throw PledgeError(.unavailable, vi: "Đã hủy.", en: "Cancelled.")
        }
    }

    /// This process's descriptors open on a file under `folder`.
    static func openFiles(under folder: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.filter {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)"))?.hasPrefix(folder + "/")
                == true
        }.count
    }

    @Test("A client that closes its connection during an XLSX build stops it: slot, folder and files freed")
    func aBuildStopsWhenItsClientLeaves() async throws {
        let folder = temporaryDirectory("xlsx-cancel")
        let store = try PledgeStore(
            path: folder.appendingPathComponent("pledges.sqlite").path, eventID: "test-event",
            defaultKioskID: "kiosk-test", links: try CertificateLinks(baseURL: "http://kiosk.example.vn"))
        let builds = folder.appendingPathComponent("builds").path
        try FileManager.default.createDirectory(atPath: builds, withIntermediateDirectories: true)
        let limit = OrganizerQuery.WholeFileBuilds(limit: 2, temporaryDirectory: builds)
        let rows = RowsUntilCancelled(store: store)
        let router = Router(context: KioskRequestContext.self)
        router.get("/export") { _, context in
            try await OrganizerQuery.download(
                Exporter(service: rows, options: .init(kind: .pledges, format: .xlsx)), for: context.connection,
                fileStem: "test-event", builds: limit)
        }
        // The same route over the store itself: a client that stays gets its file.
        router.get("/whole") { _, context in
            try await OrganizerQuery.download(
                Exporter(service: store, options: .init(kind: .pledges, format: .xlsx)), for: context.connection,
                fileStem: "test-event", builds: limit)
        }
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "xlsx-cancel-test")
        logger.logLevel = .error
        // Hardened as both services are: each connection's ConnectionClosure.
        let app = hardenedApplication(
            router: router, host: "127.0.0.1", port: 0, serverName: "test", logger: logger,
            idleTimeout: .seconds(30), requestDeadlines: .standard, answers: .problemDetails,
            onServerRunning: { portSink.yield($0) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            // Whatever happens, the held page ends and the server stops (it waits for its requests).
            defer {
                rows.keptOpen.finish()
                group.cancelAll()
            }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())

            let connection = try LoopbackConnection(port: port)
            try connection.send("GET /export HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            try await waitUntil("the build under way") { rows.entered.withLock { $0 } == 1 }
            #expect(limit.inProgress == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: builds).count == 1)

            connection.close()
            try await waitUntil("the build stopped") { limit.inProgress == 0 }
            #expect(rows.left.withLock { $0 } == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: builds).isEmpty)
            #expect(Self.openFiles(under: builds) == 0)

            let whole = try await LoopbackHTTP.request(port: port, "GET", "/whole")
            #expect(whole.status == 200)
            #expect(whole.body.prefix(2) == Data("PK".utf8))
            #expect(limit.inProgress == 0)
        }
    }
}
