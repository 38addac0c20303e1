import Foundation
import KioskTestSupport
import Testing

/// One service per database: a second `kiosk serve` on the database of a running one, on another
/// port, is refused before it writes or sends anything (breaker: with `--port 0` both ran, and their
/// hub relays, purges and backups raced over the same rows). Real `kiosk` processes.
@Suite("One service per database")
struct OneServicePerDatabaseTests {
    @Test func aSecondServiceOnTheSameDatabaseIsRefusedAndOneAfterTheFirstStarts() throws {
        let database = temporaryDirectory("one-service").appendingPathComponent("pledges.sqlite").path
        let first = try KioskProcess(database: database)
        let refused = #expect(throws: KioskProcessError.self) { try KioskProcess(database: database, timeout: 60) }
        #expect(
            refused?.log.contains("another kiosk service is running on the database") == true, "\(refused?.log ?? "")")
        #expect(refused?.log.contains("Một dịch vụ kiosk khác đang chạy") == true)
        // The lock goes with its holder, however it ended.
        #expect(first.kill9())
        let again = try KioskProcess(database: database)
        #expect(again.stop().isClean)
    }
}
