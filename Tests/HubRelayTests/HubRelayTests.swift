import Foundation
import GRDB
import HubRelay
import HubStore
import KioskAPI
import Logging
import PledgeKit
import PledgeStore
import Synchronization
import Testing

/// The relay against the real hub on loopback HTTP (``TestHub``: HubService over PostgreSQL, with
/// a proxy's scripted answers in front), through the real transport.
@Suite("The relay to the hub: order, acknowledgements, held rows, 413, Retry-After, back-off, erasures, base")
struct HubRelayTests {
    static let logger: Logger = {
        var logger = Logger(label: "hub-relay-test")
        logger.logLevel = .critical
        return logger
    }()

    func relay(
        _ store: PledgeStore, _ link: EventConfiguration.HubLink, clock: any RelayClock = ManualClock(),
        batchRows: Int = 200, random: @escaping @Sendable () -> Double = { 0.5 }
    ) throws -> HubRelay {
        var settings = HubRelay.Settings()
        settings.batchRows = batchRows
        return HubRelay(
            store: store, eventID: "hub-event", transport: try HTTPHubTransport(hub: link, timeout: 30), clock: clock,
            settings: settings, random: random, logger: Self.logger)
    }

    func record(_ store: PledgeStore, _ count: Int, from start: Int = 1) async throws -> [PledgeReceipt] {
        var receipts: [PledgeReceipt] = []
        for index in start..<(start + count) {
            receipts.append(
                try await store.record(signer(index), idempotencyKey: try IdempotencyKey("r-\(index)"), kioskID: nil))
        }
        return receipts
    }

    @Test func rowsGoInOrderAndLeaveOnlyOnceAcknowledged() async throws {
        let (store, file) = try makeHubStore()
        defer { try? store.close() }
        let hub = TestHub()
        let receipts = try await record(store, 5)
        #expect(receipts[0].certificateUrl.hasPrefix("HTTP://192.168.1.20:8080/C/"))
        try await hub.serve { link in
            let relay = try relay(store, link)
            #expect(await relay.round() == .zero)
            #expect(hub.batches.count == 1)
            #expect(hub.batches[0].rows.map(\.sequence) == [1, 2, 3, 4, 5])
            #expect(hub.batches[0].rows.compactMap(\.pledge?.id) == receipts.map(\.id))
            #expect(try outboxRows(file).isEmpty)
            let status = try await store.hubLinkStatus()
            #expect(status.linked && status.backlog == 0 && status.acknowledged == 5 && status.lastContact != nil)
            // The hub's base is used from now on: receipts, and the links the certificate routes share.
            #expect(status.certificateBaseURL == TestHub.base)
            #expect(store.links.baseURL == TestHub.base)
            let later = try await record(store, 1, from: 6)
            #expect(later[0].certificateUrl == "HTTPS://KHONGMOTMINH.VN/C/\(later[0].code.rawValue)")
            // Nothing waits and the hub was just seen: the relay polls the outbox.
            _ = await relay.round()
            #expect(await relay.round() > .zero)
            #expect(try await hub.pledgeCount() == 6)
        }
    }

    @Test func aRowAddedWhileABatchIsOnItsWayIsNeverTakenForSent() async throws {
        let (store, file) = try makeHubStore()
        defer { try? store.close() }
        _ = try await record(store, 3)
        let (batch, _, _) = try await store.hubBatch(limit: 200)
        _ = try await record(store, 1, from: 4)
        // An event restored from an older copy: the hub acknowledges more than was sent.
        let applied = try await store.hubAcknowledged(
            SyncAcknowledgement(acknowledged: 40, certificateBaseUrl: TestHub.base, erasures: []),
            sentThrough: batch.last!.sequence, at: Date())
        #expect(applied.sent == 3)
        #expect(try outboxRows(file).map { $0["sequence"] as Int } == [4])
    }

