import Foundation
import HTTPTypes
import HubCore
import HubService
import Hummingbird
import HummingbirdTesting
import KioskAPI
import KioskTestSupport
import Logging
import PledgeKit
import Synchronization
import Testing

@testable import HubStore

/// Certificate pages at the hub keep the pledges they read while nothing at the hub changed
/// (`HubStore.changeStamp()`), across hub processes: two stores on one database stand for two
/// `kiosk hub serve` processes.
@Suite("Hub page cache")
struct HubPageCacheTests {
    /// Runs `body` with two listening stores on one fresh database and their routers; B's reads
    /// of certificates are counted.
    static func withTwoHubs(
        retryDelay: Duration = .milliseconds(100),
        _ body: (_ a: HubFixture, _ b: HubFixture, _ bReads: CountingRecords, TestPostgres) async throws -> Void
    ) async throws {
        try await TestPostgres.withDatabase { database in
            var configuration = try HubStoreConfiguration(url: database.url, environment: [:])
            configuration.changeRetryDelay = retryDelay
            try await withHubStore(configuration, logger: Logger(label: "hub-a"), listen: true) { a in
                try await withHubStore(configuration, logger: Logger(label: "hub-b"), migrate: false, listen: true) {
                    b in
                    let counting = CountingRecords(b)
                    try await waitUntil { a.changeStamp() != nil && b.changeStamp() != nil }
                    try await body(
                        HubFixture(store: a, router: try HubFixture.router(a)),
                        HubFixture(store: b, router: try HubFixture.router(b, records: counting)), counting, database)
                }
            }
        }
    }

    @Test("A page, its QR and the page again read the pledge once while nothing changed; new pledges change nothing")
    func aPageReadsItsPledgeOnce() async throws {
        try await Self.withTwoHubs { a, b, reads, _ in
            let token = try await a.addEvent("hue-2026", name: "Ngày hội Huế")
            let row = HubFixture.pledgeRow(1, token: token, number: 1, name: "Võ Minh Khang")
            let code = try #require(row.pledge?.code)
            try await Application(router: a.router).test(.router) { (client) async throws in
                #expect(
                    try await HubFixture.post(
                        client, SyncBatch(event: "hue-2026", rows: [row], erasuresSeen: 0), token: token
                    ).status == .ok)
            }
            try await Application(router: b.router).test(.router) { (client) async throws in
                #expect(String(buffer: try await HubFixture.get(client, "/c/\(code)").body).contains("Võ Minh Khang"))
                #expect(try await HubFixture.get(client, "/c/\(code)/qr.png", html: false).status == .ok)
                #expect(try await HubFixture.get(client, "/c/\(code)").status == .ok)
                #expect(reads.certificates == 1)
            }
            // More pledges arrive (at A): B's copy stays good.
            let more = HubFixture.pledgeRow(2, token: token, number: 2, name: "Lê Thị Hoa")
            try await Application(router: a.router).test(.router) { (client) async throws in
                #expect(
                    try await HubFixture.post(
                        client, SyncBatch(event: "hue-2026", rows: [more], erasuresSeen: 0), token: token
                    ).status == .ok)
            }
            try await Application(router: b.router).test(.router) { (client) async throws in
                #expect(try await HubFixture.get(client, "/c/\(code)").status == .ok)
                #expect(reads.certificates == 1)
                #expect(
                    String(buffer: try await HubFixture.get(client, "/c/\(try #require(more.pledge?.code))").body)
                        .contains("Lê Thị Hoa"))
                #expect(reads.certificates == 2)
            }
        }
    }

    @Test("A name erased through one hub process is gone from the other's page once it is notified")
    func anErasureAtOneHubReachesTheOthersPages() async throws {
        try await Self.withTwoHubs { a, b, reads, _ in
            let token = try await a.addEvent("hue-2026", name: "Ngày hội Huế")
            let row = HubFixture.pledgeRow(1, token: token, number: 1, name: "Võ Minh Khang")
            let code = try #require(row.pledge?.code)
            try await Application(router: a.router).test(.router) { (client) async throws in
                #expect(
                    try await HubFixture.post(
                        client, SyncBatch(event: "hue-2026", rows: [row], erasuresSeen: 0), token: token
                    ).status == .ok)
            }
            try await Application(router: b.router).test(.router) { (client) async throws in
                #expect(String(buffer: try await HubFixture.get(client, "/c/\(code)").body).contains("Võ Minh Khang"))
            }
            let stamp = try #require(b.store.changeStamp())
            try await Application(router: a.router).test(.router) { (client) async throws in
                let erased = try await client.executeRequest(
                    uri: "/c/\(code)/erase", method: .post, headers: [:], body: nil)
                #expect(erased.status == .seeOther)
            }
            try await waitUntil { b.store.changeStamp() != stamp }
            try await Application(router: b.router).test(.router) { (client) async throws in
                let page = String(buffer: try await HubFixture.get(client, "/c/\(code)").body)
                #expect(!page.contains("Võ Minh Khang"))
                #expect(page.contains("Người ký ẩn danh"))
            }
            #expect(reads.certificates == 2)
        }
    }

    @Test("While its LISTEN connection is down, a hub reads the pledge on every request")
    func withoutNotificationsEveryRequestReads() async throws {
        try await Self.withTwoHubs(retryDelay: .seconds(3600)) { a, b, reads, database in
            let token = try await a.addEvent("hue-2026", name: "Ngày hội Huế")
            let row = HubFixture.pledgeRow(1, token: token, number: 1, name: "Võ Minh Khang")
            let code = try #require(row.pledge?.code)
            try await Application(router: a.router).test(.router) { (client) async throws in
                #expect(
                    try await HubFixture.post(
                        client, SyncBatch(event: "hue-2026", rows: [row], erasuresSeen: 0), token: token
                    ).status == .ok)
            }
            _ = try await database.psql(
                """
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = '\(HubStore.changeApplicationName)'
                """)
            try await waitUntil { b.store.changeStamp() == nil }
            try await Application(router: b.router).test(.router) { (client) async throws in
                for _ in 1...3 { #expect(try await HubFixture.get(client, "/c/\(code)").status == .ok) }
            }
            #expect(reads.certificates == 3)
        }
    }
}

