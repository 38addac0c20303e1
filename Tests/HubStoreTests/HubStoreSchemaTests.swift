import Foundation
import HubCore
import KioskTestSupport
import Logging
import PledgeKit
import PostgresNIO
import ServiceLifecycle
import Testing

@testable import HubStore

/// The hub's schema: forward-only migrations under an advisory lock, what it keeps (no school,
/// no search keys), the settings every connection has.
@Suite struct HubStoreSchemaTests {
    @Test func migrationsApplyOnceAndASecondRunChangesNothing() async throws {
        try await withTestStore { store, database in
            // withHubStore migrated already: a second run finds nothing to do.
            let again = try await store.migrate()
            #expect(again == [])
            #expect(try await database.number("SELECT count(*) FROM schema_migrations") == HubStore.migrations.count)
        }
    }

    @Test func hubsMigratingAtOnceApplyEachStepOnce() async throws {
        try await TestPostgres.withDatabase { database in
            let configuration = try database.hubConfiguration()
            let logger = Logger(label: "hub-store-test")
            // Four hubs start on one new database at the same moment.
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await withHubStore(configuration, logger: logger, migrate: false) { store in
                            try await store.migrate()
                        }
                    }
                }
                return try await group.reduce(into: [[Int]]()) { $0.append($1) }
            }
            #expect(applied.filter { !$0.isEmpty } == [HubStore.migrations.map(\.version)])
            #expect(try await database.number("SELECT count(*) FROM schema_migrations") == HubStore.migrations.count)
        }
    }

    @Test func aSchemaNewerThanTheHubIsRefused() async throws {
        try await withTestStore { store, database in
            try await database.psql("INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')")
            let error = await #expect(throws: HubError.self) { try await store.migrate() }
            #expect(error?.kind == .misconfigured)
            #expect(error?.message.en.contains("999") == true)
        }
    }

    @Test func pledgesAreStoredWithoutSchoolOrSearchKeys() async throws {
        try await withTestStore { _, database in
            let columns = try await database.psql(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'hub_pledge' ORDER BY 1")
            #expect(!columns.contains("school"))
            #expect(!columns.contains("search"))
            #expect(!columns.contains("key"))
        }
    }

    @Test func everyConnectionCommitsSynchronously() async throws {
        try await withTestStore(deadline: .seconds(90)) { store, _ in
            let logger = Logger(label: "hub-store-test")
            let settings = try await store.call("read settings") { connection in
                try await HubStore.rows(
                    "SELECT current_setting('synchronous_commit'), current_setting('statement_timeout')",
                    on: connection, logger: logger
                ).first!.decode((String, String).self)
            }
            #expect(settings.0 == "on")
            #expect(settings.1 == "90s")
        }
    }

    @Test func eventsAreRegisteredOncePerIdAndCodeTag() async throws {
        try await withTestStore { store, _ in
            let event = Fixtures.event()
            try await Fixtures.register(event, in: store)
            #expect(try await store.event(id: event.id) == event)
            #expect(try await store.event(codeTag: event.codeTag) == event)
            #expect(try await store.event(tokenHash: "hash-of-\(event.id)") == event)
            #expect(try await store.event(tokenHash: "another") == nil)

            let again = await #expect(throws: HubError.self) {
                try await store.addEvent(event, tokenHash: "other-hash")
            }
            #expect(again?.kind == .eventExists)
            let sameTag = await #expect(throws: HubError.self) {
                try await store.addEvent(Fixtures.event("da-nang", tag: event.codeTag), tokenHash: "third-hash")
            }
            #expect(sameTag?.kind == .codeTagTaken)
            let retained = Fixtures.event("hue", tag: "HE27", retainUntil: CivilDate(year: 2027, month: 6, day: 30))
            try await Fixtures.register(retained, in: store)
            #expect(try await store.event(id: retained.id) == retained)
        }
    }
}

/// The store as the hub service runs it: a service of a ServiceGroup (Hummingbird's `services:`).
@Suite struct HubStoreServiceTests {
    @Test func theStoreServesWhileItsServiceGroupRunsAndStopsAtShutdown() async throws {
        try await TestPostgres.withDatabase { database in
            let configuration = try database.hubConfiguration()
            let logger = Logger(label: "hub-store-test")
            let store = HubStore(configuration: configuration, logger: logger)
            let group = ServiceGroup(configuration: .init(services: [store], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await store.prepare()
                let event = Fixtures.event()
                try await Fixtures.register(event, in: store)
                #expect(try await store.apply(Fixtures.batch([Fixtures.pledge(1)]), from: event).acknowledged == 1)
                await group.triggerGracefulShutdown()
                // The group ends once the pool has closed: run() returned.
                try await tasks.waitForAll()
            }
        }
    }
}
