import Foundation
import HTTPTypes
import HubCore
import HubService
import HubStore
import HubTestSupport
import Hummingbird
import HummingbirdTesting
import KioskTestSupport
import Logging
import NIOCore
import PledgeExport
import PledgeKit
import Synchronization
import Testing

extension HubOrganizerTests {
    /// The store's organizer records, the calls of the audit write counted (attempts, whether
    /// they go through or not): how a test tells one deadline from two without timing them.
    final class CountedAudit: HubOrganizerRecords {
        let store: HubStore
        let auditWrites = Mutex(0)

        init(store: HubStore) { self.store = store }

        func recordAudit(_ entry: HubAuditEntry) async throws(HubError) {
            auditWrites.withLock { $0 += 1 }
            try await store.recordAudit(entry)
        }

        func addOrganizer(name: String, scope: OrganizerScope, tokenHash: String) async throws(HubError)
            -> HubOrganizer
        { try await store.addOrganizer(name: name, scope: scope, tokenHash: tokenHash) }
        func organizers() async throws(HubError) -> [HubOrganizer] { try await store.organizers() }
        func revokeOrganizer(id: Int, at date: Date) async throws(HubError) -> Bool {
            try await store.revokeOrganizer(id: id, at: date)
        }
        func organizer(tokenHash: String) async throws(HubError) -> HubOrganizer? {
            try await store.organizer(tokenHash: tokenHash)
        }
        func auditEntries(limit: Int) async throws(HubError) -> [HubAuditEntry] {
            try await store.auditEntries(limit: limit)
        }
        func province(ofEvent id: EventID) async throws(HubError) -> Province? {
            try await store.province(ofEvent: id)
        }
        func breakdown(by dimensions: [CountDimension], scope: OrganizerScope) async throws(HubError) -> Breakdown {
            try await store.breakdown(by: dimensions, scope: scope)
        }
        func eventStatuses(scope: OrganizerScope) async throws(HubError) -> [HubEventStatus] {
            try await store.eventStatuses(scope: scope)
        }
        func exportRows(scope: OrganizerScope) -> any ExportRows { store.exportRows(scope: scope) }
    }

    /// A transaction of another connection holding `table` locked (ACCESS EXCLUSIVE): every
    /// statement of the hub that reads or writes it waits, as on a frozen server. Returns once the
    /// lock is granted; ``release(_:)`` ends it.
    static func lock(_ table: String, in database: TestPostgres) async throws -> SpawnedProcess {
        let holder = SpawnedProcess()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = [
            "psql", "-X", "-q", "-c", "BEGIN; LOCK TABLE \(table) IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(3600);",
        ]
        var environment = database.environment
        environment["PGAPPNAME"] = "kiosk-test-lock"
        holder.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        holder.standardOutput = FileHandle.nullDevice
        try ProcessRunner.launch(holder)
        try await waitUntil("the lock on \(table)") {
            try await database.psql(
                """
                SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                WHERE c.relname = '\(table)' AND l.mode = 'AccessExclusiveLock' AND l.granted
                """) == "1"
        }
        return holder
    }

    static func release(_ holder: SpawnedProcess, in database: TestPostgres) async throws {
        try await database.psql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'kiosk-test-lock'")
        holder.waitUntilExit()
    }

    @Test("A frozen database costs one deadline: authentication's timeout is 503 at once, no wait for the audit row")
    func frozenDatabaseOneDeadline() async throws {
        try await TestPostgres.withDatabase { database in
            var configuration = try HubStoreConfiguration(url: database.url, environment: [:])
            // Only bounds the test: the lock holds every call to its deadline.
            configuration.deadline = .seconds(1)
            try await withHubStore(configuration, logger: Logger(label: "hub-frozen-test")) { store in
                let national = try await Self.add("national", to: store)
                let audit = CountedAudit(store: store)
                var parts = try TestHubService.parts(store)
                parts.organizers = audit
                try await Application(router: buildHubRouter(parts)).test(.router) { client in
                    let calls = Calls()
                    // Authentication's read waits its deadline: 503 with no second wait, the
                    // audit write never tried (it would have gone through: its table is free).
                    let organizers = try await Self.lock("hub_organizer", in: database)
                    let frozen = try await Self.get(
                        client, "/api/organizer/counts", token: national.token, calls: calls, organizer: nil)
                    try await Self.release(organizers, in: database)
                    #expect(frozen.status == .serviceUnavailable)
                    #expect(frozen.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                    #expect(audit.auditWrites.withLock { $0 } == 0)
                    #expect(try await store.auditEntries(limit: 10).isEmpty)

                    // The audit write frozen: still no data without its row, a 503.
                    let auditLock = try await Self.lock("hub_audit", in: database)
                    let unaudited = try await Self.get(
                        client, "/api/organizer/counts", token: national.token, calls: calls, organizer: national.id)
                    try await Self.release(auditLock, in: database)
                    #expect(unaudited.status == .serviceUnavailable)
                    // One try (its deadline), not a second after the first failed.
                    #expect(audit.auditWrites.withLock { $0 } == 1)
                    #expect(!String(buffer: unaudited.body).contains("buckets"))

                    // Thawed: answered and audited.
                    let answered = try await Self.get(
                        client, "/api/organizer/counts", token: national.token, calls: calls, organizer: national.id)
                    #expect(answered.status == .ok)
                    #expect(try await store.auditEntries(limit: 10).map(\.status) == [200])
                    #expect(audit.auditWrites.withLock { $0 } == 2)
                }
            }
        }
    }
}
