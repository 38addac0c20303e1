import Foundation
import KioskTestSupport
import PledgeKit
import Testing

@testable import PledgeStore

@Suite("Change stamp: the same while nothing is committed, new after any commit")
struct ChangeStampTests {
    func record(_ store: PledgeStore, _ key: String) async throws -> Pledge {
        let receipt = try await store.record(
            PledgeDraft(name: "Trần Minh Thư", ageBand: .from16To17, province: nil, school: nil, guardianConsent: true),
            idempotencyKey: try IdempotencyKey(key), kioskID: nil)
        return try #require(try await store.pledge(code: receipt.code))
    }

    @Test func readsKeepItAndCommitsByThisProcessOrAnotherChangeIt() async throws {
        let (store, file) = try makeStore()
        let pledge = try await record(store, "a")
        let first = try #require(store.changeStamp())
        _ = try await store.pledge(code: pledge.code)
        _ = try await store.counts()
        #expect(store.changeStamp() == first)

        _ = try await record(store, "b")
        let afterPledge = try #require(store.changeStamp())
        #expect(afterPledge != first)

        #expect(try await store.erasePersonalData(code: pledge.code))
        let afterErasure = try #require(store.changeStamp())
        #expect(afterErasure != afterPledge)

        // Another process, as `kiosk erase` would be: the sqlite3 tool on the same file.
        let result = try ProcessRunner.run(
            "sqlite3", [file, "UPDATE pledge SET school = 'Trường THPT Lê Lợi' WHERE code = '\(pledge.code.rawValue)'"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(store.changeStamp() != afterErasure)
    }
}
