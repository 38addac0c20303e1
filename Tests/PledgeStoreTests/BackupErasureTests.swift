import Foundation
import GRDB
import KioskTestSupport
import PledgeKit
import Synchronization
import Testing

@testable import PledgeStore

/// Erasure and retention reach every copy: the scheduled backups on the stick are brought in line
/// with the live database (``ScheduledBackups/reconcile(now:)``), on real files; ticks are driven
/// directly with given moments, no test waits.
@Suite("Erasure reaches the backups")
struct BackupErasureTests {
    static let links = try! CertificateLinks(baseURL: "http://kiosk.example.vn")
    static let start = Date(timeIntervalSince1970: 1_796_570_000)  // 2026-12-06, UTC
    /// Names no other text in a database holds; each is also looked for in its search-key form.
    static let names = ["Zzyzx Quokkaname", "Ybbot Narwhalname", "Xqwert Axolotlname"]

    struct Fixture {
        let folder: URL
        let usb: URL
        let store: PledgeStore
        let codes: [CertificateCode]
    }

    static func fixture(_ label: String) async throws -> Fixture {
        let folder = temporaryDirectory(label)
        let store = try PledgeStore(
            path: folder.appendingPathComponent("pledges.sqlite").path, eventID: "test-event",
            defaultKioskID: "kiosk-test", links: links)
        var codes: [CertificateCode] = []
        for (index, name) in names.enumerated() {
            codes.append(
                try await store.record(
                    PledgeDraft(
                        name: name, ageBand: .from16To17, province: nil, school: "Trường \(name)school",
                        guardianConsent: true),
                    idempotencyKey: try IdempotencyKey("b-\(index)"), kioskID: nil
                ).code)
        }
        let usb = folder.appendingPathComponent("usb")
        try FileManager.default.createDirectory(at: usb, withIntermediateDirectories: true)
        return Fixture(folder: folder, usb: usb, store: store, codes: codes)
    }

    /// Whether `name` (as written, or lowercased as its search key) is anywhere in the bytes of
    /// the file at `path` or of its `-wal`.
    static func holds(_ path: String, _ name: String) -> Bool {
        let files = [path, path + "-wal"].compactMap { try? Data(contentsOf: URL(fileURLWithPath: $0)) }
        return files.contains { bytes in
            [name, name.lowercased()].contains { bytes.range(of: Data($0.utf8)) != nil }
        }
    }

