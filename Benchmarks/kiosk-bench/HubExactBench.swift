// `kiosk-bench hub-exact`: H4, exact counts at the national hub (issue 15). Acts as the event
// services of the events `kiosk hub add-event` registered (their credentials, one JSON line each
// as `--format json` prints them, after the event's province and a tab): each uploads its
// pledges (codes from its token's issuer) in batches of consecutive sequences to
// `POST /api/sync/batches`, in order, each after the previous one's 200, on a connection of its
// own per request, all events at once. A share of the batches (--disturbed) is sent twice:
//
// - `duplicate`: the batch again right after its 200 (an acknowledgement the relay did not hear);
// - `replay`: an earlier batch again after this one's 200 (out of order);
// - `overlap`: after this batch's 200, the rows from the middle of the previous batch to the
//   middle of this one, as one batch (the relay cut its batches differently after a 413);
// - `ahead`: the next batch before this one (out of order: the hub answers 409 `sequence-gap`
//   and applies nothing; it goes again in its turn).
//
// A request without an answer (the hub killed: connection refused or reset), or answered 408,
// 429 or 5xx, is sent again after `Retry-After` or the relay's back-off (``HubRelay/Settings``:
// from `firstBackoff`, doubling, a wait drawn between half and all of it), as ``HubRelay`` does.
//
//   kiosk-bench hub-exact --hub http://HOST:PORT --credentials FILE [--batches 10] [--rows 500]
//     [--disturbed 0.1] [--seed 15] [--started FILE]
//
// --started is created when the first request goes (the driver kills the hub from then on).
// Prints one line of `key=value` pairs on stdout (times in seconds).
import ArgumentParser
import Foundation
import HubCore
import HubRelay
import KioskAPI
import KioskTestSupport
import NIOCore
import NIOHTTP1
import NIOPosix
import PledgeKit

struct HubExactOptions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub-exact", abstract: "H4: exact counts under duplicates and kills.")

    func run() async throws { try await hubExactBench(self) }

    @Option(help: "http://HOST:PORT", transform: { try hubURLs($0)[0] }) var hub: URL
    @Option(help: "The credentials file (one event per line).") var credentials: String
    @Option var batches = 10
    @Option var rows = SyncBatch.maximumRows
    @Option var disturbed = 0.1
    @Option var seed: UInt64 = 15
    @Option var started: String?

    func validate() throws {
        guard (2...SyncBatch.maximumRows).contains(rows), batches >= 2, (0...1).contains(disturbed) else {
            throw ValidationError("--batches ≥ 2, --rows 2–\(SyncBatch.maximumRows), --disturbed 0–1")
        }
    }
}

/// What `kiosk hub add-event --format json` prints that an event service keeps: its id and token.
struct AddedEvent: Decodable {
    var event: String
    var token: String
}

/// One request an event makes: a batch's body and what the hub must answer to it.
struct ExactSend: Sendable {
    enum Kind: String, Sendable, CaseIterable { case batch, duplicate, replay, overlap, ahead }
    var kind: Kind
    var body: ByteBuffer
    var lastSequence: Int
}

/// What one event's uploads met.
struct ExactOutcome: Sendable {
    var acknowledged = 0
    var refusedAhead = 0
    /// Requests sent again: no answer (connection refused or reset), or 408, 429, 5xx.
    var retries = 0
    var lastAcknowledged: UInt64 = 0
    var failure: String?
}

