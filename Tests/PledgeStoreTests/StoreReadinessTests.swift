import Foundation
import KioskTestSupport
import PledgeKit
import Testing

@testable import PledgeStore

#if canImport(Glibc)
    import Glibc
#endif

/// ``PledgeStore/readiness()`` on a real file system that fills up or turns read-only (a tmpfs).
@Suite("Readiness of the store")
struct StoreReadinessTests {
    static let links = try! CertificateLinks(baseURL: "http://kiosk.example.vn")

    static func draft(_ index: Int) -> PledgeDraft {
        PledgeDraft(name: "Người ký \(index)", ageBand: .from18To24, province: nil, guardianConsent: false)
    }

    /// Asks until `readiness()` gives `expected` (its own write runs at most once a second), for up
    /// to 60 s: a cap for a loaded machine in the parallel run, not a promise.
    static func waitFor(_ expected: StorageProblem?, _ store: PledgeStore) async throws -> StorageProblem? {
        var found = await store.readiness()
        for _ in 0..<600 where found != expected {
            try await Task.sleep(for: .milliseconds(100))
            found = await store.readiness()
        }
        return found
    }

    /// With no reserve, only a write can tell that the disk is full: the failed commit marks the
    /// store not ready (SQLITE_FULL: `disk-full`), readiness's own write fails too while it is
    /// full, and once space is freed that write commits and the store is ready, with no pledge
    /// needed to prove it.
    @Test(.enabled(if: Tmpfs.canMount, "skipped: a tmpfs cannot be mounted here (needs root and CAP_SYS_ADMIN)"))
    func aFailedWriteMarksTheStoreNotReadyUntilAWriteCommits() async throws {
        let disk = try Tmpfs(at: temporaryDirectory("store-full"), size: "8m")
        defer { disk.unmount() }
        let store = try PledgeStore(
            path: disk.path + "/pledges.sqlite", eventID: "test-event", defaultKioskID: "kiosk-test",
            links: Self.links, diskReserve: 0)
        defer { try? store.close() }
        #expect(await store.readiness() == nil)
        for index in 0..<3 {
            _ = try await store.record(
                Self.draft(index), idempotencyKey: try IdempotencyKey("before-\(index)"), kioskID: nil)
        }
        let filler = disk.path + "/filler"
        _ = try Tmpfs.fill(filler)
        #expect(await store.readiness() == nil, "no reserve and no failed write yet: nothing tells")

        do {
            _ = try await store.record(Self.draft(9), idempotencyKey: try IdempotencyKey("during"), kioskID: nil)
            Issue.record("a pledge was stored on a full disk")
        } catch {
            #expect(error.code == .unavailable)
        }
        #expect(await store.readiness() == .diskFull)
        #expect(await store.readiness() == .diskFull, "readiness's own write fails too while the disk is full")

        #expect(unlink(filler) == 0)
        #expect(try await Self.waitFor(nil, store) == nil)
        let receipt = try await store.record(Self.draft(9), idempotencyKey: try IdempotencyKey("during"), kioskID: nil)
        #expect(receipt.number == 4, "the readiness write changed no number")
    }

    /// The default reserve (16 MiB) is more than a 8 MiB file system has: `disk-full` before any write fails.
    @Test(.enabled(if: Tmpfs.canMount, "skipped: a tmpfs cannot be mounted here (needs root and CAP_SYS_ADMIN)"))
    func lessFreeSpaceThanTheReserveIsDiskFull() async throws {
        let disk = try Tmpfs(at: temporaryDirectory("store-small"), size: "8m")
        defer { disk.unmount() }
        let store = try PledgeStore(
            path: disk.path + "/pledges.sqlite", eventID: "test-event", defaultKioskID: "kiosk-test",
            links: Self.links)
        #expect(await store.readiness() == .diskFull)
        let roomy = try PledgeStore(
            path: disk.path + "/other.sqlite", eventID: "test-event", defaultKioskID: "kiosk-test",
            links: Self.links, diskReserve: 1 << 20)
        #expect(await roomy.readiness() == nil)
        try roomy.close()
        try store.close()
    }
}