    static func namesIn(_ path: String) throws -> [String] {
        var readOnly = Configuration()
        readOnly.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: readOnly)
        defer { try? queue.close() }
        return try queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM pledge WHERE name IS NOT NULL") }
    }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test func anErasureReachesEveryOwnBackupOnlyThemAndOnceOnly() async throws {
        let fixture = try await Self.fixture("backup-erasure")
        defer { try? fixture.store.close() }
        let backups = ScheduledBackups(
            store: fixture.store, kioskID: "kiosk-test", folder: fixture.usb.path, interval: .seconds(15 * 60),
            keep: 8, sameDisk: true)
        var own: [String] = []
        for tick in 0..<2 {
            guard
                case .written(let copy, _) = await backups.tick(now: Self.start.addingTimeInterval(Double(tick) * 900))
            else {
                Issue.record("tick \(tick) failed")
                return
            }
            own.append(copy.path)
        }
        // Not the schedule's: a manual copy and another event's file in the same folder stay as they are.
        let manual = fixture.usb.appendingPathComponent("manual.sqlite").path
        let foreign = fixture.usb.appendingPathComponent("kiosk-other-event-20261206T151320Z.sqlite").path
        _ = try fixture.store.backup(to: manual)
        _ = try fixture.store.backup(to: foreign)
        // Named like its own but not a database: neither reconciled nor reported as unreachable.
        let notes = fixture.usb.appendingPathComponent(backups.fileName(sequence: 7, at: Self.start)).path
        try Data("notes".utf8).write(to: URL(fileURLWithPath: notes))
        let (manualBefore, foreignBefore) = (try Self.bytes(manual), try Self.bytes(foreign))
        for path in own { #expect(Self.holds(path, Self.names[0]), "the test needs the name in each backup first") }

        #expect(try await fixture.store.erasePersonalData(code: fixture.codes[0]))
        let result = await backups.reconcile()
        #expect(result.updated == 2 && result.unchanged == 0 && result.failures.isEmpty)
        for path in own {
            #expect(!Self.holds(path, Self.names[0]), "the erased name is still in the bytes of \(path)")
            #expect(!Self.holds(path, "\(Self.names[0])school"), "the erased school is still in \(path)")
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"), "a rollback-journal file again")
            #expect(try PledgeStore.verifyCopy(at: path) == 3, "every pledge still counts")
            #expect(try Self.namesIn(path).sorted() == Self.names.dropFirst().sorted(), "the others untouched")
        }
        #expect(try Self.bytes(manual) == manualBefore)
        #expect(try Self.bytes(foreign) == foreignBefore)
        #expect(try Self.bytes(notes) == Data("notes".utf8))

        // Idempotent: the second run changes not one byte.
        let after = try own.map(Self.bytes)
        let again = await backups.reconcile()
        #expect(again.updated == 0 && again.unchanged == 2 && again.failures.isEmpty)
        #expect(try own.map(Self.bytes) == after)
    }

    @Test func theRetentionPurgeReachesTheBackups() async throws {
        let fixture = try await Self.fixture("backup-purge")
        defer { try? fixture.store.close() }
        // The deadline passed after the pledges were made.
        let deadline = Date().addingTimeInterval(1)
        let backups = ScheduledBackups(
            store: fixture.store, kioskID: "kiosk-test", folder: fixture.usb.path, interval: .seconds(15 * 60),
            keep: 8, sameDisk: true, retentionDeadline: deadline)
        guard case .written(let copy, _) = await backups.tick(now: Self.start) else {
            Issue.record("the backup failed")
            return
        }
        #expect(await backups.reconcile(now: deadline).updated == 0, "before the live purge: nothing to do")
        #expect(try await fixture.store.purgePersonalData(createdBefore: deadline) == 3)
        let result = await backups.reconcile(now: deadline.addingTimeInterval(3600))
        #expect(result.updated == 1 && result.failures.isEmpty)
        for name in Self.names {
            #expect(!Self.holds(copy.path, name), "\(name) is still in the bytes of the backup")
        }
        #expect(try Self.namesIn(copy.path).isEmpty)
        #expect(try PledgeStore.verifyCopy(at: copy.path) == 3)
        let state = try await fixture.store.erasureState(retentionDeadline: deadline, now: deadline)
        #expect(state == ErasureState(purgedBefore: deadline, erasedCodes: []), "one purge, no code list")
    }

    /// The stick is unplugged during an erasure: the failure is reported and counted, the erasure
    /// stands, and the next tick (driven directly) fixes the old backup before writing a new one.
    @Test func aBackupUnreachableDuringAnErasureIsFixedAtTheNextTick() async throws {
        let fixture = try await Self.fixture("backup-unplugged")
        defer { try? fixture.store.close() }
        let backups = ScheduledBackups(
            store: fixture.store, kioskID: "kiosk-test", folder: fixture.usb.path, interval: .seconds(15 * 60),
            keep: 8, sameDisk: true)
        guard case .written(let old, _) = await backups.tick(now: Self.start) else {
            Issue.record("the first backup failed")
            return
        }
        let away = fixture.folder.appendingPathComponent("usb-away")
        try FileManager.default.moveItem(at: fixture.usb, to: away)
        #expect(try await fixture.store.erasePersonalData(code: fixture.codes[1]))
        let unreachable = await backups.reconcile()
        #expect(unreachable.updated == 0 && unreachable.failures.count == 1)
        #expect(unreachable.failures.allSatisfy { !$0.contains(Self.names[1]) }, "no name in the reason")
        #expect(try await fixture.store.pledge(code: fixture.codes[1])?.name == nil, "the erasure stands")

        try FileManager.default.moveItem(at: away, to: fixture.usb)
        #expect(Self.holds(old.path, Self.names[1]), "still there while the stick was away")
        let reconciled = Mutex<ScheduledBackups.Reconciliation?>(nil)
        guard
            case .written(let new, _) = await backups.tick(
                now: Self.start.addingTimeInterval(900), reconciled: { result in reconciled.withLock { $0 = result } })
        else {
            Issue.record("the next tick failed")
            return
        }
        #expect(reconciled.withLock { $0?.updated } == 1)
        #expect(!Self.holds(old.path, Self.names[1]), "the next tick fixed the old backup")
        #expect(!Self.holds(new.path, Self.names[1]))
        #expect(Self.holds(new.path, Self.names[2]))
    }

    /// A restore's direction: the erasures of a database applied to an older copy of it.
    @Test func anOlderCopyGetsTheErasuresOfADatabaseReadFromItsFile() async throws {
        let fixture = try await Self.fixture("backup-restore-direction")
        let copy = fixture.folder.appendingPathComponent("old.sqlite").path
        _ = try fixture.store.backup(to: copy)
        #expect(try await fixture.store.erasePersonalData(code: fixture.codes[2]))
        try fixture.store.close()
        let state = try PledgeStore.erasureState(
            database: fixture.store.databasePath, eventID: "test-event", retentionDeadline: nil)
        #expect(state.erasedCodes == [fixture.codes[2].rawValue])
        #expect(try await PledgeStore.reconcile(copy: copy, eventID: "test-event", links: Self.links, with: state))
        #expect(!Self.holds(copy, Self.names[2]))
        #expect(try Self.namesIn(copy).sorted() == Array(Self.names.prefix(2)).sorted())
    }
}
