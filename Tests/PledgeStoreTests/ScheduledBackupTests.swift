import Foundation
import KioskTestSupport
import PledgeKit
import Synchronization
import Testing

@testable import PledgeStore

#if canImport(Glibc)
    import Glibc
#endif

/// Scheduled backups (issue 12, item 2) on real files: each tick driven directly at a given
/// moment, so no test waits for the interval.
@Suite("Scheduled backups")
struct ScheduledBackupTests {
    static let links = try! CertificateLinks(baseURL: "http://kiosk.example.vn")
    static let start = Date(timeIntervalSince1970: 1_796_570_000)  // 2026-12-06, UTC

    static func store(_ folder: URL) throws -> PledgeStore {
        try PledgeStore(
            path: folder.appendingPathComponent("pledges.sqlite").path, eventID: "test-event",
            defaultKioskID: "kiosk-test", links: links)
    }

    static func record(_ store: PledgeStore, _ range: Range<Int>) async throws {
        for index in range {
            _ = try await store.record(
                PledgeDraft(name: "Người ký \(index)", ageBand: .from18To24, province: nil, guardianConsent: false),
                idempotencyKey: try IdempotencyKey("k-\(index)"), kioskID: nil)
        }
    }

    static func mode(_ path: String) -> mode_t {
        var status = stat()
        return stat(path, &status) == 0 ? status.st_mode & 0o777 : 0
    }

