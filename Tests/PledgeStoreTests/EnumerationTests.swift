import Foundation
import GRDB
import KioskTestSupport
import PledgeKit
import Testing

@testable import PledgeStore

@Suite("Certificate codes cannot be enumerated")
struct EnumerationTests {
    /// 100,000 random codes against 10,000 pledges find none: 80 random bits per code make the
    /// chance of one hit about 10^4 · 10^5 / 2^80 ≈ 8 · 10^-16.
    @Test func hundredThousandRandomProbesFindNone() async throws {
        let (store, _) = try makeStore()
        let eventID = store.eventID
        try await store.pool.write { db in
            for index in 0..<10_000 {
                _ = try PledgeStore.insert(
                    PledgeDraft(name: nil, ageBand: .from18To24, province: nil, guardianConsent: false),
                    key: try IdempotencyKey("e-\(index)"), eventID: eventID, kioskID: "k", in: db)
            }
        }
        #expect(try await store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM pledge") } == 10_000)
        // The same parse and lookup as `GET /c/{code}`, in batches of 10,000 per read.
        var generator = SystemRandomNumberGenerator()
        var found = 0
        for _ in 0..<10 {
            let probes = (0..<10_000).map { _ in CertificateCode.random(using: &generator).rawValue }
            found += try await store.pool.read { db in
                let statement = try db.cachedStatement(sql: "SELECT count(*) FROM pledge WHERE code = ?")
                var hits = 0
                for probe in probes {
                    guard let code = CertificateCode(parsing: probe) else { continue }
                    hits += try Int.fetchOne(statement, arguments: [code.rawValue]) ?? 0
                }
                return hits
            }
        }
        #expect(found == 0)
        // A stored code is found by the same lookup, so the probes did test something.
        let stored = try await store.pool.read { try String.fetchOne($0, sql: "SELECT code FROM pledge LIMIT 1") }
        let code = try #require(stored.flatMap(CertificateCode.init(parsing:)))
        #expect(try await store.pledge(code: code) != nil)
    }
}