func hubExactBench(_ options: HubExactOptions) async throws {
    let lines = try String(contentsOfFile: options.credentials, encoding: .utf8).split(separator: "\n")
    var random = SplitMix64(seed: options.seed)
    var plans: [(token: SyncToken, sends: [ExactSend])] = []
    var ids = Set<UUID>()
    var rowsSent = 0
    var kinds: [ExactSend.Kind: Int] = [:]
    let events = try lines.map { line -> (HubEvent, SyncToken) in
        let parts = line.split(separator: "\t", maxSplits: 1)
        let credentials = try JSONDecoder().decode(AddedEvent.self, from: Data(parts[1].utf8))
        let token = try SyncToken(parsing: credentials.token)
        // What makePledges reads of an event: its province (most pledges are made there).
        let event = HubEvent(
            id: EventID(credentials.event)!, name: credentials.event, province: Province(matching: String(parts[0]))!,
            date: CivilDate(year: 2025, month: 10, day: 10), place: String(parts[0]), codeTag: token.codeTag,
            codeKey: token.codeKey, retainPersonalDataUntil: CivilDate(year: 2030, month: 12, day: 31))
        return (event, token)
    }
    // Which batches are sent twice: the share asked, drawn over every event's batches.
    let total = events.count * options.batches
    var order = Array(0..<total)
    for index in order.indices.reversed() { order.swapAt(index, random.below(index + 1)) }
    let disturbed = Set(order.prefix(Int((Double(total) * options.disturbed).rounded())))
    let disturbances: [ExactSend.Kind] = [.duplicate, .replay, .overlap, .ahead]
    let made = try seconds {
        for (number, (event, token)) in events.enumerated() {
            let pledges = makePledges(options.batches * options.rows, of: event, token: token, random: &random)
            ids.formUnion(pledges.map(\.id))
            func body(_ first: Int, _ last: Int) throws -> ByteBuffer {
                let rows = (first...last).map { SyncRow(sequence: $0, pledge: pledges[$0 - 1]) }
                return ByteBuffer(
                    bytes: try JSONEncoder().encode(SyncBatch(event: event.id.rawValue, rows: rows, erasuresSeen: 0)))
            }
            let batches = try (0..<options.batches).map { try body($0 * options.rows + 1, ($0 + 1) * options.rows) }
            var sends: [ExactSend] = []
            for batch in batches.indices {
                let last = (batch + 1) * options.rows
                var kind: ExactSend.Kind? = nil
                if disturbed.contains(number * options.batches + batch) {
                    kind = disturbances[random.below(disturbances.count)]
                    // The first batch has none before it, the last none after it.
                    if batch == 0, kind == .replay || kind == .overlap { kind = .duplicate }
                    if batch == batches.count - 1, kind == .ahead { kind = .duplicate }
                }
                if kind == .ahead {
                    sends.append(ExactSend(kind: .ahead, body: batches[batch + 1], lastSequence: last + options.rows))
                }
                sends.append(ExactSend(kind: .batch, body: batches[batch], lastSequence: last))
                switch kind {
                case .duplicate: sends.append(ExactSend(kind: .duplicate, body: batches[batch], lastSequence: last))
                case .replay:
                    let earlier = random.below(batch)
                    sends.append(
                        ExactSend(kind: .replay, body: batches[earlier], lastSequence: (earlier + 1) * options.rows))
                case .overlap:
                    let (first, end) = (last - options.rows - options.rows / 2 + 1, last - options.rows / 2)
                    sends.append(ExactSend(kind: .overlap, body: try body(first, end), lastSequence: end))
                default: break
                }
            }
            for send in sends { kinds[send.kind, default: 0] += 1 }
            // Every request carries a batch's worth of rows.
            rowsSent += sends.count * options.rows
            plans.append((token, sends))
        }
    }
    log(
        "hub-exact: \(events.count) events, \(ids.count) pledges in \(total) batches of \(options.rows), \(disturbed.count) sent twice, made in \(f(made)) s"
    )

    let (host, port) = (options.hub.host!, options.hub.port!)
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    if let path = options.started { _ = FileManager.default.createFile(atPath: path, contents: nil) }
    let started = DispatchTime.now().uptimeNanoseconds
    let outcomes = await withTaskGroup(of: ExactOutcome.self) { tasks in
        for plan in plans {
            tasks.addTask {
                await uploadExactly(plan.sends, token: plan.token, host: host, port: port, group: group)
            }
        }
        var outcomes: [ExactOutcome] = []
        for await outcome in tasks { outcomes.append(outcome) }
        return outcomes
    }
    let last = outcomes.map(\.lastAcknowledged).max() ?? started
    let wall = Double(max(last, started + 1) - started) / 1e9
    try await group.shutdownGracefully()
    if let failure = outcomes.compactMap(\.failure).first { log("hub-exact: first failure: \(failure)") }
    let failed = outcomes.filter { $0.failure != nil }.count
    print(
        [
            "events=\(events.count)", "batches=\(total)", "rows_per_batch=\(options.rows)",
            "distinct_ids=\(ids.count)", "rows_sent=\(rowsSent)", "requests=\(kinds.values.reduce(0, +))",
            "duplicates=\(kinds[.duplicate] ?? 0)", "replays=\(kinds[.replay] ?? 0)",
            "overlaps=\(kinds[.overlap] ?? 0)", "ahead=\(kinds[.ahead] ?? 0)",
            "acknowledged=\(outcomes.reduce(0) { $0 + $1.acknowledged })",
            "refused_ahead=\(outcomes.reduce(0) { $0 + $1.refusedAhead })",
            "retries=\(outcomes.reduce(0) { $0 + $1.retries })", "failed_events=\(failed)",
            "seconds=\(f(wall, 3))", "rate=\(f(Double(ids.count) / wall, 0))", "made_s=\(f(made, 1))",
        ].joined(separator: " "))
}