/// The hub's store, counting the certificates read through it (every other call passes through).
final class CountingRecords: HubRecords {
    let store: HubStore
    private let count = Mutex(0)

    init(_ store: HubStore) { self.store = store }

    /// How many certificates were read.
    var certificates: Int { count.withLock { $0 } }

    func certificate(code: CertificateCode) async throws(HubError) -> Pledge? {
        count.withLock { $0 += 1 }
        return try await store.certificate(code: code)
    }

    func pledge(code: CertificateCode) async throws(PledgeError) -> Pledge? { try await store.pledge(code: code) }
    func addEvent(_ event: HubEvent, tokenHash: String) async throws(HubError) {
        try await store.addEvent(event, tokenHash: tokenHash)
    }
    func event(tokenHash: String) async throws(HubError) -> HubEvent? { try await store.event(tokenHash: tokenHash) }
    func event(id: EventID) async throws(HubError) -> HubEvent? { try await store.event(id: id) }
    func event(codeTag: String) async throws(HubError) -> HubEvent? { try await store.event(codeTag: codeTag) }
    func apply(_ batch: SyncBatch, from event: HubEvent) async throws(HubError) -> SyncApplied {
        try await store.apply(batch, from: event)
    }
    func counts(event: EventID?) async throws(HubError) -> PledgeCounts { try await store.counts(event: event) }
    func tally(by dimensions: [CountDimension], event: EventID?, withholding: Bool) async throws(HubError) -> HubTally {
        try await store.tally(by: dimensions, event: event, withholding: withholding)
    }

    func nationalTotals() async throws(HubError) -> NationalTotals { try await store.nationalTotals() }
    func erase(code: CertificateCode, at date: Date) async throws(HubError) -> Bool {
        try await store.erase(code: code, at: date)
    }
    func purgeExpired(at date: Date) async throws(HubError) -> Int { try await store.purgeExpired(at: date) }
}
