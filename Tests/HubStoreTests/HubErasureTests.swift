import Foundation
import HubCore
import HubStore
import KioskAPI
import KioskTestSupport
import PledgeKit
import Testing

/// Erasure wins wherever it is made and whenever it arrives; purges and the retention limit blank
/// names now and later.
@Suite struct HubErasureTests {
    @Test func anErasureThatArrivesBeforeItsPledgeWins() async throws {
        try await withTestStore { store, database in
            let event = Fixtures.event()
            try await Fixtures.register(event, in: store)
            let pledge = Fixtures.pledge(2, name: "Phạm Hồng Nhung")
            _ = try await store.apply(Fixtures.batch([Fixtures.erasure(1, code: pledge.code.rawValue)]), from: event)
            _ = try await store.apply(Fixtures.batch([pledge]), from: event)
            let stored = try #require(try await store.pledge(code: pledge.code))
            #expect(stored.name == nil)
            #expect(try await store.counts(event: event.id).total == 1)
            // The name is in no row of the database.
            #expect(try await database.number("SELECT count(*) FROM hub_pledge WHERE name IS NOT NULL") == 0)
        }
    }

    @Test func anErasureInTheSameBatchAsItsPledgeWinsInEitherOrder() async throws {
        try await withTestStore { store, _ in
            let event = Fixtures.event()
            try await Fixtures.register(event, in: store)
            let first = Fixtures.pledge(1)
            let second = Fixtures.pledge(3)
            let rows = [
                first, Fixtures.erasure(2, code: first.code.rawValue), second,
                Fixtures.erasure(4, code: second.code.grouped.lowercased()),
            ]
            _ = try await store.apply(Fixtures.batch(rows), from: event)
            #expect(try await store.pledge(code: first.code)?.name == nil)
            #expect(try await store.pledge(code: second.code)?.name == nil)
            // Replayed, with the pledge alone first: still erased.
            _ = try await store.apply(Fixtures.batch([first]), from: event)
            #expect(try await store.pledge(code: first.code)?.name == nil)
        }
    }

