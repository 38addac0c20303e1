import Foundation
import HTTPTypes
import HubCore
import HubRelay
import HubStore
import HubTestSupport
import Hummingbird
import HummingbirdTesting
import KioskAPI
import KioskHTTP
import PledgeKit
import Synchronization

/// The real hub for the relay's tests (``TestHubService``: HubService over HubStore on a fresh
/// PostgreSQL database), on loopback HTTP, with event `hub-event` registered under ``token``
/// (`hub-event` unless the test names another).
///
/// In front of it stands what a proxy or an overloaded hub may answer instead, scripted by the
/// test: a status with `Retry-After`, and 413 for a batch over ``State/largestBatch`` rows or
/// holding one of ``State/tooLargeRows`` (a proxy's body limit). Every batch that reaches it is
/// kept (``batches``) and, once answered, announced (``arrivals``).
final class TestHub: Sendable {
    struct State {
        var batches: [SyncBatch] = []
        var script: [(status: Int, retryAfter: String?)] = []
        /// 413 for a batch of more rows than this.
        var largestBatch = Int.max
        /// 413 for a batch with a pledge at one of these sequences (a row too large alone).
        var tooLargeRows: Set<Int> = []
        var store: HubStore?
    }

    static let token = SyncToken.random(tag: "TEST")
    static let base = TestHubService.links.baseURL
    let event: String
    let state = Mutex(State())
    /// Each batch as it arrives.
    let arrivals: AsyncStream<SyncBatch>
    fileprivate let arrived: AsyncStream<SyncBatch>.Continuation

    init(event: String = "hub-event") {
        self.event = event
        (arrivals, arrived) = AsyncStream.makeStream(of: SyncBatch.self)
    }

    var batches: [SyncBatch] { state.withLock { $0.batches } }

    /// The hub's store, while ``serve(_:)`` runs.
    var store: HubStore { state.withLock { $0.store! } }

    /// How many pledges of the event the hub holds (its counter table, summed).
    func pledgeCount() async throws -> Int {
        try await store.counts(event: EventID(event)).total
    }

    /// Answers the next batches with `status` (and `Retry-After`) before they reach the hub.
    func script(status: Int, retryAfter: String? = nil) {
        state.withLock { $0.script.append((status, retryAfter)) }
    }

    /// Runs `body` with the hub listening on a loopback port.
    func serve(_ body: @Sendable (EventConfiguration.HubLink) async throws -> Void) async throws {
        try await TestHubService.withStore { store in
            try await TestHubService.addEvent(event, name: "Sự kiện thử", token: Self.token, to: store)
            state.withLock { $0.store = store }
            defer { state.withLock { $0.store = nil } }
            let hub = Faults(hub: self, next: try TestHubService.router(store).buildResponder())
            let app = Application(responder: hub, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await app.test(.live) { client in
                try await body(
                    EventConfiguration.HubLink(url: "http://127.0.0.1:\(client.port!)", token: Self.token.text))
            }
        }
    }

    /// The scripted answer for `batch`, if any; the batch is kept either way.
    func fault(for batch: SyncBatch?) -> (status: Int, retryAfter: String?)? {
        state.withLock { state in
            guard let batch else { return nil }
            state.batches.append(batch)
            if !state.script.isEmpty { return state.script.removeFirst() }
            if batch.rows.count > state.largestBatch { return (413, nil) }
            if batch.rows.contains(where: { $0.pledge != nil && state.tooLargeRows.contains($0.sequence) }) {
                return (413, nil)
            }
            return nil
        }
    }

    /// The hub's responder behind the scripted faults.
    struct Faults: HTTPResponder {
        let hub: TestHub
        let next: RouterResponder<KioskRequestContext>

        func respond(to request: Request, context: KioskRequestContext) async throws -> Response {
            guard request.uri.path == "/\(APIPath.syncBatches)" else {
                return try await next.respond(to: request, context: context)
            }
            var request = request
            let body = try await request.body.collect(upTo: SyncBatch.maximumBytes * 2)
            request.body = RequestBody(buffer: body)
            let batch = try? JSONDecoder().decode(SyncBatch.self, from: Data(body.readableBytesView))
            // Announced once answered: the hub's commit is done by then.
            defer { batch.map { hub.arrived.yield($0) } }
            guard let (status, retryAfter) = hub.fault(for: batch) else {
                return try await next.respond(to: request, context: context)
            }
            let problem = #"{"status":\#(status),"code":"scripted","messages":{"vi":"lỗi","en":"scripted"}}"#
            var headers: HTTPFields = [.contentType: "application/problem+json"]
            if let retryAfter { headers[.retryAfter] = retryAfter }
            return Response(
                status: HTTPResponse.Status(code: status), headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: problem)))
        }
    }
}

/// A monotonic clock that moves only when the test moves it; each sleep is announced on
/// ``sleeps`` and lasts until ``advance(by:)`` passes its end.
final class ManualClock: RelayClock {
    private let start = ContinuousClock.now
    private let state = Mutex<(offset: Duration, waiting: [(end: Duration, wake: CheckedContinuation<Void, Never>)])>(
        (.zero, []))
    let sleeps: AsyncStream<Duration>
    private let slept: AsyncStream<Duration>.Continuation

    init() { (sleeps, slept) = AsyncStream.makeStream(of: Duration.self) }

    var now: ContinuousClock.Instant { start + state.withLock { $0.offset } }

    func sleep(for duration: Duration) async throws {
        await withCheckedContinuation { continuation in
            state.withLock { state in
                let end = state.offset + duration
                state.waiting.append((end, continuation))
            }
            slept.yield(duration)
        }
        try Task.checkCancellation()
    }

    func advance(by duration: Duration) {
        let due = state.withLock { state in
            state.offset += duration
            let offset = state.offset
            let due = state.waiting.filter { $0.end <= offset }
            state.waiting.removeAll { $0.end <= offset }
            return due
        }
        for sleeper in due { sleeper.wake.resume() }
    }
}
