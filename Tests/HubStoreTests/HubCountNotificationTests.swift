import Foundation
import HubCore
import KioskAPI
import KioskTestSupport
import Logging
import PledgeKit
import Synchronization
import Testing

@testable import HubStore

/// The count notifications of schema version 6 across hub processes: two stores on one database
/// stand for two `kiosk hub serve` processes; B's observer (``HubStore/observeCounts(_:)``) is
/// what its live counter hears.
@Suite struct HubCountNotificationTests {
    @Test(
        "A batch's commit tells the other process once; a batch sent again and an erasure tell nothing; the totals add up to the pledges"
    )
    func commitsOfNewPledgesTellTheOtherProcess() async throws {
        try await HubChangeTests.withTwoStores { a, b, database in
            let heard = Mutex(0)
            b.observeCounts { heard.withLock { $0 += 1 } }
            let event = Fixtures.event()
            try await Fixtures.register(event, in: a)
            let rows = (1...3).map { Fixtures.pledge($0) }
            let before = heard.withLock { $0 }
            _ = try await a.apply(Fixtures.batch(rows), from: event)
            try await waitUntil("B hears the batch") { heard.withLock { $0 } > before }
            // One transaction, one notification: PostgreSQL folds equal ones.
            #expect(heard.withLock { $0 } == before + 1)

            // Nothing inserted, nothing told: the next batch's notification comes after theirs
            // (delivered in commit order), so any of theirs would show as one too many.
            _ = try await a.apply(Fixtures.batch(rows), from: event)
            _ = try await a.apply(Fixtures.batch([Fixtures.erasure(4, code: rows[0].code.rawValue)]), from: event)
            _ = try await a.apply(Fixtures.batch([Fixtures.pledge(5)]), from: event)
            try await waitUntil("B hears the new pledge") { heard.withLock { $0 } > before + 1 }
            #expect(heard.withLock { $0 } == before + 2)

            let totals = try await b.nationalTotals()
            #expect(totals == NationalTotals(total: 4, byEventProvince: ["Hà Nội": 4]))
            #expect(try await database.number("SELECT count(*) FROM hub_pledge") == totals.total)
        }
    }
}
