import Foundation
import Hummingbird
import KioskHTTP
import KioskTestSupport
import PledgeExport
import PledgeKit
import PledgeStore
import Synchronization
import Testing

/// XLSX downloads are built whole before they are sent: only a few at once, the next one 503
/// (the breaker kept the hub busy for minutes with a few).
@Suite struct WholeFileDownloadLimitTests {
    /// Holds every caller until ``open()``.
    actor Gate {
        private var isOpen = false
        private var waiting: [CheckedContinuation<Void, Never>] = []

        func wait() async {
            if isOpen { return }
            await withCheckedContinuation { waiting.append($0) }
        }

        func open() {
            isOpen = true
            for continuation in waiting { continuation.resume() }
            waiting.removeAll()
        }
    }

    /// A real store whose export pages wait at a gate: downloads under way that the test holds.
    final class HeldRows: ExportRows {
        let store: PledgeStore
        let gate = Gate()
        let entered = Mutex(0)

        init(store: PledgeStore) { self.store = store }

        func breakdown(by dimensions: [CountDimension]) async throws(PledgeError) -> Breakdown {
            try await store.breakdown(by: dimensions)
        }

        func exportPage<Output: Sendable>(
            after cursor: Int64?, limit: Int, includePersonalData: Bool, into output: Output,
            _ append: @Sendable (inout Output, ExportRecord) -> Void
        ) async throws(PledgeError) -> ExportPage<Output> {
            entered.withLock { $0 += 1 }
            await gate.wait()
            return try await store.exportPage(
                after: cursor, limit: limit, includePersonalData: includePersonalData, into: output, append)
        }
    }

    @Test("Past the limit of XLSX builds at once, the next download is 503 with Retry-After; then one starts again")
    func aThirdBuildWaitsItsTurn() async throws {
        let store = try temporaryStore("whole-file")
        let rows = HeldRows(store: store)
        let builds = OrganizerQuery.WholeFileBuilds(limit: 2)
        let exporter = Exporter(service: rows, options: .init(kind: .pledges, format: .xlsx))
        let held = (0..<2).map { _ in
            Task { try await OrganizerQuery.download(exporter, for: nil, fileStem: "test-event", builds: builds) }
        }
        try await waitUntil("two builds under way") { rows.entered.withLock { $0 } == 2 }
        let refused = await #expect(throws: ProblemDetails.self) {
            try await OrganizerQuery.download(exporter, for: nil, fileStem: "test-event", builds: builds)
        }
        #expect(refused?.status == .serviceUnavailable)
        #expect(refused?.headers[.retryAfter] == "60")
        await rows.gate.open()
        for task in held { #expect(try await task.value.status == .ok) }
        #expect(
            try await OrganizerQuery.download(exporter, for: nil, fileStem: "test-event", builds: builds).status == .ok)
    }

    @Test("An XLSX file the server cannot write (a full disk, a folder it may not use) is a 503 problem detail at once")
    func anUnwritableFileIsAProblemDetail() async throws {
        let store = try temporaryStore("whole-file")
        _ = try await store.record(
            PledgeDraft(name: "Lê Văn Tám", ageBand: .from18To24, province: nil, guardianConsent: false),
            idempotencyKey: try IdempotencyKey("unwritable"), kioskID: nil)
        // No folder can be made in /proc, not even by root: the build fails as on a full disk.
        let builds = OrganizerQuery.WholeFileBuilds(limit: 2, temporaryDirectory: "/proc/1")
        let exporter = Exporter(service: store, options: .init(kind: .pledges, format: .xlsx))
        let refused = await #expect(throws: ProblemDetails.self) {
            try await OrganizerQuery.download(exporter, for: nil, fileStem: "test-event", builds: builds)
        }
        #expect(refused?.status == .serviceUnavailable)
        #expect(refused?.code == "export-not-written")
        #expect(refused?.headers[.retryAfter] == "60")
        #expect(builds.inProgress == 0)
    }
}