    /// A row the hub's rules refuse (here a name of 61 characters, as an event service with a
    /// looser rule could have written): the hub's 422 names it, and it is held at the event.
    @Test func refusedRowsAreHeldAndSentAsPlaceholders() async throws {
        let (store, file) = try makeHubStore()
        defer { try? store.close() }
        let hub = TestHub()
        _ = try await record(store, 3)
        try rewriteOutboxName(file, sequence: 2, name: String(repeating: "a", count: 61))
        try await hub.serve { link in
            let relay = try relay(store, link)
            #expect(await relay.round() == .zero)
            _ = await relay.round()
            let again = try #require(hub.batches.last)
            #expect(again.rows.map(\.sequence) == [1, 2, 3])
            let reason = try #require(again.rows[1].held?.reason)
            #expect(reason.hasPrefix("name: "))
            #expect(again.rows[0].pledge != nil && again.rows[2].pledge != nil)
            // Kept for the organizer, and not sent again.
            let status = try await store.hubLinkStatus()
            #expect(status.backlog == 0)
            #expect(status.held == [HubLinkStatus.HeldRow(sequence: 2, kind: "pledge", number: 2, reason: reason)])
            #expect(try outboxRows(file).map { $0["sequence"] as Int } == [2])
            _ = try await record(store, 1, from: 4)
            _ = await relay.round()
            #expect(hub.batches.last?.rows.map(\.sequence) == [4])
            #expect(try await hub.pledgeCount() == 3)
        }
    }

