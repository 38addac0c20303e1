import Foundation
import GRDB
import KioskTestSupport
import PledgeKit
import Synchronization
import Testing

@testable import PledgeStore

/// The store's files leaving their path while it is open (``DatabaseFiles``): the ways other than
/// a plain deletion (which the end-to-end test drives under load).
@Suite("Database files that leave their path")
struct DatabaseFilesTests {
    final class Reports: Sendable {
        let gone = Mutex<[DatabaseGone]>([])
    }

    func openStore(_ file: String, reports: Reports) throws -> PledgeStore {
        try PledgeStore(
            path: file, eventID: "test-event", defaultKioskID: "kiosk-test",
            links: try CertificateLinks(baseURL: "http://kiosk.example.vn"),
            whenGone: { report in reports.gone.withLock { $0.append(report) } })
    }

    func draft(_ index: Int) -> PledgeDraft {
        PledgeDraft(name: "Người ký \(index)", ageBand: .from18To24, province: nil, guardianConsent: false)
    }

    static func codes(in file: String) throws -> Set<String> {
        var readOnly = Configuration()
        readOnly.readonly = true
        let queue = try DatabaseQueue(path: file, configuration: readOnly)
        defer { try? queue.close() }
        return Set(try queue.read { try String.fetchAll($0, sql: "SELECT code FROM pledge") })
    }

    /// Another database renamed over the path: the pledge committed into the old file is refused,
    /// kept in the rescued copy, and neither the new file nor its `-wal` is touched, even on close.
    @Test func aFileRenamedOverThePathIsSeenAndTheNewFileLeftAlone() async throws {
        let folder = temporaryDirectory("files-replaced")
        let file = folder.appendingPathComponent("pledges.sqlite").path
        let reports = Reports()
        let store = try openStore(file, reports: reports)
        let first = try await store.record(draft(1), idempotencyKey: try IdempotencyKey("one"), kioskID: nil)

        // Another store's database, still open, so its -wal is there too.
        let other = folder.appendingPathComponent("other.sqlite").path
        let (otherStore, _) = try makeStore(other)
        _ = try await otherStore.record(draft(9), idempotencyKey: try IdempotencyKey("other"), kioskID: nil)
        #expect(rename(other, file) == 0 && rename(other + "-wal", file + "-wal") == 0)
        let newBytes = try Data(contentsOf: URL(fileURLWithPath: file))
        let newWAL = try Data(contentsOf: URL(fileURLWithPath: file + "-wal"))

        await #expect(throws: PledgeStore.databaseGone) {
            _ = try await store.record(draft(2), idempotencyKey: try IdempotencyKey("two"), kioskID: nil)
        }
        await #expect(throws: PledgeStore.databaseGone) { _ = try await store.counts() }
        await #expect(throws: PledgeStore.databaseGone) { _ = try await store.pledge(code: first.code) }
        let report = try #require(reports.gone.withLock { $0.first })
        #expect(report.reason == "the database file was deleted")  // renamed over: its link is gone
        let rescued = try #require(report.rescuePath)
        let kept = try Self.codes(in: rescued)
        #expect(kept.contains(first.code.rawValue))
        #expect(kept.count == 2, "the first pledge and the refused one committed into the old file")