    @Test func eachTickWritesAVerifiedPrivateCopyAndKeepsOnlyItsNewestOwnFiles() async throws {
        let folder = temporaryDirectory("scheduled")
        let store = try Self.store(folder)
        defer { try? store.close() }
        let usb = folder.appendingPathComponent("usb")
        try FileManager.default.createDirectory(at: usb, withIntermediateDirectories: true)
        // Not its own: another event's backup, a file of the same prefix without a stamp, notes.
        let foreign = [
            "notes.txt", "kiosk-other-event-20200101T000000Z.sqlite", "kiosk-test-event-latest.sqlite",
            "kiosk-test-event-20200101T000000Z.sqlite.txt", ".other-event.sqlite.999999999.partial",
        ]
        for name in foreign {
            try Data("not a backup: \(name)".utf8).write(to: usb.appendingPathComponent(name))
        }
        // A copy cut short by a power cut, in a process that is gone (no pid is that large).
        let abandoned = ".kiosk-test-event-20200101T000000Z.sqlite.999999999.partial"
        try Data("half a copy".utf8).write(to: usb.appendingPathComponent(abandoned))
        let backups = ScheduledBackups(store: store, folder: usb.path, interval: .seconds(15 * 60), keep: 3)
        var written: [String] = []
        for tick in 0..<5 {
            try await Self.record(store, (tick * 4)..<(tick * 4 + 4))
            let now = Self.start.addingTimeInterval(Double(tick) * 15 * 60)
            guard case .written(let copy, let removed) = await backups.tick(now: now) else {
                Issue.record("tick \(tick) failed: \(await backups.tick(now: now))")
                return
            }
            #expect(copy.path == usb.appendingPathComponent(backups.fileName(at: now)).path)
            #expect(copy.pledges == tick * 4 + 4, "the copy holds every pledge committed before it")
            #expect(try PledgeStore.verifyCopy(at: copy.path) == copy.pledges)
            #expect(Self.mode(copy.path) == 0o600, "it holds names: owner only")
            // From the fourth on, the oldest own file goes.
            let abandonedPath = usb.appendingPathComponent(abandoned).path
            #expect(
                removed == (tick >= 3 ? [usb.appendingPathComponent(written[tick - 3]).path] : [])
                    + (tick == 0 ? [abandonedPath] : []))
            written.append(URL(fileURLWithPath: copy.path).lastPathComponent)
        }
        #expect(written.first == "kiosk-test-event-20261206T151320Z.sqlite")
        #expect(backups.ownBackups() == Array(written.suffix(3)), "the newest three")
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: usb.path))
        #expect(names == Set(foreign + written.suffix(3)), "nothing else, no temporary file left")
        for name in foreign {
            #expect(
                try String(contentsOf: usb.appendingPathComponent(name), encoding: .utf8) == "not a backup: \(name)")
        }
    }

    @Test func aMissingFolderFailsWithoutStoppingPledgesAndTheNextTickTriesAgain() async throws {
        let folder = temporaryDirectory("scheduled-missing")
        let store = try Self.store(folder)
        defer { try? store.close() }
        let usb = folder.appendingPathComponent("usb")
        let backups = ScheduledBackups(store: store, folder: usb.path, interval: .seconds(60), keep: 2)
        try await Self.record(store, 0..<2)
        guard case .failed(let reason) = await backups.tick(now: Self.start) else {
            Issue.record("a backup into a missing folder succeeded")
            return
        }
        #expect(reason.contains(usb.path) && reason.contains("does not exist"))
        #expect(!reason.contains("Người"), "no personal data in the reason")
        #expect(!FileManager.default.fileExists(atPath: usb.path), "a missing stick is not replaced by a folder")
        try await Self.record(store, 2..<3)
        // The stick is back: the next tick writes.
        try FileManager.default.createDirectory(at: usb, withIntermediateDirectories: true)
        guard case .written(let copy, _) = await backups.tick(now: Self.start.addingTimeInterval(60)) else {
            Issue.record("the next tick failed")
            return
        }
        #expect(copy.pledges == 3)
    }

    /// A stick too small for the copy: SQLite's write fails, nothing is left at the name or as a
    /// temporary file, and the older backups stay (nothing is pruned after a failure).
    @Test(.enabled(if: Tmpfs.canMount, "skipped: a tmpfs cannot be mounted here (needs root and CAP_SYS_ADMIN)"))
    func aFullStickFailsAndKeepsTheOlderBackups() async throws {
        let folder = temporaryDirectory("scheduled-full")
        let store = try Self.store(folder)
        defer { try? store.close() }
        let stick = try Tmpfs(at: folder.appendingPathComponent("usb"), size: "1m")
        defer { stick.unmount() }
        let backups = ScheduledBackups(store: store, folder: stick.path, interval: .seconds(60), keep: 1)
        try await Self.record(store, 0..<3)
        guard case .written(let first, _) = await backups.tick(now: Self.start) else {
            Issue.record("the first backup failed")
            return
        }
        _ = try Tmpfs.fill(stick.path + "/filler")
        guard case .failed(let reason) = await backups.tick(now: Self.start.addingTimeInterval(60)) else {
            Issue.record("a backup onto a full stick succeeded")
            return
        }
        #expect(reason.contains("full") || reason.contains("space"), "\(reason)")
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: stick.path))
        #expect(names == [URL(fileURLWithPath: first.path).lastPathComponent, "filler"])
        #expect(try PledgeStore.verifyCopy(at: first.path) == 3)
    }

    @Test func theFirstBackupIsDueOneIntervalAfterTheNewestOwnFile() throws {
        let folder = temporaryDirectory("scheduled-first")
        let store = try Self.store(folder)
        defer { try? store.close() }
        let backups = ScheduledBackups(store: store, folder: folder.path, interval: .seconds(15 * 60), keep: 8)
        #expect(backups.firstDelay(now: Self.start) == .zero, "none yet: at once")
        try Data().write(to: folder.appendingPathComponent(backups.fileName(at: Self.start)))
        #expect(backups.firstDelay(now: Self.start.addingTimeInterval(5 * 60)) == .seconds(10 * 60))
        #expect(backups.firstDelay(now: Self.start.addingTimeInterval(20 * 60)) == .zero, "overdue")
        #expect(backups.firstDelay(now: Self.start.addingTimeInterval(-3600)) == .seconds(15 * 60), "a clock set back")
    }

    /// `run` with an injected clock: the sleeps it asks for, and a tick after each, without waiting.
    @Test func runTicksAfterEachSleepOfTheInjectedClock() async throws {
        let folder = temporaryDirectory("scheduled-run")
        let store = try Self.store(folder)
        defer { try? store.close() }
        let backups = ScheduledBackups(store: store, folder: folder.path, interval: .seconds(15 * 60), keep: 8)
        let sleeps = Mutex<[Duration]>([])
        let outcomes = Mutex<[ScheduledBackups.Outcome]>([])
        let clock = Mutex(Self.start)
        await backups.run(
            now: { clock.withLock { $0 } },
            sleep: { duration in
                let count = sleeps.withLock {
                    $0.append(duration)
                    return $0.count
                }
                if count > 3 { throw CancellationError() }
                clock.withLock { $0 = $0.addingTimeInterval(Double(duration.components.seconds)) }
            },
            report: { outcome in outcomes.withLock { $0.append(outcome) } })
        #expect(sleeps.withLock { $0 } == [.zero, .seconds(900), .seconds(900), .seconds(900)])
        let written = outcomes.withLock { $0 }.compactMap { outcome -> String? in
            if case .written(let copy, _) = outcome { URL(fileURLWithPath: copy.path).lastPathComponent } else { nil }
        }
        #expect(
            written == [
                "kiosk-test-event-20261206T151320Z.sqlite", "kiosk-test-event-20261206T152820Z.sqlite",
                "kiosk-test-event-20261206T154320Z.sqlite",
            ])
    }
}
