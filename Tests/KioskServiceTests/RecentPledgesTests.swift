import Foundation
import KioskTestSupport
import PledgeKit
import PledgeStore
import Testing

@testable import CertificateWeb
@testable import KioskService

@Suite("Recent pledges: a copy is used only until the store's next commit")
struct RecentPledgesTests {
    func store() throws -> PledgeStore {
        let file = temporaryDirectory("recent").appendingPathComponent("pledges.sqlite").path
        return try PledgeStore(
            path: file, eventID: "test-event", defaultKioskID: "kiosk-test",
            links: try CertificateLinks(baseURL: "http://kiosk.example.vn"))
    }

    func record(_ store: PledgeStore, _ name: String, _ key: String) async throws -> CertificateCode {
        try await store.record(
            PledgeDraft(name: name, ageBand: .from18To24, province: nil, school: nil, guardianConsent: false),
            idempotencyKey: try IdempotencyKey(key), kioskID: nil
        ).code
    }

    @Test func keptUntilACommitThenReadAgainWithTheErasure() async throws {
        let store = try store()
        let code = try await record(store, "Phạm Quốc Khánh", "k-1")
        let other = try await record(store, "Lê Thị Ngọc Ẩn", "k-2")
        let recent = RecentPledges()

        #expect(try await recent.pledge(code: code, from: store, stamps: store)?.name == "Phạm Quốc Khánh")
        #expect(try await recent.pledge(code: other, from: store, stamps: store)?.name == "Lê Thị Ngọc Ẩn")
        #expect(recent.count == 2)
        // Not found is never kept: probing fills nothing.
        #expect(try await recent.pledge(code: CertificateCode.random(), from: store, stamps: store) == nil)
        #expect(recent.count == 2)

        // Any commit ends every copy; the next read sees the erased name.
        #expect(try await store.erasePersonalData(code: code))
        let erased = try await recent.pledge(code: code, from: store, stamps: store)
        #expect(erased != nil && erased?.name == nil)
        #expect(recent.count == 1)
    }

    @Test func aServiceWithoutAStampIsAlwaysRead() async throws {
        let store = try store()
        let code = try await record(store, "Đỗ Hữu Nghĩa", "k-1")
        let recent = RecentPledges()
        #expect(try await recent.pledge(code: code, from: store, stamps: nil)?.name == "Đỗ Hữu Nghĩa")
        #expect(recent.count == 0)
    }

    /// A page's cache key is the pledge's name and school written out, not a hash of them: an
    /// erased name is another key, and two names never share one.
    @Test func aPageKeyHoldsTheNameAndSchool() async throws {
        let store = try store()
        let code = try await record(store, "Trần Minh Châu", "k-1")
        let named = try #require(try await store.pledge(code: code))
        #expect(CertificateRoutes.pageKey(named) == CertificateRoutes.pageKey(named))
        #expect(CertificateRoutes.pageKey(named).hasPrefix("\(code.rawValue)/"))
        var renamed = named
        renamed.name = "Trần Minh Chau"
        #expect(CertificateRoutes.pageKey(renamed) != CertificateRoutes.pageKey(named))
        #expect(try await store.erasePersonalData(code: code))
        let erased = try #require(try await store.pledge(code: code))
        #expect(CertificateRoutes.pageKey(erased) != CertificateRoutes.pageKey(named))
        #expect(!CertificateRoutes.pageKey(erased).contains("Trần"))
    }
}