    @Test func aBatchTooLargeIsHalved() async throws {
        let (store, _) = try makeHubStore()
        defer { try? store.close() }
        let hub = TestHub()
        hub.state.withLock { $0.largestBatch = 2 }
        _ = try await record(store, 5)
        try await hub.serve { link in
            let relay = try relay(store, link)
            for _ in 0..<4 { #expect(await relay.round() == .zero) }
            #expect(hub.batches.map(\.rows.count) == [5, 2, 2, 1])
            #expect(hub.batches.dropFirst().flatMap(\.rows).map(\.sequence) == [1, 2, 3, 4, 5])
            #expect(try await hub.pledgeCount() == 5)
        }
    }

    /// A row the hub refuses with 413 even alone is held, like a row refused with 422: the rows
    /// behind it still go (a breaker's 2 MB name stopped every upload behind it).
    @Test func aRowTooLargeAloneIsHeldAndTheRowsBehindItGo() async throws {
        let (store, file) = try makeHubStore()
        defer { try? store.close() }
        let hub = TestHub()
        hub.state.withLock { $0.tooLargeRows = [2] }
        _ = try await record(store, 3)
        try await hub.serve { link in
            let relay = try relay(store, link)
            for _ in 0..<8 where try await hub.pledgeCount() < 2 { _ = await relay.round() }
            let rows = hub.batches.flatMap(\.rows)
            #expect(rows.contains { $0.sequence == 2 && $0.held != nil }, "row 2 goes as a held placeholder")
            #expect(rows.contains { $0.sequence == 3 && $0.pledge != nil })
            #expect(try await hub.pledgeCount() == 2)
        }
        let status = try await store.hubLinkStatus()
        #expect(status.held.map(\.sequence) == [2])
        #expect(status.held.first?.reason.contains("413") == true)
        _ = file
    }

    @Test func retryAfterIsObeyedOnTheInjectedClock() async throws {
        let (store, file) = try makeHubStore()
        defer { try? store.close() }
        let hub = TestHub()
        hub.script(status: 503, retryAfter: "120")
        _ = try await record(store, 2)
        try await hub.serve { link in
            let clock = ManualClock()
            let relay = try relay(store, link, clock: clock)
            let running = Task { await relay.run() }
            var sleeps = clock.sleeps.makeAsyncIterator()
            var arrivals = hub.arrivals.makeAsyncIterator()
            _ = await arrivals.next()
            #expect(await sleeps.next() == .seconds(120))
            #expect(hub.batches.count == 1)
            let status = try await store.hubLinkStatus()
            #expect(status.lastError?.contains("503") == true && status.backlog == 2 && status.attempts == 1)
            clock.advance(by: .seconds(119))
            clock.advance(by: .seconds(1))
            _ = await arrivals.next()
            // Acknowledged: the relay goes back to polling its outbox.
            #expect(await sleeps.next() == HubRelay.Settings().poll)
            #expect(try outboxRows(file).isEmpty)
            #expect(try await store.hubLinkStatus().lastError == nil)
            running.cancel()
            clock.advance(by: .seconds(3600))
            await running.value
        }
    }

    @Test func failuresBackOffExponentiallyWithJitter() async throws {
        let (store, _) = try makeHubStore()
        defer { try? store.close() }
        _ = try await record(store, 1)
        // A hub that is not there: a closed port.
        let closed = EventConfiguration.HubLink(url: "http://127.0.0.1:1", token: TestHub.token.text)
        let low = try relay(store, closed, random: { 0 })
        var waits: [Duration] = []
        for _ in 0..<10 { waits.append(await low.round()) }
        #expect(waits.prefix(4) == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4)])
        #expect(waits.last == .seconds(150))
        let high = try relay(store, closed, random: { 0.999_999 })
        let first = await high.round()
        #expect(first > .milliseconds(999) && first <= .seconds(1))
        let status = try await store.hubLinkStatus()
        #expect(status.lastError?.contains("cannot be reached") == true && status.backlog == 1)
        // Vietnamese first, as organizers read it in `kiosk status` and `/admin`.
        #expect(status.lastError?.hasPrefix("không kết nối được hub · ") == true, "\(status.lastError ?? "")")
    }

    @Test func aWrongTokenIsNotedAndNothingLeaves() async throws {
        let (store, file) = try makeHubStore()
        defer { try? store.close() }
        let hub = TestHub()
        _ = try await record(store, 1)
        try await hub.serve { link in
            let wrong = EventConfiguration.HubLink(url: link.url, token: "kmm1.TEST.wrong")
            let refused = try relay(store, wrong)
            #expect(await refused.round() > .zero)
        }
        let lastError = try await store.hubLinkStatus().lastError ?? ""
        #expect(lastError.contains("HTTP 401"))
        // The hub's words in both languages, Vietnamese first.
        #expect(lastError.contains(" · "), "\(lastError)")
        #expect(try outboxRows(file).count == 1)
    }

    @Test func theHubsErasuresAreAppliedOnceAndNotSentBack() async throws {
        let (store, file) = try makeHubStore()
        defer { try? store.close() }
        let hub = TestHub()
        let receipts = try await record(store, 2)
        try await hub.serve { link in
            let relay = try relay(store, link)
            _ = await relay.round()
            // A signer erases the second pledge at the official domain.
            #expect(try await hub.store.erase(code: receipts[1].code, at: Date()))
            // Idle, then due: an empty batch asks for the hub's erasures.
            let fresh = try self.relay(store, link)
            _ = await fresh.round()
            #expect(hub.batches.last?.rows.isEmpty == true)
            #expect(try await store.pledge(code: receipts[1].code)?.name == nil)
            #expect(try await store.pledge(code: receipts[0].code)?.name != nil)
            // Applied here without an outbox row; the next batch says it was seen.
            #expect(try outboxRows(file).isEmpty)
            _ = try await record(store, 1, from: 3)
            _ = await fresh.round()
            #expect(hub.batches.last?.erasuresSeen == 1)
        }
    }

    @Test func theHubsBaseIsUsedAfterARestartBeforeTheHubAnswers() async throws {
        let (store, file) = try makeHubStore()
        _ = try await store.hubAcknowledged(
            SyncAcknowledgement(acknowledged: 0, certificateBaseUrl: TestHub.base, erasures: []), sentThrough: 0,
            at: Date())
        try store.close()
        let (again, _) = try makeHubStore(file)
        #expect(again.links.qrBaseURL == "HTTPS://KHONGMOTMINH.VN")
        try again.close()
        // A database never linked uses its own base.
        let (alone, _) = try makeHubStore(feedsHub: false)
        defer { try? alone.close() }
        #expect(alone.links.baseURL == "http://192.168.1.20:8080")
    }

    /// A signer erased at the hub a code whose pledge was still in a front's outbox: the erasure
    /// wins when the pledge reaches the event.
    @Test func aHubErasureThatCameBeforeItsPledgeWins() async throws {
        let (store, file) = try makeHubStore()
        defer { try? store.close() }
        let code = CertificateCode.random()
        _ = try await store.hubAcknowledged(
            SyncAcknowledgement(
                acknowledged: 0, certificateBaseUrl: TestHub.base,
                erasures: [HubErasure(cursor: 3, code: code.rawValue, erasedAt: "2026-12-06T10:00:00.000Z")]),
            sentThrough: 0, at: Date())
        let receipt = try await store.record(
            signer(1, name: "Phạm Thu Trang"), idempotencyKey: try IdempotencyKey("late"), kioskID: nil, code: code)
        #expect(receipt.code == code)
        #expect(try await store.pledge(code: code)?.name == nil)
        let (batch, seen, _) = try await store.hubBatch(limit: 10)
        #expect(seen == 3 && batch.count == 1 && batch[0].pledge?.code == code.rawValue && batch[0].pledge?.name == nil)
        #expect(!(try outboxRows(file).map { $0["body"] as String }.joined().contains("Trang")))
    }
}
