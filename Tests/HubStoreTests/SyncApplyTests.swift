import Foundation
import HubCore
import HubStore
import KioskAPI
import KioskTestSupport
import PledgeKit
import Testing

/// The sync protocol's rules as the store applies them: one transaction a batch, idempotent by
/// content, the sequence gap, a refused batch applying nothing, held rows counted.
@Suite struct SyncApplyTests {
    @Test func aBatchIsStoredAsSentWithoutSchool() async throws {
        try await withTestStore { store, database in
            let event = Fixtures.event()
            try await Fixtures.register(event, in: store)
            let rows = [
                Fixtures.pledge(1, name: "  Trần   Minh Khôi ", minutes: 1),
                Fixtures.pledge(2, name: nil, ageBand: .under12, province: nil, minutes: 2),
                Fixtures.pledge(3, name: "Lê Thu", ageBand: .from12To15, province: "TP. HUẾ", consent: true),
            ]
            let applied = try await store.apply(Fixtures.batch(rows), from: event)
            #expect(applied == SyncApplied(acknowledged: 3, erasures: [], erasuresAfter: 0))

            let first = try #require(try await store.certificate(code: rows[0].code))
            #expect(first.eventID == event.id.rawValue)
            #expect(first.id == rows[0].pledge!.id)
            #expect(first.name == "Trần Minh Khôi")  // normalized by PledgeDraft's rules
            #expect(first.number == 1)
            #expect(first.kioskID == "kiosk-1")
            #expect(first.province?.name == "Huế")
            #expect(first.school == nil)
            #expect(first.createdAt == Fixtures.start.addingTimeInterval(60))
            let anonymous = try #require(try await store.pledge(code: rows[1].code))
            #expect(anonymous.name == nil && anonymous.province == nil && anonymous.ageBand == .under12)
            #expect(try await store.pledge(code: rows[2].code)?.province?.name == "Huế")
            #expect(try await store.pledge(code: .random()) == nil)
            #expect(try await database.number("SELECT count(*) FROM hub_pledge") == 3)
        }
    }

    @Test func aReplayedOrDuplicatedBatchChangesNothing() async throws {
        try await withTestStore { store, database in
            let event = Fixtures.event()
            try await Fixtures.register(event, in: store)
            let rows = (1...5).map { Fixtures.pledge($0) }
            let batch = Fixtures.batch(rows)
            #expect(try await store.apply(batch, from: event).acknowledged == 5)
            let counts = try await store.counts(event: event.id)
            // The same batch again, a part of it, and a batch holding one pledge twice.
            #expect(try await store.apply(batch, from: event).acknowledged == 5)
            #expect(try await store.apply(Fixtures.batch(Array(rows[1...3])), from: event).acknowledged == 5)
            var twice = rows[4]
            twice.sequence = 6
            #expect(try await store.apply(Fixtures.batch([rows[4], twice]), from: event).acknowledged == 6)
            #expect(try await store.counts(event: event.id) == counts)
            #expect(counts.total == 5)
            #expect(try await database.number("SELECT count(*) FROM hub_pledge") == 5)
        }
    }

