import HubCore
import HubStore
import HubTestSupport
import KioskTestSupport
import Logging
import PledgeKit
import Testing

/// A certificate read on a database that accepts connections but does not answer (its pledge table
/// locked by another transaction, as on a frozen server): the read fails at its deadline, and the
/// next one, once the database answers again, is read on a connection of its own (the frozen read's
/// connection is closed when ReadBatcher's watchdog cancels it).
@Suite("Certificate reads on a frozen database")
struct HubFrozenCertificateReadTests {
    @Test func aFrozenReadFailsAtItsDeadlineAndTheNextOneIsRead() async throws {
        try await TestPostgres.withDatabase { database in
            var configuration = try HubStoreConfiguration(url: database.url, environment: [:])
            // Only bounds the test: the lock holds the read to its deadline.
            configuration.deadline = .seconds(1)
            try await withHubStore(configuration, logger: Logger(label: "hub-frozen-read-test")) { store in
                let pledges = try await HubOrganizerTests.lock("hub_pledge", in: database)
                let error = await #expect(throws: HubError.self) {
                    try await store.certificate(code: CertificateCode.random())
                }
                try await HubOrganizerTests.release(pledges, in: database)
                #expect(error?.kind == .unavailable)
                #expect(error?.message.en == "The hub's database did not answer in time. Please try again later.")
                // Thawed: the next read is answered (no such code).
                #expect(try await store.certificate(code: CertificateCode.random()) == nil)
            }
        }
    }
}