    @Test func anErasureAtTheHubGoesToItsEventOnceWithACursor() async throws {
        try await withTestStore { store, _ in
            let event = Fixtures.event()
            let other = Fixtures.event("da-nang-2026", tag: "DN26")
            try await Fixtures.register(event, in: store)
            try await Fixtures.register(other, in: store)
            let rows = (1...3).map { Fixtures.pledge($0) }
            _ = try await store.apply(Fixtures.batch(rows), from: event)
            let elsewhere = Fixtures.pledge(1)
            _ = try await store.apply(Fixtures.batch([elsewhere], event: other), from: other)

            let erasedAt = Fixtures.start.addingTimeInterval(3600)
            #expect(try await store.erase(code: rows[2].code, at: erasedAt))
            #expect(try await store.erase(code: rows[0].code, at: erasedAt))
            #expect(try await store.erase(code: rows[0].code, at: erasedAt))  // twice: one erasure
            #expect(try await store.erase(code: .random(), at: erasedAt) == false)
            #expect(try await store.pledge(code: rows[2].code)?.name == nil)
            #expect(try await store.pledge(code: rows[1].code)?.name != nil)

            let text = SyncBatch.text(erasedAt)
            let all = try await store.apply(Fixtures.batch([]), from: event)
            #expect(
                all.erasures == [
                    HubErasure(cursor: 1, code: rows[2].code.rawValue, erasedAt: text),
                    HubErasure(cursor: 2, code: rows[0].code.rawValue, erasedAt: text),
                ])
            let newer = try await store.apply(Fixtures.batch([], erasuresSeen: 1), from: event)
            #expect(newer.erasures.map(\.cursor) == [2])
            #expect(try await store.apply(Fixtures.batch([], erasuresSeen: 2), from: event).erasures == [])
            // Another event hears of none of them.
            let theirs = try await store.apply(Fixtures.batch([], event: other), from: other)
            #expect(theirs.erasures == [])
            // An event's own erasure of a code erased at the hub changes nothing.
            _ = try await store.apply(Fixtures.batch([Fixtures.erasure(4, code: rows[0].code.rawValue)]), from: event)
            #expect(try await store.apply(Fixtures.batch([]), from: event).erasures.count == 2)
        }
    }

    @Test func anEventCannotEraseAnotherEventsPledge() async throws {
        try await withTestStore { store, _ in
            let event = Fixtures.event()
            let other = Fixtures.event("da-nang-2026", tag: "DN26")
            try await Fixtures.register(event, in: store)
            try await Fixtures.register(other, in: store)
            let theirs = Fixtures.pledge(1)
            _ = try await store.apply(Fixtures.batch([theirs], event: other), from: other)
            _ = try await store.apply(Fixtures.batch([Fixtures.erasure(1, code: theirs.code.rawValue)]), from: event)
            #expect(try await store.pledge(code: theirs.code)?.name == "Nguyễn Thị Lan")
        }
    }

    @Test func aPurgeBlanksNamesBeforeItsDateNowAndLater() async throws {
        try await withTestStore { store, database in
            let event = Fixtures.event()
            try await Fixtures.register(event, in: store)
            let early = Fixtures.pledge(1, minutes: 10)
            let late = Fixtures.pledge(2, minutes: 30)
            _ = try await store.apply(Fixtures.batch([early, late, Fixtures.purge(3, beforeMinute: 20)]), from: event)
            #expect(try await store.pledge(code: early.code)?.name == nil)
            #expect(try await store.pledge(code: late.code)?.name == "Nguyễn Thị Lan")
            // A pledge made before the purge that arrives after it (a front was offline).
            let straggler = Fixtures.pledge(4, minutes: 15)
            _ = try await store.apply(Fixtures.batch([straggler]), from: event)
            #expect(try await store.pledge(code: straggler.code)?.name == nil)
            // An older purge after it does not move the date back.
            let laterStill = Fixtures.pledge(6, minutes: 19)
            _ = try await store.apply(Fixtures.batch([Fixtures.purge(5, beforeMinute: 5), laterStill]), from: event)
            #expect(try await store.pledge(code: laterStill.code)?.name == nil)
            #expect(try await database.number("SELECT count(*) FROM hub_pledge WHERE name IS NOT NULL") == 1)
            #expect(try await store.counts(event: event.id).total == 4)
        }
    }

    @Test func namesPastTheirEventsRetentionAreBlankedAndStayBlank() async throws {
        try await withTestStore { store, _ in
            let limit = CivilDate(year: 2027, month: 1, day: 31)
            let kept = Fixtures.event("hai-phong", tag: "HP27", retainUntil: CivilDate(year: 2099, month: 1, day: 1))
            let expiring = Fixtures.event(retainUntil: limit)
            try await Fixtures.register(kept, in: store)
            try await Fixtures.register(expiring, in: store)
            let keptRow = Fixtures.pledge(1)
            _ = try await store.apply(Fixtures.batch([keptRow], event: kept), from: kept)
            let rows = (1...3).map { Fixtures.pledge($0) }
            _ = try await store.apply(Fixtures.batch(rows), from: expiring)

            // The last day in Vietnam keeps them; the next day (from 17:00 UTC on the 31st) does not.
            let lastDay = limit.startInVietnam.addingTimeInterval(86_399)
            #expect(try await store.purgeExpired(at: lastDay) == 0)
            #expect(try await store.purgeExpired(at: lastDay.addingTimeInterval(1)) == 3)
            #expect(try await store.purgeExpired(at: lastDay.addingTimeInterval(2)) == 0)
            for row in rows { #expect(try await store.pledge(code: row.code)?.name == nil) }
            #expect(try await store.pledge(code: keptRow.code)?.name == "Nguyễn Thị Lan")
        }
    }

    @Test("A hub whose clock runs years ahead of the database's blanks no name (its hourly purge)")
    func aClockFarAheadPurgesNothing() async throws {
        try await withTestStore { store, _ in
            let event = Fixtures.event(retainUntil: CivilDate(year: 2027, month: 1, day: 31))
            try await Fixtures.register(event, in: store)
            let rows = (1...3).map { Fixtures.pledge($0) }
            _ = try await store.apply(Fixtures.batch(rows), from: event)
            let error = await #expect(throws: HubError.self) {
                try await store.purgeExpired(
                    at: Date().addingTimeInterval(5 * 365 * 86_400), clockTolerance: .seconds(3600))
            }
            #expect(error?.kind == .misconfigured)
            for row in rows { #expect(try await store.pledge(code: row.code)?.name != nil) }
            // With the clock right, the purge runs (nothing is past the date yet).
            #expect(try await store.purgeExpired(at: Date(), clockTolerance: .seconds(3600)) == 0)
        }
    }

    @Test func aPledgeArrivingAfterItsEventsRetentionIsStoredWithoutName() async throws {
        try await withTestStore { store, _ in
            // A limit long past: the pledge (sent by an event that was offline since) keeps no name.
            let event = Fixtures.event(retainUntil: CivilDate(year: 2020, month: 1, day: 31))
            try await Fixtures.register(event, in: store)
            let row = Fixtures.pledge(1)
            _ = try await store.apply(Fixtures.batch([row]), from: event)
            #expect(try await store.pledge(code: row.code)?.name == nil)
        }
    }
}
