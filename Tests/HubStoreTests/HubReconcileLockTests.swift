import Foundation
import HubCore
import KioskTestSupport
import PledgeKit
import PostgresNIO
import Testing

@testable import HubStore

extension HubStoreSchemaTests {
    /// A reconciliation runs under a session advisory lock: while another session (another hub
    /// process) holds it, a reconciliation does nothing and says so (nil); once released, it runs.
    @Test func reconciliationsNeverRunAtOnce() async throws {
        try await withTestStore { store, _ in
            let held = try await store.call("hold the reconciliation lock") { connection in
                try await HubStore.execute(
                    "SELECT pg_advisory_lock(\(HubStore.reconcileLock))", on: connection, logger: store.logger)
                let meanwhile = try await store.reconcile(repair: true)
                try await HubStore.execute(
                    "SELECT pg_advisory_unlock(\(HubStore.reconcileLock))", on: connection, logger: store.logger)
                return meanwhile
            }
            #expect(held == nil)
            #expect(try await store.reconcile(repair: false) == HubReconciliation(drift: [], repaired: false, keys: 0))
        }
    }
}
