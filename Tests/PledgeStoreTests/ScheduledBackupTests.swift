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
        // Not its own: another event's backup, a file of the same prefix without a stamp, notes, a
        // text file under the very name of a backup.
        let foreign = [
            "notes.txt", "kiosk-other-event-kiosk-test-000001-20200101T000000Z.sqlite",
            "kiosk-test-event-kiosk-test-latest.sqlite",
            "kiosk-test-event-kiosk-test-000001-20200101T000000Z.sqlite.txt",
            "kiosk-test-event-kiosk-test-000009-20200101T000000Z.sqlite",
        ]
        for name in foreign {
            try Data("not a backup: \(name)".utf8).write(to: usb.appendingPathComponent(name))
        }
        // A copy cut short by a power cut, in a process that is gone (no pid is that large).
        let abandoned = [
            ".kiosk-test-event-kiosk-test-000001-20200101T000000Z.sqlite.999999999.partial",
            ".kiosk-test-event-kiosk-test-000001-20200101T000000Z.sqlite.999999999.partial-journal",
        ]
        for name in abandoned { try Data("half a copy".utf8).write(to: usb.appendingPathComponent(name)) }
        let backups = ScheduledBackups(
            store: store, kioskID: "kiosk-test", folder: usb.path, interval: .seconds(15 * 60), keep: 3, sameDisk: true)
        var written: [String] = []
        for tick in 0..<5 {
            try await Self.record(store, (tick * 4)..<(tick * 4 + 4))
            let now = Self.start.addingTimeInterval(Double(tick) * 15 * 60)
            guard case .written(let copy, let removed) = await backups.tick(now: now) else {
                Issue.record("tick \(tick) failed: \(await backups.tick(now: now))")
                return
            }
            #expect(copy.path == usb.appendingPathComponent(backups.fileName(sequence: tick + 1, at: now)).path)
            #expect(copy.pledges == tick * 4 + 4, "the copy holds every pledge committed before it")
            #expect(try PledgeStore.verifyCopy(at: copy.path) == copy.pledges)
            #expect(Self.mode(copy.path) == 0o600, "it holds names: owner only")
            // From the fourth on, the oldest own file goes.
            let abandonedPaths = abandoned.map { usb.appendingPathComponent($0).path }.sorted()
            #expect(
                removed == (tick >= 3 ? [usb.appendingPathComponent(written[tick - 3]).path] : [])
                    + (tick == 0 ? abandonedPaths : []))
            written.append(URL(fileURLWithPath: copy.path).lastPathComponent)
        }
        #expect(written.first == "kiosk-test-event-kiosk-test-000001-20261206T151320Z.sqlite")
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
        let backups = ScheduledBackups(
            store: store, kioskID: "kiosk-test", folder: usb.path, interval: .seconds(60), keep: 2, sameDisk: true)
        try await Self.record(store, 0..<2)
        let reconciled = Mutex<ScheduledBackups.Reconciliation?>(nil)
        guard
            case .failed(let reason) = await backups.tick(
                now: Self.start, reconciled: { result in reconciled.withLock { $0 = result } })
        else {
            Issue.record("a backup into a missing folder succeeded")
            return
        }
        // The copy's failure, counted once; no erasure failed (a trial saw erasure_failed counted).
        #expect(reconciled.withLock { $0 }?.failures == [])
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
        // A disk of its own: allowed without sameDisk.
        let backups = ScheduledBackups(
            store: store, kioskID: "kiosk-test", folder: stick.path, interval: .seconds(60), keep: 1)
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
        let backups = ScheduledBackups(
            store: store, kioskID: "kiosk-test", folder: folder.path, interval: .seconds(15 * 60), keep: 8,
            sameDisk: true)
        #expect(backups.firstDelay(now: Self.start) == .zero, "none yet: at once")
        _ = try store.backup(to: folder.appendingPathComponent(backups.fileName(sequence: 1, at: Self.start)).path)
        #expect(backups.firstDelay(now: Self.start.addingTimeInterval(5 * 60)) == .seconds(10 * 60))
        #expect(backups.firstDelay(now: Self.start.addingTimeInterval(20 * 60)) == .zero, "overdue")
        // A stamp in the future (the clock was ahead, or is now set back) is not trusted: at once.
        #expect(backups.firstDelay(now: Self.start.addingTimeInterval(-3600)) == .zero, "a clock set back")
        // The newest is the highest sequence, whatever the stamps say.
        let older = Self.start.addingTimeInterval(-10 * 60)
        _ = try store.backup(to: folder.appendingPathComponent(backups.fileName(sequence: 2, at: older)).path)
        #expect(backups.firstDelay(now: Self.start) == .seconds(5 * 60))
        // Not its own (a text file under a backup's name, with a higher sequence): ignored.
        try Data("notes".utf8).write(
            to: folder.appendingPathComponent(backups.fileName(sequence: 3, at: Self.start)))
        #expect(backups.firstDelay(now: Self.start) == .seconds(5 * 60))
    }

    /// `run` with an injected clock: the sleeps it asks for, and a tick after each, without waiting.
    @Test func runTicksAfterEachSleepOfTheInjectedClock() async throws {
        let folder = temporaryDirectory("scheduled-run")
        let store = try Self.store(folder)
        defer { try? store.close() }
        let backups = ScheduledBackups(
            store: store, kioskID: "kiosk-test", folder: folder.path, interval: .seconds(15 * 60), keep: 8,
            sameDisk: true)
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
                "kiosk-test-event-kiosk-test-000001-20261206T151320Z.sqlite",
                "kiosk-test-event-kiosk-test-000002-20261206T152820Z.sqlite",
                "kiosk-test-event-kiosk-test-000003-20261206T154320Z.sqlite",
            ])
    }

    /// An unmounted stick: the mount point is an empty folder on the database's disk. A backup
    /// there is refused (counted failed) unless `sameDisk`, so none hides under the stick later.
    @Test func aFolderOnTheDatabasesDiskIsRefusedUnlessSameDiskAllowsIt() async throws {
        let folder = temporaryDirectory("scheduled-same-disk")
        let store = try Self.store(folder)
        defer { try? store.close() }
        let mountPoint = folder.appendingPathComponent("mnt-bk")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        try await Self.record(store, 0..<2)
        let refused = ScheduledBackups(
            store: store, kioskID: "kiosk-test", folder: mountPoint.path, interval: .seconds(60), keep: 2)
        guard case .failed(let reason) = await refused.tick(now: Self.start) else {
            Issue.record("a backup onto the database's own disk was written")
            return
        }
        #expect(reason.contains("the backup folder \(mountPoint.path) is on the same disk as the database"))
        #expect(reason.contains("is the USB stick mounted?") && reason.contains("USB đã được gắn"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: mountPoint.path).isEmpty, "nothing written")
        let allowed = ScheduledBackups(
            store: store, kioskID: "kiosk-test", folder: mountPoint.path, interval: .seconds(60), keep: 2,
            sameDisk: true)
        guard case .written(let copy, _) = await allowed.tick(now: Self.start) else {
            Issue.record("sameDisk: true did not allow it")
            return
        }
        #expect(copy.pledges == 2)
    }

    /// One backup stamped a year ahead (a clock once wrong): rotation goes by sequence, so every
    /// later tick keeps its fresh copy and the future one goes first.
    @Test func aClockOnceAheadDoesNotMakeRotationDeleteTheFreshBackups() async throws {
        let folder = temporaryDirectory("scheduled-clock-ahead")
        let store = try Self.store(folder)
        defer { try? store.close() }
        let backups = ScheduledBackups(
            store: store, kioskID: "kiosk-test", folder: folder.path, interval: .seconds(15 * 60), keep: 2,
            sameDisk: true)
        let ahead = Self.start.addingTimeInterval(365 * 24 * 3600)
        guard case .written(let future, _) = await backups.tick(now: ahead) else {
            Issue.record("the first backup failed")
            return
        }
        var fresh: [String] = []
        for tick in 0..<3 {
            try await Self.record(store, tick..<(tick + 1))
            guard
                case .written(let copy, _) = await backups.tick(now: Self.start.addingTimeInterval(Double(tick) * 900))
            else {
                Issue.record("tick \(tick) failed")
                return
            }
            #expect(FileManager.default.fileExists(atPath: copy.path), "tick \(tick) deleted its own fresh copy")
            #expect(copy.pledges == tick + 1)
            fresh.append(URL(fileURLWithPath: copy.path).lastPathComponent)
        }
        #expect(!FileManager.default.fileExists(atPath: future.path), "the oldest by sequence went")
        #expect(backups.ownBackups() == Array(fresh.suffix(2)))
        #expect(fresh.last == backups.fileName(sequence: 4, at: Self.start.addingTimeInterval(1800)))
    }

    /// A file named like a backup that is not one (notes; another event's database), and another
    /// kiosk's backups on a shared stick, are never deleted by rotation.
    @Test func rotationDeletesOnlyThisKiosksOwnBackupsOfThisEvent() async throws {
        let folder = temporaryDirectory("scheduled-foreign")
        let store = try Self.store(folder)
        defer { try? store.close() }
        let usb = folder.appendingPathComponent("usb")
        try FileManager.default.createDirectory(at: usb, withIntermediateDirectories: true)
        let mine = ScheduledBackups(
            store: store, kioskID: "kiosk-a", folder: usb.path, interval: .seconds(60), keep: 1, sameDisk: true)
        let other = try PledgeStore(
            path: folder.appendingPathComponent("other.sqlite").path, eventID: "test-event",
            defaultKioskID: "kiosk-b", links: Self.links)
        defer { try? other.close() }
        let theirs = ScheduledBackups(
            store: other, kioskID: "kiosk-b", folder: usb.path, interval: .seconds(60), keep: 1, sameDisk: true)
        let otherEvent = try PledgeStore(
            path: folder.appendingPathComponent("other-event.sqlite").path, eventID: "other-event",
            defaultKioskID: "kiosk-a", links: Self.links)
        defer { try? otherEvent.close() }
        let old = Self.start.addingTimeInterval(-86400)
        let notes = usb.appendingPathComponent(mine.fileName(sequence: 1, at: old)).path
        try Data("notes".utf8).write(to: URL(fileURLWithPath: notes))
        let wrongEvent = usb.appendingPathComponent(mine.fileName(sequence: 2, at: old)).path
        _ = try otherEvent.backup(to: wrongEvent)
        var theirLast = ""
        for tick in 0..<3 {
            let now = Self.start.addingTimeInterval(Double(tick) * 60)
            guard case .written(let a, _) = await mine.tick(now: now),
                case .written(let b, _) = await theirs.tick(now: now)
            else {
                Issue.record("tick \(tick) failed")
                return
            }
            #expect(FileManager.default.fileExists(atPath: a.path) && FileManager.default.fileExists(atPath: b.path))
            theirLast = URL(fileURLWithPath: b.path).lastPathComponent
        }
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "notes")
        #expect(try PledgeStore.verifyCopy(at: wrongEvent) == 0, "another event's database stays")
        #expect(mine.ownBackups() == [mine.fileName(sequence: 3, at: Self.start.addingTimeInterval(120))])
        #expect(theirs.ownBackups() == [theirLast])
        #expect(try FileManager.default.contentsOfDirectory(atPath: usb.path).count == 4)
    }
}