        try store.close()
        #expect(reports.gone.withLock { $0.count } == 1, "reported once")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == newBytes)
        #expect(try Data(contentsOf: URL(fileURLWithPath: file + "-wal")) == newWAL)
        try otherStore.close()
    }

    /// What can happen to the files while the store is open, besides a plain deletion.
    enum Change: String, CaseIterable, Sendable {
        /// Commits would land in a WAL no path names.
        case walDeleted
        /// Another process would build a second WAL index beside ours and write over frames this
        /// store still reads (a `kiosk erase` then damaged the file, found by a breaker).
        case shmDeleted
        /// `truncate -s 0`, or other bytes copied over it: same device, inode and links, so only
        /// its header shows it.
        case truncatedInPlace

        func apply(to file: String) -> Bool {
            switch self {
            case .walDeleted: unlink(file + "-wal") == 0
            case .shmDeleted: unlink(file + "-shm") == 0
            case .truncatedInPlace: truncate(file, 0) == 0
            }
        }

        var reason: String {
            switch self {
            case .walDeleted: "the database's -wal file was deleted"
            case .shmDeleted: "the database's -shm file was deleted"
            case .truncatedInPlace: "the database file was truncated or overwritten in place"
            }
        }
    }

    /// Each change is seen at the next commit, before it is acknowledged; where the open files
    /// still hold the pledges, the rescued copy has them.
    @Test(arguments: Change.allCases) func aChangeIsSeenBeforeTheNextAcknowledgement(_ change: Change) async throws {
        let file = temporaryDirectory("files-\(change)").appendingPathComponent("pledges.sqlite").path
        let reports = Reports()
        let store = try openStore(file, reports: reports)
        let first = try await store.record(draft(1), idempotencyKey: try IdempotencyKey("one"), kioskID: nil)
        #expect(change.apply(to: file))
        await #expect(throws: PledgeStore.databaseGone) {
            _ = try await store.record(draft(2), idempotencyKey: try IdempotencyKey("two"), kioskID: nil)
        }
        let report = try #require(reports.gone.withLock { $0.first })
        #expect(report.reason == change.reason)
        if change != .truncatedInPlace {
            #expect(try Self.codes(in: try #require(report.rescuePath)).contains(first.code.rawValue))
        }
        try store.close()
    }

    /// Deleted while nothing was being written: closing the store still keeps what it holds.
    @Test func aDeletionFoundOnlyAtCloseIsStillRescued() async throws {
        let file = temporaryDirectory("files-close").appendingPathComponent("pledges.sqlite").path
        let reports = Reports()
        let store = try openStore(file, reports: reports)
        let first = try await store.record(draft(1), idempotencyKey: try IdempotencyKey("one"), kioskID: nil)
        for suffix in ["", "-wal", "-shm"] { unlink(file + suffix) }
        try store.close()
        let report = try #require(reports.gone.withLock { $0.first })
        #expect(try Self.codes(in: try #require(report.rescuePath)) == [first.code.rawValue])
        #expect(!FileManager.default.fileExists(atPath: file))
    }

    /// Only the database file deleted, its `-wal` left at the path: once the copy is written and
    /// the store closed, that `-wal` and `-shm` are removed, so the copy renamed back to the path
    /// opens intact (SQLite replayed the old `-wal` into it and damaged it, found by a trial).
    @Test func ownLeftoversAreRemovedSoTheCopyCanBeRenamedBack() async throws {
        let file = temporaryDirectory("files-leftovers").appendingPathComponent("pledges.sqlite").path
        let reports = Reports()
        let store = try openStore(file, reports: reports)
        for index in 0..<400 {
            _ = try await store.record(draft(index), idempotencyKey: try IdempotencyKey("k\(index)"), kioskID: nil)
        }
        #expect(unlink(file) == 0)
        await #expect(throws: PledgeStore.databaseGone) {
            _ = try await store.record(draft(400), idempotencyKey: try IdempotencyKey("late"), kioskID: nil)
        }
        try store.close()
        #expect(!FileManager.default.fileExists(atPath: file + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: file + "-shm"))
        let rescued = try #require(reports.gone.withLock { $0.first?.rescuePath })
        #expect(rename(rescued, file) == 0)
        let reopened = try openStore(file, reports: Reports())
        #expect(try await reopened.counts().total >= 400)
        #expect(try await reopened.pool.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        try reopened.close()
    }

    /// No copy can be written beside the database (here a file stands where its folder was): it
    /// goes to the first fallback folder that takes it, and the report says where.
    @Test func aCopyThatCannotGoBesideGoesToAFallbackFolder() async throws {
        let folder = temporaryDirectory("files-fallback").appendingPathComponent("data")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        // A name of its own: a rescued copy of `pledges.sqlite` in the shared fallback folder,
        // even for a moment, is evidence against the first use of every other test's database.
        let file = folder.appendingPathComponent("fallback-\(UUID().uuidString).sqlite").path
        let reports = Reports()
        let store = try openStore(file, reports: reports)
        let first = try await store.record(draft(1), idempotencyKey: try IdempotencyKey("one"), kioskID: nil)
        try FileManager.default.removeItem(at: folder)
        #expect(FileManager.default.createFile(atPath: folder.path, contents: Data("not a folder".utf8)))
        await #expect(throws: PledgeStore.databaseGone) {
            _ = try await store.record(draft(2), idempotencyKey: try IdempotencyKey("two"), kioskID: nil)
        }
        let report = try #require(reports.gone.withLock { $0.first })
        let rescued = try #require(report.rescuePath, "\(report)")
        defer { unlink(rescued) }
        #expect(!rescued.hasPrefix(folder.path))
        #expect(store.files.fallbackFolders.contains(URL(fileURLWithPath: rescued).deletingLastPathComponent().path))
        #expect(report.rescueError?.contains(file) == true, "the failure beside the database is reported")
        #expect(try Self.codes(in: rescued).contains(first.code.rawValue))
        try store.close()
    }

    /// The whole data folder deleted (`rm -rf data`): the folder is made again to hold the copy.
    @Test func aDeletedFolderIsMadeAgainForTheRescuedCopy() async throws {
        let folder = temporaryDirectory("files-folder").appendingPathComponent("data")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        let file = folder.appendingPathComponent("pledges.sqlite").path
        let reports = Reports()
        let store = try openStore(file, reports: reports)
        let first = try await store.record(draft(1), idempotencyKey: try IdempotencyKey("one"), kioskID: nil)
        try FileManager.default.removeItem(at: folder)
        await #expect(throws: PledgeStore.databaseGone) {
            _ = try await store.record(draft(2), idempotencyKey: try IdempotencyKey("two"), kioskID: nil)
        }
        let report = try #require(reports.gone.withLock { $0.first })
        let rescued = try #require(report.rescuePath, "\(report)")
        #expect(rescued.hasPrefix(folder.path + "/"))
        #expect(try Self.codes(in: rescued).contains(first.code.rawValue))
        try store.close()
    }

    /// Files in place: nothing is reported, and a healthy store's close checkpoints as before.
    @Test func filesInPlaceAreNeverReported() async throws {
        let file = temporaryDirectory("files-ok").appendingPathComponent("pledges.sqlite").path
        let reports = Reports()
        let store = try openStore(file, reports: reports)
        for index in 0..<20 {
            _ = try await store.record(draft(index), idempotencyKey: try IdempotencyKey("k\(index)"), kioskID: nil)
        }
        #expect(try await store.counts().total == 20)
        try store.close()
        #expect(reports.gone.withLock { $0.isEmpty })
        #expect(try Self.codes(in: file).count == 20)
        let rescued = try FileManager.default.contentsOfDirectory(
            atPath: URL(fileURLWithPath: file).deletingLastPathComponent().path
        ).filter { $0.contains("rescued") }
        #expect(rescued.isEmpty)
    }
}