/// Sends one event's requests in order, each until the hub has answered it as it must: 200 with
/// an acknowledgement at or past the batch's last sequence (409 for an `ahead` batch). Stops at
/// the first other answer.
func uploadExactly(
    _ sends: [ExactSend], token: SyncToken, host: String, port: Int, group: any EventLoopGroup
) async -> ExactOutcome {
    var outcome = ExactOutcome()
    let settings = HubRelay.Settings()
    for send in sends {
        var backoff = settings.firstBackoff
        while true {
            let answer = await postBatch(send.body, token: token, host: host, port: port, group: group)
            if case (let status, let text, _)? = answer {
                if send.kind == .ahead, status == 409 {
                    outcome.refusedAhead += 1
                    break
                }
                if status == 200 {
                    let acknowledgement = try? JSONDecoder().decode(SyncAcknowledgement.self, from: Data(text.utf8))
                    guard let acknowledged = acknowledgement?.acknowledged, acknowledged >= send.lastSequence else {
                        outcome.failure =
                            "\(send.kind): 200 without an acknowledgement of \(send.lastSequence): \(text.prefix(200))"
                        return outcome
                    }
                    outcome.acknowledged += 1
                    outcome.lastAcknowledged = DispatchTime.now().uptimeNanoseconds
                    break
                }
                guard [408, 429].contains(status) || (500...599).contains(status) else {
                    outcome.failure = "\(send.kind): \(status) \(text.prefix(300))"
                    return outcome
                }
            }
            // Not now: after Retry-After, or the relay's back-off with its jitter.
            outcome.retries += 1
            let wait: Duration
            if let retryAfter = answer?.2 {
                wait = .seconds(retryAfter)
            } else {
                wait = backoff * (0.5 + 0.5 * Double.random(in: 0..<1))
                backoff = min(backoff * 2, settings.longestBackoff)
            }
            try? await Task.sleep(for: wait)
        }
    }
    return outcome
}

/// One `POST /api/sync/batches` on a new connection: the status, the body and `Retry-After`
/// (seconds); nil when no answer came (refused, reset, or none within 60 s).
func postBatch(
    _ body: ByteBuffer, token: SyncToken, host: String, port: Int, group: any EventLoopGroup
) async -> (Int, String, Int?)? {
    do {
        let channel = try await ClientBootstrap(group: group).connect(host: host, port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                    wrappingChannelSynchronously: channel)
            }
        }
        let underlying = channel.channel
        let watchdog = underlying.eventLoop.scheduleTask(in: unansweredAfter) { underlying.close(promise: nil) }
        defer { watchdog.cancel() }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/\(APIPath.syncBatches)")
            head.headers = [
                "Host": "\(host):\(port)", "Content-Type": "application/json",
                "Content-Length": "\(body.readableBytes)", "Authorization": "Bearer \(token.text)",
                "Connection": "close",
            ]
            try await outbound.write(.head(head))
            try await outbound.write(.body(.byteBuffer(body)))
            try await outbound.write(.end(nil))
            var status: Int? = nil
            var retryAfter: Int? = nil
            var answer = ByteBuffer()
            reading: for try await part in inbound {
                switch part {
                case .head(let head):
                    status = Int(head.status.code)
                    retryAfter = head.headers.first(name: "Retry-After").flatMap { Int($0) }
                case .body(var chunk): answer.writeBuffer(&chunk)
                case .end: break reading
                }
            }
            guard let status else { return nil }
            return (status, String(buffer: answer), retryAfter)
        }
    } catch {
        return nil
    }
}