    @Test func batchesAtOnceFromOneEventApplyEachPledgeOnce() async throws {
        try await withTestStore { store, database in
            let event = Fixtures.event()
            try await Fixtures.register(event, in: store)
            let batch = Fixtures.batch((1...50).map { Fixtures.pledge($0) })
            // A relay retrying while its first upload is still in flight: the same batch, 8 times at once.
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await store.apply(batch, from: event).acknowledged } }
                for try await acknowledged in group { #expect(acknowledged == 50) }
            }
            #expect(try await store.counts(event: event.id).total == 50)
            #expect(try await database.number("SELECT count(*) FROM hub_pledge") == 50)
        }
    }

    @Test func anEventRestoredFromAnOlderCopyReusesSequencesForNewPledges() async throws {
        try await withTestStore { store, database in
            let event = Fixtures.event()
            try await Fixtures.register(event, in: store)
            _ = try await store.apply(Fixtures.batch((1...4).map { Fixtures.pledge($0) }), from: event)
            // Restored from a copy taken after sequence 2: its new pledges come as 3, 4 and 5.
            let newer = (3...5).map { Fixtures.pledge($0) }
            #expect(try await store.apply(Fixtures.batch(newer), from: event).acknowledged == 5)
            #expect(try await store.counts(event: event.id).total == 7)
            for row in newer { #expect(try await store.pledge(code: row.code) != nil) }
            #expect(try await database.number("SELECT count(*) FROM hub_pledge") == 7)
        }
    }

    @Test func aBatchPastTheNextSequenceIsAGapAndAppliesNothing() async throws {
        try await withTestStore { store, database in
            let event = Fixtures.event()
            try await Fixtures.register(event, in: store)
            _ = try await store.apply(Fixtures.batch((1...3).map { Fixtures.pledge($0) }), from: event)
            let error = await #expect(throws: HubError.self) {
                try await store.apply(Fixtures.batch((5...6).map { Fixtures.pledge($0) }), from: event)
            }
            #expect(error?.kind == .sequenceGap(expected: 4))
            #expect(try await store.apply(Fixtures.batch([]), from: event).acknowledged == 3)
            #expect(try await database.number("SELECT count(*) FROM hub_pledge") == 3)
        }
    }

    @Test func aBatchWithBadRowsIsRefusedWholeNamingEachRow() async throws {
        try await withTestStore { store, database in
            let event = Fixtures.event()
            try await Fixtures.register(event, in: store)
            var badBand = Fixtures.pledge(3)
            badBand.pledge!.ageBand = "ancient"
            var badDate = Fixtures.pledge(5)
            badDate.pledge!.createdAt = "yesterday"
            var twoChanges = Fixtures.pledge(7)
            twoChanges.erasure = SyncErasure(code: twoChanges.pledge!.code, erasedAt: SyncBatch.text(Fixtures.start))
            let rows = [
                Fixtures.pledge(1), Fixtures.pledge(2, name: "Nguyễn\u{0007}An"), badBand,
                Fixtures.pledge(4, ageBand: .from12To15, consent: false), badDate,
                Fixtures.erasure(6, code: "not-a-code"), twoChanges, Fixtures.pledge(8, province: "Atlantis"),
                Fixtures.pledge(9),
            ]
            let error = await #expect(throws: HubError.self) {
                try await store.apply(Fixtures.batch(rows), from: event)
            }
            guard case .rowsRefused(let refused) = error?.kind else {
                Issue.record("not rows-refused: \(String(describing: error))")
                return
            }
            #expect(refused.map(\.sequence) == [2, 3, 4, 5, 6, 7, 8])
            #expect(
                refused.map(\.field) == ["name", "ageBand", "guardianConsent", "createdAt", "code", nil, "province"])
            #expect(try await database.number("SELECT count(*) FROM hub_pledge") == 0)
            #expect(try await store.counts(event: event.id).total == 0)
            #expect(try await store.apply(Fixtures.batch([]), from: event).acknowledged == 0)
        }
    }

    /// Past `last_sequence` the pledges go in one plain INSERT; a pledge already here makes it
    /// fail, and the batch is written again by id: the same outcome as a replay.
    @Test func aStoredPledgeSentAgainUnderANewSequenceChangesNothingAndTheRestApplies() async throws {
        try await withTestStore { store, database in
            let event = Fixtures.event()
            try await Fixtures.register(event, in: store)
            let stored = Fixtures.pledge(1)
            _ = try await store.apply(Fixtures.batch([stored, Fixtures.pledge(2)]), from: event)
            var again = stored
            again.sequence = 4
            let fresh = [Fixtures.pledge(3), again, Fixtures.pledge(5, ageBand: .from25, province: nil)]
            #expect(try await store.apply(Fixtures.batch(fresh), from: event).acknowledged == 5)
            #expect(try await store.counts(event: event.id).total == 4)
            #expect(try await database.number("SELECT count(*) FROM hub_pledge") == 4)
            for row in fresh { #expect(try await store.pledge(code: row.code) != nil) }
        }
    }

    @Test func aNewPledgeWithTheCodeOfAnotherEventsPledgeRefusesTheBatch() async throws {
        try await withTestStore { store, database in
            let event = Fixtures.event()
            let other = Fixtures.event("hue-2026", tag: "HU26")
            try await Fixtures.register(event, in: store)
            try await Fixtures.register(other, in: store)
            let theirs = Fixtures.pledge(1)
            _ = try await store.apply(Fixtures.batch([theirs], event: other), from: other)
            let batch = Fixtures.batch([Fixtures.pledge(1), Fixtures.pledge(2, code: theirs.code)])
            let error = await #expect(throws: HubError.self) { try await store.apply(batch, from: event) }
            #expect(
                error?.kind
                    == .rowsRefused([
                        SyncRefusedRow(
                            sequence: 2, field: "code",
                            detail:
                                "hub đã có một lời cam kết khác với id hoặc mã này · another pledge at the hub has this id or code"
                        )
                    ]))
            #expect(try await database.number("SELECT count(*) FROM hub_pledge") == 1)
            #expect(try await store.counts(event: event.id).total == 0)
            #expect(try await store.apply(Fixtures.batch([]), from: event).acknowledged == 0)
        }
    }

    @Test func aPledgeWhoseCodeIsAnotherPledgesRefusesTheBatchAndRollsItBack() async throws {
        try await withTestStore { store, database in
            let event = Fixtures.event()
            try await Fixtures.register(event, in: store)
            let first = Fixtures.pledge(1)
            _ = try await store.apply(Fixtures.batch([first]), from: event)
            // Sequence 2 applies first in the transaction; 3 clashes: both are rolled back.
            let batch = Fixtures.batch([Fixtures.pledge(2), Fixtures.pledge(3, code: first.code)])
            let error = await #expect(throws: HubError.self) { try await store.apply(batch, from: event) }
            #expect(
                error?.kind
                    == .rowsRefused([
                        SyncRefusedRow(
                            sequence: 3, field: "code",
                            detail:
                                "hub đã có một lời cam kết khác với id hoặc mã này · another pledge at the hub has this id or code"
                        )
                    ]))
            #expect(try await database.number("SELECT count(*) FROM hub_pledge") == 1)
            #expect(try await store.counts(event: event.id).total == 1)
            #expect(try await store.apply(Fixtures.batch([]), from: event).acknowledged == 1)
        }
    }

    @Test func heldRowsAreCountedOnceAndApplyNothing() async throws {
        try await withTestStore { store, database in
            let event = Fixtures.event()
            try await Fixtures.register(event, in: store)
            let batch = Fixtures.batch([
                Fixtures.pledge(1), SyncRow(sequence: 2, held: SyncHeld(reason: "name: forbidden character")),
                Fixtures.pledge(3), SyncRow(sequence: 4, held: SyncHeld(reason: "ageBand: not an age band")),
            ])
            #expect(try await store.apply(batch, from: event).acknowledged == 4)
            #expect(try await store.apply(batch, from: event).acknowledged == 4)
            #expect(try await store.heldRows(event: event.id) == 2)
            #expect(try await database.number("SELECT count(*) FROM hub_pledge") == 2)
        }
    }
}

