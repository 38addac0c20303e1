import Foundation
import HubCore
import HubStore
import KioskAPI
import KioskTestSupport
import PledgeKit
import Testing

/// Codes of the issued form (tag, random part, MAC, check character) at the hub: a pledge's code
/// must be one its event issued; an erasure at the hub of a genuine code whose pledge has not
/// arrived waits for it.
@Suite struct IssuedCodeHubTests {
    let event = Fixtures.event()
    let other = Fixtures.event("da-nang-2026", tag: "DN26")
    var issuer: CodeIssuer { CodeIssuer(tag: event.codeTag, key: event.codeKey) }
    /// Right shape, right tag and check character, but a MAC made with another key.
    var forger: CodeIssuer { CodeIssuer(tag: event.codeTag, key: Array(repeating: 9, count: 32)) }

    @Test func aPledgeWithACodeItsEventIssuedIsStored() async throws {
        try await withTestStore { store, _ in
            try await Fixtures.register(event, in: store)
            let code = issuer.newCode()
            _ = try await store.apply(Fixtures.batch([Fixtures.pledge(1, code: code)]), from: event)
            let stored = try #require(try await store.certificate(code: code))
            #expect(stored.code == code && stored.eventID == event.id.rawValue)
        }
    }

    @Test func aForgedCodeOrAnotherEventsCodeIsRefused() async throws {
        try await withTestStore { store, database in
            try await Fixtures.register(event, in: store)
            try await Fixtures.register(other, in: store)
            let othersCode = CodeIssuer(tag: other.codeTag, key: other.codeKey).newCode()
            let batch = Fixtures.batch([
                Fixtures.pledge(1, code: issuer.newCode()), Fixtures.pledge(2, code: forger.newCode()),
                Fixtures.pledge(3, code: othersCode), Fixtures.erasure(4, code: forger.newCode().rawValue),
            ])
            let error = await #expect(throws: HubError.self) { try await store.apply(batch, from: event) }
            guard case .rowsRefused(let refused) = error?.kind else {
                Issue.record("not rows-refused: \(String(describing: error))")
                return
            }
            #expect(refused.map(\.sequence) == [2, 3, 4])
            #expect(refused.allSatisfy { $0.field == "code" })
            #expect(try await database.number("SELECT count(*) FROM hub_pledge") == 0)
        }
    }

    @Test func anErasureAtTheHubOfAGenuineCodeWaitsForItsPledge() async throws {
        try await withTestStore { store, _ in
            try await Fixtures.register(event, in: store)
            let code = issuer.newCode()
            let erasedAt = Fixtures.start.addingTimeInterval(600)
            #expect(try await store.erase(code: code, at: erasedAt))
            #expect(try await store.erase(code: forger.newCode(), at: erasedAt) == false)
            #expect(
                try await store.erase(code: CodeIssuer(tag: "ZZ99", key: event.codeKey).newCode(), at: erasedAt)
                    == false)

            let applied = try await store.apply(Fixtures.batch([Fixtures.pledge(1, code: code)]), from: event)
            #expect(
                applied.erasures == [HubErasure(cursor: 1, code: code.rawValue, erasedAt: SyncBatch.text(erasedAt))])
            let stored = try #require(try await store.pledge(code: code))
            #expect(stored.name == nil)
        }
    }
}
