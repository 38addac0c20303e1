import Foundation
import HTTPTypes
import HubRelay
import Hummingbird
import HummingbirdTesting
import KioskAPI
import PledgeKit
import Synchronization

/// A hub for the relay's tests, on loopback HTTP: the sync protocol's rules in memory (token,
/// event, gap check, last sequence, row-by-row idempotence by content, its erasures after the
/// batch's cursor), and scripted answers a test queues to take their place (503 with
/// `Retry-After`, 413, 422). The real hub on PostgreSQL is tested end to end after the merge.
final class TestHub: Sendable {
    enum Scripted: Sendable {
        case status(Int, retryAfter: String? = nil)
        /// 422 `rows-refused` for these sequences.
        case refuse([Int])
    }

    struct State {
        var lastSequence = 0
        var pledges: [UUID: SyncPledge] = [:]
        var batches: [SyncBatch] = []
        var script: [Scripted] = []
        var erasures: [HubErasure] = []
        /// 413 for a batch of more rows than this.
        var largestBatch = Int.max
        /// 413 for a batch with a pledge at one of these sequences (a row too large alone).
        var tooLargeRows: Set<Int> = []
    }

    static let token = SyncToken.random(tag: "TEST").text
    static let base = "https://khongmotminh.vn"
    let event: String
    let state = Mutex(State())
    /// Each batch as it arrives.
    let arrivals: AsyncStream<SyncBatch>
    private let arrived: AsyncStream<SyncBatch>.Continuation

    init(event: String) {
        self.event = event
        (arrivals, arrived) = AsyncStream.makeStream(of: SyncBatch.self)
    }

    var batches: [SyncBatch] { state.withLock { $0.batches } }
    var pledges: [UUID: SyncPledge] { state.withLock { $0.pledges } }

    func script(_ answers: Scripted...) { state.withLock { $0.script += answers } }

    /// Runs `body` with the hub listening on a loopback port.
    func serve(_ body: @Sendable (EventConfiguration.HubLink) async throws -> Void) async throws {
        let router = Router()
        router.post("/api/sync/batches") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: SyncBatch.maximumBytes * 2)
            return self.answer(
                authorization: request.headers[.authorization], body: Data(buffer.readableBytesView))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(EventConfiguration.HubLink(url: "http://127.0.0.1:\(client.port!)", token: Self.token))
        }
    }

    func answer(authorization: String?, body: Data) -> Response {
        guard authorization == "Bearer \(Self.token)" else { return Self.problem(401, code: "unauthorized") }
        guard let batch = try? JSONDecoder().decode(SyncBatch.self, from: body) else {
            return Self.problem(400, code: "invalid-request")
        }
        defer { arrived.yield(batch) }
        return state.withLock { state -> Response in
            state.batches.append(batch)
            guard batch.event == event else { return Self.problem(403, code: "wrong-event") }
            if !state.script.isEmpty {
                switch state.script.removeFirst() {
                case .status(let status, let retryAfter):
                    var response = Self.problem(status, code: "scripted")
                    if let retryAfter { response.headers[.retryAfter] = retryAfter }
                    return response
                case .refuse(let sequences):
                    let refused = sequences.map { SyncRefusedRow(sequence: $0, field: "name", detail: "too long") }
                    let rows = String(decoding: try! JSONEncoder().encode(refused), as: UTF8.self)
                    return Self.json(422, #"{"status":422,"code":"rows-refused","refused":\#(rows)}"#)
                }
            }
            if batch.rows.count > state.largestBatch { return Self.problem(413, code: "too-large") }
            if batch.rows.contains(where: { $0.pledge != nil && state.tooLargeRows.contains($0.sequence) }) {
                return Self.problem(413, code: "too-large")
            }
            if let first = batch.rows.first?.sequence, first > state.lastSequence + 1 {
                return Self.json(409, #"{"status":409,"code":"sequence-gap","expected":\#(state.lastSequence + 1)}"#)
            }
            for row in batch.rows {
                if let pledge = row.pledge { state.pledges[pledge.id] = state.pledges[pledge.id] ?? pledge }
                if let erasure = row.erasure {
                    for (id, pledge) in state.pledges where pledge.code == erasure.code {
                        state.pledges[id]?.name = nil
                    }
                }
            }
            state.lastSequence = max(state.lastSequence, batch.rows.last?.sequence ?? 0)
            let acknowledgement = SyncAcknowledgement(
                acknowledged: state.lastSequence, certificateBaseUrl: Self.base,
                erasures: state.erasures.filter { $0.cursor > batch.erasuresSeen })
            return Self.json(200, String(decoding: try! WireJSON.encode(acknowledgement), as: UTF8.self))
        }
    }

    static func problem(_ status: Int, code: String) -> Response {
        json(status, #"{"status":\#(status),"code":"\#(code)","messages":{"vi":"lỗi","en":"scripted \#(code)"}}"#)
    }

    static func json(_ status: Int, _ text: String) -> Response {
        Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
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