/// First views at once: reads grouped into shared statements still give each page its own pledge.
@Suite struct GroupedCertificateReadTests {
    @Test func manyReadsAtOnceEachGetTheirOwnCertificate() async throws {
        try await withTestStore(certificateReadsInFlight: 1) { store, _ in
            let event = Fixtures.event()
            try await Fixtures.register(event, in: store)
            let rows = (1...60).map { Fixtures.pledge($0, name: "Người \($0)", minutes: $0) }
            #expect(try await store.apply(Fixtures.batch(rows), from: event).acknowledged == 60)
            // Every stored code (one of them asked for twice) and 20 codes nobody issued.
            var asked = rows.map { $0.code } + [rows[7].code]
            asked += (0..<20).map { _ in CertificateCode.random() }
            let found = try await withThrowingTaskGroup(of: (CertificateCode, Pledge?).self) { group in
                for code in asked { group.addTask { (code, try await store.certificate(code: code)) } }
                var found: [(CertificateCode, Pledge?)] = []
                for try await result in group { found.append(result) }
                return found
            }
            #expect(found.count == 81)
            let numbers = Dictionary(uniqueKeysWithValues: rows.map { ($0.code, $0.pledge!.number) })
            for (code, certificate) in found {
                if let number = numbers[code] {
                    #expect(certificate?.code == code)
                    #expect(certificate?.number == number)
                    #expect(certificate?.name == "Người \(number)")
                    #expect(certificate?.eventID == event.id.rawValue)
                } else {
                    #expect(certificate == nil)
                }
            }
        }
    }

    /// One row that breaks the rules fails its own page only, not the others read with it (the
    /// breaker: 4,389 of 4,900 pages read beside such a row answered 503).
    @Test func anUnreadableRowFailsOnlyItsOwnPage() async throws {
        try await withTestStore(certificateReadsInFlight: 1) { store, database in
            let event = Fixtures.event()
            try await Fixtures.register(event, in: store)
            let rows = (1...30).map { Fixtures.pledge($0, minutes: $0) }
            #expect(try await store.apply(Fixtures.batch(rows), from: event).acknowledged == 30)
            let broken = rows[4].code
            _ = try await database.psql("UPDATE hub_pledge SET age_band = '99-plus' WHERE code = '\(broken.rawValue)'")
            let outcomes = try await withThrowingTaskGroup(of: (CertificateCode, Int?).self) { group in
                for code in rows.map(\.code) + [broken, broken] {
                    group.addTask {
                        do { return (code, try await store.certificate(code: code)?.number) } catch {
                            return (code, nil)
                        }
                    }
                }
                var outcomes: [(CertificateCode, Int?)] = []
                for try await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            #expect(outcomes.count == 32)
            for (code, number) in outcomes {
                if code == broken {
                    #expect(number == nil)
                } else {
                    #expect(number == rows.first { $0.code == code }?.pledge?.number)
                }
            }
            await #expect(throws: HubError.self) { try await store.certificate(code: broken) }
        }
    }
}
