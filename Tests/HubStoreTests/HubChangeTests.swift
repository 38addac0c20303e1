import Foundation
import HubCore
import KioskAPI
import KioskTestSupport
import Logging
import PledgeKit
import Testing

@testable import HubStore

/// The change stamp across hub processes: two stores on one database stand for two `kiosk hub
/// serve` processes; each listens for the other's changes.
@Suite struct HubChangeTests {
    /// Runs `body` with two stores on one fresh database, both listening (their stamps set).
    static func withTwoStores(
        retryDelay: Duration = .milliseconds(100), _ body: (HubStore, HubStore, TestPostgres) async throws -> Void
    ) async throws {
        try await TestPostgres.withDatabase { database in
            var configuration = try database.hubConfiguration()
            configuration.changeRetryDelay = retryDelay
            try await withHubStore(configuration, logger: Logger(label: "hub-a"), listen: true) { a in
                try await withHubStore(configuration, logger: Logger(label: "hub-b"), migrate: false, listen: true) {
                    b in
                    try await waitUntil { a.changeStamp() != nil && b.changeStamp() != nil }
                    try await body(a, b, database)
                }
            }
        }
    }

    @Test(
        "Erasures (at the hub, in a batch), purges and an event's edit in one process move the other's stamp once each; new pledges do not"
    )
    func changesInOneProcessMoveTheOthersStamp() async throws {
        try await Self.withTwoStores { a, b, database in
            let event = Fixtures.event()
            try await Fixtures.register(event, in: a)
            let rows = (1...3).map { Fixtures.pledge($0) }
            _ = try await a.apply(Fixtures.batch(rows), from: event)

            // Each change is followed by the next, whose notification comes after its own (they
            // are delivered in commit order): a change that notified nothing leaves the stamp one short.
            var stamp = try #require(b.changeStamp())
            func expectOneChange(_ what: Comment, _ change: () async throws -> Void) async throws {
                try await change()
                try await waitUntil { b.changeStamp() != stamp }
                #expect(b.changeStamp() == stamp + 1, what)
                stamp = try #require(b.changeStamp())
            }
            try await expectOneChange("new pledges, then an erasure at the hub") {
                _ = try await a.apply(Fixtures.batch([Fixtures.pledge(4)]), from: event)
                #expect(try await a.erase(code: rows[0].code, at: Fixtures.start))
            }
            try await expectOneChange("an erasure at the hub of an erased name, then one from the event") {
                #expect(try await a.erase(code: rows[0].code, at: Fixtures.start))
                _ = try await a.apply(Fixtures.batch([Fixtures.erasure(5, code: rows[1].code.rawValue)]), from: event)
            }
            try await expectOneChange("the event's retention limit edited by hand") {
                try await database.psql("UPDATE hub_event SET retain_until = '2025-01-01' WHERE id = '\(event.id)'")
            }
            try await expectOneChange("a purge that blanks nothing, then one that blanks the last name") {
                _ = try await a.apply(Fixtures.batch([Fixtures.purge(6, beforeMinute: -60)]), from: event)
                #expect(try await a.purgeExpired(at: Date()) == 2)
            }
            // The name is gone in B too.
            #expect(try await b.pledge(code: rows[2].code)?.name == nil)
        }
    }

    @Test("This process's own erasure moves its stamp before it returns, without waiting for the notification")
    func ownErasureMovesTheStampAtOnce() async throws {
        try await Self.withTwoStores { a, _, _ in
            let event = Fixtures.event()
            try await Fixtures.register(event, in: a)
            let row = Fixtures.pledge(1)
            _ = try await a.apply(Fixtures.batch([row]), from: event)
            let before = try #require(a.changeStamp())
            #expect(try await a.erase(code: row.code, at: Fixtures.start))
            #expect(try #require(a.changeStamp()) > before)
        }
    }

    @Test("A killed LISTEN connection: no stamp until it is connected again, then a new one")
    func aKilledListenConnectionComesBackWithANewStamp() async throws {
        try await Self.withTwoStores { a, b, database in
            let before = try #require(b.changeStamp())
            let killed = try await database.number(
                """
                SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = '\(HubStore.changeApplicationName)'
                """)
            #expect(killed == 2)
            try await waitUntil { (b.changeStamp() ?? before) > before }
            // Listening again: B hears A's next change.
            let stamp = try #require(b.changeStamp())
            let event = Fixtures.event()
            try await Fixtures.register(event, in: a)
            let row = Fixtures.pledge(1)
            _ = try await a.apply(Fixtures.batch([row]), from: event)
            #expect(try await a.erase(code: row.code, at: Fixtures.start))
            try await waitUntil { b.changeStamp() != stamp }
        }
    }

    @Test("While the LISTEN connection is down the stamp is nil")
    func noStampWhileDown() async throws {
        try await Self.withTwoStores(retryDelay: .seconds(3600)) { _, b, database in
            _ = try await database.psql(
                """
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = '\(HubStore.changeApplicationName)'
                """)
            try await waitUntil { b.changeStamp() == nil }
        }
    }
}
