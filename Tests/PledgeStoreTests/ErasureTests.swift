import Foundation
import GRDB
import KioskTestSupport
import PledgeKit
import Synchronization
import Testing

@testable import PledgeStore

@Suite("Erasure, retention and search")
struct ErasureTests {
    @Test func purgeRemovesNamesFromTheFileBytesAndKeepsEveryCount() async throws {
        let (store, file) = try makeStore()
        let names = ["Nguyễn Thị Ánh", "Đỗ Đức Đạt", "Zzyzx Quokkaname"]
        for (index, name) in names.enumerated() {
            _ = try await store.record(
                PledgeDraft(
                    name: name, ageBand: .from18To24, province: Province(matching: "Huế"),
                    school: "Trường Uniqueschoolname", guardianConsent: false),
                idempotencyKey: try IdempotencyKey("p-\(index)"), kioskID: nil)
        }
        try await GeneratedPledges.insert(2000, into: store, otherEvent: false)
        let before = try await CountDimension.allCases.asyncMap { try await store.breakdown(by: [$0]) }
        let erased = try await store.purgePersonalData(createdBefore: Date().addingTimeInterval(1))
        #expect(erased == 3 + 40)
        let after = try await CountDimension.allCases.asyncMap { try await store.breakdown(by: [$0]) }
        #expect(before == after)
        #expect(try await store.find("anh").isEmpty)
        let leftovers = try await store.pool.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM pledge
                    WHERE name IS NOT NULL OR school IS NOT NULL OR search_key IS NOT NULL OR sort_key IS NOT NULL
                    """)
        }
        #expect(leftovers == 0)
        try store.close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: file + "-wal"))) ?? Data()
        for text in names + ["Uniqueschoolname", "zzyzx quokkaname", "Người ký 100"] {
            #expect(bytes.range(of: Data(text.utf8)) == nil, "\(text) still in the database file")
            #expect(wal.range(of: Data(text.utf8)) == nil, "\(text) still in the WAL")
        }
    }

    @Test func erasingOneCertificateKeepsItsCount() async throws {
        let (store, _) = try makeStore()
        let receipt = try await store.record(
            PledgeDraft(name: "Trần Minh", ageBand: .from16To17, province: nil, guardianConsent: false),
            idempotencyKey: try IdempotencyKey("e-1"), kioskID: nil)
        #expect(try await store.erasePersonalData(code: receipt.code))
        let pledge = try #require(try await store.pledge(code: receipt.code))
        #expect(pledge.name == nil)
        #expect(pledge.number == receipt.number)
        #expect(try await store.counts().total == 1)
        #expect(try await store.erasePersonalData(code: CertificateCode.random()) == false)
    }

    /// "Khổng Thị Ửng Huỳnh": a name no other pledge shares, written with escapes (NFC).
    static let rareName = "Kh\u{1ED5}ng Th\u{1ECB} \u{1EEC}ng Hu\u{1EF3}nh"
    static let rareSchool = "Tr\u{01B0}\u{1EDD}ng \u{1EEC}ng Hu\u{1EF3}nh Qu\u{1EA3}ng"

    /// Every form of the rare name the store writes or a keyboard sends: NFC, NFD, the search
    /// and sort keys; and the school.
    static var rareForms: [String] {
        [
            rareName, rareName.decomposedStringWithCanonicalMapping, VietnameseText.searchKey(rareName),
            VietnameseText.sortKey(rareName), rareSchool,
        ]
    }

    /// A store with 40 other named pledges and the rare name; returns the rare pledge's code.
    func storeWithTheRareName(
        walRetryInterval: Duration = .seconds(10)
    ) async throws -> (PledgeStore, String, CertificateCode) {
        let (store, file) = try makeStore(walRetryInterval: walRetryInterval)
        for index in 0..<40 {
            _ = try await store.record(
                PledgeDraft(name: "Người ký \(index)", ageBand: .from16To17, province: nil, guardianConsent: false),
                idempotencyKey: try IdempotencyKey("o-\(index)"), kioskID: nil)
        }
        let receipt = try await store.record(
            PledgeDraft(
                name: Self.rareName, ageBand: .from18To24, province: Province(matching: "Huế"), school: Self.rareSchool,
                guardianConsent: false),
            idempotencyKey: try IdempotencyKey("rare"), kioskID: nil)
        // The scan sees the name before the erasure: an empty result afterwards means something.
        #expect(try DatabaseFiles.leftovers(of: Self.rareForms, database: file).count >= 4)
        return (store, file, receipt.code)
    }

    @Test func erasingOneNameTakesItsBytesOutOfTheFileAndTheWALWithoutVacuum() async throws {
        let (store, file, code) = try await storeWithTheRareName()
        #expect(try await store.erasePersonalData(code: code))
        // While the store is still open, as `kiosk serve` keeps it: the WAL was emptied into the file.
        #expect(try DatabaseFiles.leftovers(of: Self.rareForms, database: file) == [])
        #expect(!(try DatabaseFiles.leftovers(of: ["Người ký 39"], database: file)).isEmpty, "others are kept")
        // Erasing again answers as before; the name is still in neither file (a retry after a 503
        // is the background retry's job: anErasureBlockedByAReader…).
        _ = try await store.record(
            PledgeDraft(name: "Sau Khi Xóa", ageBand: .from16To17, province: nil, guardianConsent: false),
            idempotencyKey: try IdempotencyKey("after"), kioskID: nil)
        #expect(try await store.erasePersonalData(code: code))
        #expect(try DatabaseFiles.leftovers(of: Self.rareForms, database: file) == [])
        try store.close()
        #expect(try DatabaseFiles.leftovers(of: Self.rareForms, database: file) == [])
        let (reopened, _) = try makeStore(file)
        #expect(try await reopened.pledge(code: code)?.name == nil)
        try reopened.close()
    }

    @Test func theErasureWaitsForAReaderOfTheWALInsteadOfLeavingTheName() async throws {
        let (store, file, code) = try await storeWithTheRareName()
        // Another connection (as another process would) in a read transaction on the old snapshot.
        let reader = try await HeldReader(file)
        let finished = Flag()
        let erasure = Task {
            defer { finished.value.store(true, ordering: .sequentiallyConsistent) }
            return try await store.erasePersonalData(code: code)
        }
        // The erasure commits, then its checkpoint waits for the reader.
        let watcher = try DatabaseQueue(path: file)
        while try await watcher.read({
            try String.fetchOne($0, sql: "SELECT name FROM pledge WHERE code = ?", arguments: [code.rawValue])
        }) != nil {
            try await Task.sleep(for: .milliseconds(5))
        }
        let returnedEarly = finished.value.load(ordering: .sequentiallyConsistent)
        #expect(!returnedEarly, "returned while a reader still read the WAL")
        try await reader.letGo()
        #expect(try await erasure.value)
        #expect(try DatabaseFiles.leftovers(of: Self.rareForms, database: file) == [])
        try watcher.close()
        try store.close()
    }

    /// Issue 11 (breaker): erasing a name already erased made the writer wait on readers each
    /// time, and every pledge behind it; with its WAL emptied then, a repeat does nothing more.
    @Test func aRepeatedErasureDoesNotWaitOnReaders() async throws {
        let (store, file, code) = try await storeWithTheRareName()
        #expect(try await store.erasePersonalData(code: code))
        let reader = try await HeldReader(file)
        // A write after the reader's snapshot: the WAL cannot be emptied while the reader needs it.
        _ = try await store.record(
            PledgeDraft(name: nil, ageBand: .from16To17, province: nil, guardianConsent: false),
            idempotencyKey: try IdempotencyKey("late"), kioskID: nil)
        #expect(try await store.erasePersonalData(code: code), "answered without a checkpoint")
        #expect(!store.walRetry.isPending)
        try await reader.letGo()
        try store.close()
    }

    @Test func aReaderThatNeverLetsGoIsReportedNotIgnored() async throws {
        let (store, file, _) = try await storeWithTheRareName()
        let reader = try await HeldReader(file)
        // A write after the reader's snapshot: the WAL cannot be emptied while the reader needs it.
        _ = try await store.record(
            PledgeDraft(name: nil, ageBand: .from16To17, province: nil, guardianConsent: false),
            idempotencyKey: try IdempotencyKey("late"), kioskID: nil)
        // One try: the busy timeout (5 s) runs out, and the pragma's busy flag says so.
        await #expect(throws: StoreError.self) {
            try await store.pool.writeWithoutTransaction { db in try PledgeStore.emptyWAL(db, attempts: 1) }
        }
        try await reader.letGo()
        try await store.pool.writeWithoutTransaction { db in try PledgeStore.emptyWAL(db, attempts: 1) }
        try store.close()
    }

    /// Issue 11: after a 503 (readers kept the WAL busy) the name stayed in the `-wal` even once
    /// the reader let go, since nothing checkpointed again.
    @Test func anErasureBlockedByAReaderIsCompletedInTheBackgroundOnceTheReaderLetsGo() async throws {
        let (store, file, code) = try await storeWithTheRareName(walRetryInterval: .milliseconds(50))
        #expect(!store.walRetry.isPending, "no retry while nothing is pending")
        let reader = try await HeldReader(file)
        // The erasure commits; its checkpoints run out of time behind the reader (the route's 503).
        await #expect(throws: PledgeError.self) { try await store.erasePersonalData(code: code) }
        #expect(try await store.pledge(code: code)?.name == nil)
        #expect(!(try DatabaseFiles.leftovers(of: Self.rareForms, database: file)).isEmpty, "the name lingers")
        #expect(store.walRetry.isPending)
        try await reader.letGo()
        // No request, no close: the store's own retry empties the WAL once the reader is gone.
        let deadline = ContinuousClock.now + .seconds(60)
        var left = try DatabaseFiles.leftovers(of: Self.rareForms, database: file)
        while !left.isEmpty && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            left = try DatabaseFiles.leftovers(of: Self.rareForms, database: file)
        }
        #expect(left == [])
        while store.walRetry.isPending && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(!store.walRetry.isPending, "the retry stops once the WAL is empty")
        #expect(!(try DatabaseFiles.leftovers(of: ["Người ký 39"], database: file)).isEmpty, "others are kept")
        try store.close()
    }

    @Test func newestPledgeDateIsTheLatestPledgeOfAnyEvent() async throws {
        let (store, file) = try makeStore()
        #expect(try await store.newestPledgeDate() == nil)
        var latest = Date.distantPast
        for index in 0..<3 {
            let receipt = try await store.record(
                PledgeDraft(name: nil, ageBand: .from16To17, province: nil, guardianConsent: false),
                idempotencyKey: try IdempotencyKey("n-\(index)"), kioskID: "k-\(index)")
            latest = max(latest, try #require(try await store.pledge(code: receipt.code)).createdAt)
        }
        let newest = try #require(try await store.newestPledgeDate())
        #expect(abs(newest.timeIntervalSince(latest)) < 0.002)
        try store.close()
        let (other, _) = try makeStore(file, event: "other-event")
        #expect(try await other.newestPledgeDate() == newest)
        try other.close()
    }

    @Test func findIgnoresCaseAndDiacriticsAndSortsInVietnameseOrder() async throws {
        let (store, _) = try makeStore()
        let names = ["Đỗ Đức Đạt", "Lê Văn Đạt", "Nguyễn Dạt", "Trần Đạt Anh", "Phạm Thị Dung", "Đặng Văn Lâm"]
        for (index, name) in names.enumerated() {
            _ = try await store.record(
                PledgeDraft(name: name, ageBand: .from18To24, province: nil, guardianConsent: false),
                idempotencyKey: try IdempotencyKey("f-\(index)"), kioskID: nil)
        }
        #expect(try await store.find("do duc dat").map(\.name) == ["Đỗ Đức Đạt"])
        #expect(try await store.find("ĐỖ ĐỨC").map(\.name) == ["Đỗ Đức Đạt"])
        // Given name first ("Anh" < "Dạt" < "Đạt"), then the whole name; d before đ.
        #expect(
            try await store.find("dat").map(\.name) == ["Trần Đạt Anh", "Nguyễn Dạt", "Đỗ Đức Đạt", "Lê Văn Đạt"])
        #expect(try await store.find("   ").isEmpty)
    }
}

final class Flag: Sendable {
    let value = Atomic(false)
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}

/// Another connection (as another process would be) in a read transaction on the snapshot it
/// started with, until ``letGo()``: what keeps a WAL checkpoint from completing.
struct HeldReader {
    let queue: DatabaseQueue
    let release = DispatchSemaphore(value: 0)
    let held: Task<Void, any Error>

    /// Returns once the read transaction has begun.
    init(_ file: String) async throws {
        let queue = try DatabaseQueue(path: file)
        let (reading, started) = AsyncStream.makeStream(of: Void.self)
        let release = release
        self.queue = queue
        held = Task {
            try await offPool {
                try queue.read { db in
                    _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM pledge")
                    started.yield()
                    release.wait()
                }
            }
        }
        for await _ in reading { break }
    }

    /// Ends the read transaction and closes the connection.
    func letGo() async throws {
        release.signal()
        try await held.value
        try queue.close()
    }
}
