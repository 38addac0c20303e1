import Foundation
import HubCore
import KioskAPI
import KioskTestSupport
import PledgeKit
import Testing

@testable import HubStore

/// The hub's clock against the database's: a hub machine whose clock is wrong neither refuses
/// today's pledges for good nor erases names early (found by the breaker with libfaketime).
@Suite struct HubClockTests {
    @Test("A hub clock far behind the database's answers a batch 'unavailable' (sent again later), not refused")
    func aHubClockBehindIsUnavailableNotARefusal() async throws {
        try await withTestStore { store, _ in
            let event = Fixtures.event()
            try await Fixtures.register(event, in: store)
            let rows = (1...2).map { Fixtures.pledge($0) }
            let yearBehind = Fixtures.start.addingTimeInterval(-365 * 86_400)
            let error = await #expect(throws: HubError.self) {
                try await store.apply(Fixtures.batch(rows), from: event, now: yearBehind)
            }
            #expect(error?.kind == .unavailable)
            // The clock right again: the same batch applies.
            _ = try await store.apply(Fixtures.batch(rows), from: event)
            #expect(try await store.pledge(code: rows[0].code) != nil)
            // A pledge days ahead of a right clock (its event's clock is wrong) is still refused.
            let minutesAhead = Int(Date().timeIntervalSince(Fixtures.start) / 60) + 3 * 1440
            let ahead = Fixtures.pledge(3, minutes: minutesAhead)
            let refused = await #expect(throws: HubError.self) {
                try await store.apply(Fixtures.batch([ahead]), from: event)
            }
            guard case .rowsRefused(let refusedRows) = refused?.kind else {
                Issue.record("not refused: \(String(describing: refused))")
                return
            }
            #expect(refusedRows.map(\.field) == ["createdAt"])
        }
    }
}
