import Foundation
import GRDB
import KioskTestSupport
import PledgeKit
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

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
