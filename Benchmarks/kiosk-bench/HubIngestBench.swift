// `kiosk-bench hub-ingest`: H1, the national hub's ingest (issue 14). Registers N events in the
// hub's store (HubStore, as `kiosk hub add-event` does), makes each event's pledges with codes its
// CodeIssuer issued, then acts as the N event services at once: each uploads its batches of
// consecutive sequences to `POST /api/sync/batches` one after another on its own keep-alive
// connection (SwiftNIO, one event loop thread), sending the next only after the hub's 200, whose
// `acknowledged` must be the batch's last sequence (the hub answers after its commit).
//
//   kiosk-bench hub-ingest --hub http://HOST:PORT[,http://HOST:PORT…] [--database-url postgres://…] [--events 200]
//     [--batches 5] [--rows 500] [--seed 14] [--csv FILE] [--codes FILE] [--hub-pid PID]
//     [--postgres-pid PID]
//
// --csv writes the same rows in hub_pledge's columns (the COPY baseline); --codes writes every
// code, one a line (H2). With --hub-pid and --postgres-pid (the postmaster: its children are
// summed) the CPU seconds each used during the upload are reported. With several hubs (processes
// on one database, H3), event i uploads to the i-th modulo their number. Prints one line of
// `key=value` pairs on stdout (times in seconds, latencies in milliseconds; `last_ack_ns`: the last
// acknowledgement's time on the monotonic clock, DispatchTime's uptime, which other processes of
// the run read too).
import ArgumentParser
import Foundation
import HubCore
import HubStore
import KioskAPI
import KioskTestSupport
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import PledgeKit

struct HubIngestOptions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub-ingest", abstract: "H1: events uploading batches to hubs.")

    func run() async throws { try await hubIngestBench(self) }

    @Option(name: .customLong("hub"), help: "http://HOST:PORT[,…]", transform: hubURLs) var hubs: [URL]
    @Option(name: .customLong("database-url")) var databaseURL: String?
    @Option var events = 200
    @Option var batches = 5
    @Option var rows = SyncBatch.maximumRows
    @Option var seed: UInt64 = 14
    @Option var csv: String?
    @Option var codes: String?
    @Option(name: .customLong("hub-pid")) var hubPID: Int32?
    @Option(name: .customLong("postgres-pid")) var postgresPID: Int32?

    func validate() throws {
        guard (1...SyncBatch.maximumRows).contains(rows), events >= 1, batches >= 1 else {
            throw ValidationError("--events and --batches ≥ 1, --rows 1–\(SyncBatch.maximumRows)")
        }
    }
}

/// Hub URLs, comma-separated, each `http://HOST:PORT`.
func hubURLs(_ text: String) throws -> [URL] {
    let urls = text.split(separator: ",").compactMap { URL(string: String($0)) }
    guard !urls.isEmpty, urls.allSatisfy({ $0.host != nil && $0.port != nil }) else {
        throw ValidationError("--hub http://HOST:PORT[,…]")
    }
    return urls
}

/// One simulated event service: its sync token and its batches, encoded before the clock starts.
struct IngestEvent: Sendable {
    var token: SyncToken
    var bodies: [ByteBuffer]
    var lastSequences: [Int]
}

func hubIngestBench(_ options: HubIngestOptions) async throws {
    let configuration = try HubStoreConfiguration(
        url: options.databaseURL, environment: ProcessInfo.processInfo.environment)
    var logger = Logger(label: "kiosk-bench-hub")
    logger.logLevel = .warning
    let registered = try await withHubStore(configuration, logger: logger, migrate: false) { store in
        try await registerEvents(options.events, in: store)
    }
    var random = SplitMix64(seed: options.seed)
    var csv = options.csv.map { _ in Data() }
    var codes = options.codes.map { _ in Data() }
    var events: [IngestEvent] = []
    let made = try seconds {
        for (event, token) in registered {
            let pledges = makePledges(options.batches * options.rows, of: event, token: token, random: &random)
            if csv != nil { csv!.append(Data(csvLines(pledges, event: event).utf8)) }
            if codes != nil { codes!.append(Data(pledges.map { $0.code + "\n" }.joined().utf8)) }
            var ingest = IngestEvent(token: token, bodies: [], lastSequences: [])
            for start in stride(from: 0, to: pledges.count, by: options.rows) {
                let rows = pledges[start..<min(start + options.rows, pledges.count)].enumerated().map {
                    offset, pledge in
                    SyncRow(sequence: start + offset + 1, pledge: pledge)
                }
                let body = try JSONEncoder().encode(SyncBatch(event: event.id.rawValue, rows: rows, erasuresSeen: 0))
                precondition(body.count <= SyncBatch.maximumBytes, "a batch over the hub's 1 MiB limit")
                ingest.bodies.append(ByteBuffer(bytes: body))
                ingest.lastSequences.append(start + rows.count)
            }
            events.append(ingest)
        }
    }
    if let path = options.csv, let csv { try csv.write(to: URL(fileURLWithPath: path)) }
    if let path = options.codes, let codes { try codes.write(to: URL(fileURLWithPath: path)) }
    let total = options.events * options.batches * options.rows
    log(
        "hub-ingest: \(options.events) events registered, \(total) pledges in batches of \(options.rows) made in \(f(made)) s"
    )

    let hubs = options.hubs.map { (host: $0.host!, port: $0.port!) }
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    // Every connection open before the clock starts: the measure is the hub's, not the handshakes'.
    var channels: [NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>] = []
    for index in events.indices {
        let (host, port) = hubs[index % hubs.count]
        channels.append(
            try await ClientBootstrap(group: group).connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            })
    }

    let cpuBefore = CPUSample(hub: options.hubPID, postgres: options.postgresPID)
    let started = DispatchTime.now().uptimeNanoseconds
    let outcomes = await withTaskGroup(of: IngestOutcome.self) { group in
        for (index, (event, channel)) in zip(events, channels).enumerated() {
            let (host, port) = hubs[index % hubs.count]
            group.addTask { await upload(event, over: channel, host: "\(host):\(port)") }
        }
        var outcomes: [IngestOutcome] = []
        for await outcome in group { outcomes.append(outcome) }
        return outcomes
    }
    // Until the last acknowledgement: an event that gave up waiting does not stretch the time.
    let lastAcknowledged = outcomes.map(\.lastAcknowledged).max() ?? started
    let wall = Double(max(lastAcknowledged, started + 1) - started) / 1e9
    let cpuAfter = CPUSample(hub: options.hubPID, postgres: options.postgresPID)
    try await group.shutdownGracefully()

    let acknowledged = outcomes.reduce(0) { $0 + $1.acknowledgedRows }
    let failed = outcomes.reduce(0) { $0 + $1.failedBatches }
    let latencies = outcomes.flatMap(\.latencies).sorted()
    func percentile(_ p: Double) -> Double {
        latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] * 1000
    }
    if let problem = outcomes.compactMap(\.firstProblem).first { log("hub-ingest: first refusal: \(problem)") }
    var line = [
        "events=\(options.events)", "rows_per_batch=\(options.rows)", "batches=\(latencies.count)",
        "pledges=\(total)", "acknowledged=\(acknowledged)", "failed_batches=\(failed)",
        "retries_503=\(outcomes.reduce(0) { $0 + $1.retries })",
        "unanswered=\(outcomes.reduce(0) { $0 + $1.unanswered })", "seconds=\(f(wall, 3))",
        "rate=\(f(Double(acknowledged) / wall, 0))", "p50_ms=\(f(percentile(0.5)))", "p99_ms=\(f(percentile(0.99)))",
        "client_cpu_s=\(f(cpuAfter.client - cpuBefore.client, 2))", "last_ack_ns=\(lastAcknowledged)",
    ]
    if let hub = cpuAfter.hub, let before = cpuBefore.hub { line.append("hub_cpu_s=\(f(hub - before, 2))") }
    if let postgres = cpuAfter.postgres, let before = cpuBefore.postgres {
        line.append("postgres_cpu_s=\(f(postgres - before, 2))")
    }
    print(line.joined(separator: " "))
}

/// Registers `count` events, each under a new sync token (another tag drawn when one is taken,
/// as `kiosk hub add-event` does).
func registerEvents(_ count: Int, in store: HubStore) async throws -> [(HubEvent, SyncToken)] {
    let provinces = Province.all
    var registered: [(HubEvent, SyncToken)] = []
    for index in 0..<count {
        var event = HubEvent(
            id: EventID(String(format: "bench-hub-%03d", index + 1))!, name: "Lễ phát động \(index + 1)",
            province: provinces[index % provinces.count], date: CivilDate(year: 2025, month: 10, day: 10),
            place: provinces[index % provinces.count].name, codeTag: "", codeKey: [],
            retainPersonalDataUntil: CivilDate(year: 2030, month: 12, day: 31))
        var token = SyncToken.random(tag: CertificateCode.randomTag())
        event.codeTag = token.codeTag
        event.codeKey = token.codeKey
        while try await !register(event, token: token, in: store) {
            token = SyncToken.random(tag: CertificateCode.randomTag())
            event.codeTag = token.codeTag
            event.codeKey = token.codeKey
        }
        registered.append((event, token))
    }
    return registered
}

/// Whether `event` was registered under `token` (false: its code tag is another event's).
func register(_ event: HubEvent, token: SyncToken, in store: HubStore) async throws -> Bool {
    do {
        try await store.addEvent(event, tokenHash: token.storageHash)
        return true
    } catch {
        if error.kind == .codeTagTaken { return false }
        throw error
    }
}

/// `count` pledges of `event` as its outbox sends them: codes from its issuer, numbers from 1,
/// about half named (a name under 16 only with a guardian's consent), most from the event's province.
func makePledges(_ count: Int, of event: HubEvent, token: SyncToken, random: inout SplitMix64) -> [SyncPledge] {
    let issuer = token.codeIssuer
    let families = GeneratedPledges.families.map(VietnameseText.nfc)
    let middles = GeneratedPledges.middles.map(VietnameseText.nfc)
    let givens = GeneratedPledges.givens.map(VietnameseText.nfc)
    let bands: [AgeBand] = GeneratedPledges.bands.flatMap { Array(repeating: $0.0, count: $0.1) }
    let opened = Date(timeIntervalSince1970: 1_760_058_000)  // 10 October 2025, 08:00 in Vietnam.
    return (0..<count).map { index in
        let band = bands[random.below(bands.count)]
        let consent = band.needsGuardianConsent ? random.below(10) < 7 : false
        var name: String? = nil
        if random.below(2) == 0, consent || !band.needsGuardianConsent {
            name =
                "\(families[random.below(families.count)]) \(middles[random.below(middles.count)]) \(givens[random.below(givens.count)])"
        }
        let roll = random.below(10)
        let province: Province? =
            roll < 8 ? event.province : roll < 9 ? Province.all[random.below(Province.all.count)] : nil
        return SyncPledge(
            id: UUID(), code: issuer.newCode().rawValue, kiosk: String(format: "kiosk-%02d", index % 4 + 1),
            number: index + 1, name: name, ageBand: band.rawValue, province: province?.name, guardianConsent: consent,
            createdAt: SyncBatch.text(opened.addingTimeInterval(Double(index) * 0.5)))
    }
}

/// The pledges as CSV lines in the columns `id, code, event_id, kiosk_id, number, name, age_band,
/// province, guardian_consent, created_at` (an empty unquoted field is NULL for COPY … CSV).
func csvLines(_ pledges: [SyncPledge], event: HubEvent) -> String {
    func quoted(_ text: String?) -> String {
        text.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" } ?? ""
    }
    return pledges.map { pledge in
        [
            pledge.id.uuidString.lowercased(), pledge.code, event.id.rawValue, pledge.kiosk, String(pledge.number),
            quoted(pledge.name), pledge.ageBand, quoted(pledge.province), pledge.guardianConsent ? "t" : "f",
            pledge.createdAt,
        ].joined(separator: ",") + "\n"
    }.joined()
}

struct IngestOutcome: Sendable {
    var acknowledgedRows = 0
    /// Batches never acknowledged: refused for good, or unanswered.
    var failedBatches = 0
    /// 503 answers, each followed by the same batch again after Retry-After (as an event's relay does).
    var retries = 0
    /// Requests with no answer within ``unanswered`` (the connection is then closed).
    var unanswered = 0
    var latencies: [Double] = []
    /// When the last acknowledgement arrived (uptime nanoseconds).
    var lastAcknowledged: UInt64 = 0
    var firstProblem: String?
}

/// How long a batch may wait for its answer before the event gives up on the connection.
let unansweredAfter = TimeAmount.seconds(60)

/// Uploads one event's batches in order over `channel`, each after the previous one's 200; sends
/// a batch again after a 503's Retry-After (it applies idempotently); stops at the first other
/// refusal or unanswered request (the later batches would only meet a sequence gap).
func upload(
    _ event: IngestEvent, over channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>, host: String
) async -> IngestOutcome {
    var outcome = IngestOutcome()
    do {
        try await channel.executeThenClose { inbound, outbound in
            var responses = inbound.makeAsyncIterator()
            var index = 0
            while index < event.bodies.count {
                let (body, last) = (event.bodies[index], event.lastSequences[index])
                let sent = DispatchTime.now().uptimeNanoseconds
                var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/\(APIPath.syncBatches)")
                head.headers = [
                    "Host": host, "Content-Type": "application/json", "Content-Length": "\(body.readableBytes)",
                    "Authorization": "Bearer \(event.token.text)",
                ]
                // Closing the connection ends the read below when the hub does not answer in time.
                let underlying = channel.channel
                let watchdog = underlying.eventLoop.scheduleTask(in: unansweredAfter) { underlying.close(promise: nil) }
                try await outbound.write(.head(head))
                try await outbound.write(.body(.byteBuffer(body)))
                try await outbound.write(.end(nil))
                var status: HTTPResponseStatus? = nil
                var retryAfter = 1
                var answer = ByteBuffer()
                reading: while let part = try await responses.next() {
                    switch part {
                    case .head(let head):
                        status = head.status
                        retryAfter = head.headers.first(name: "Retry-After").flatMap { Int($0) } ?? 1
                    case .body(var chunk): answer.writeBuffer(&chunk)
                    case .end: break reading
                    }
                }
                watchdog.cancel()
                let text = String(buffer: answer)
                guard let status else {
                    outcome.unanswered += 1
                    outcome.failedBatches += event.bodies.count - index
                    outcome.firstProblem = outcome.firstProblem ?? "no answer within \(unansweredAfter)"
                    return
                }
                if status == .serviceUnavailable && outcome.retries < 100 {
                    outcome.retries += 1
                    outcome.firstProblem = outcome.firstProblem ?? "\(status.code) \(text.prefix(300))"
                    try await Task.sleep(for: .seconds(retryAfter))
                    continue
                }
                outcome.latencies.append(Double(DispatchTime.now().uptimeNanoseconds - sent) / 1e9)
                let acknowledgement = try? JSONDecoder().decode(SyncAcknowledgement.self, from: Data(text.utf8))
                guard status == .ok, acknowledgement?.acknowledged == last else {
                    outcome.failedBatches += event.bodies.count - index
                    outcome.firstProblem = outcome.firstProblem ?? "\(status.code) \(text.prefix(300))"
                    return
                }
                // Sequences run from 1 without a gap: the rows acknowledged so far are the last one's.
                outcome.acknowledgedRows = last
                outcome.lastAcknowledged = DispatchTime.now().uptimeNanoseconds
                index += 1
            }
        }
    } catch {
        outcome.firstProblem = outcome.firstProblem ?? "connection: \(error)"
    }
    return outcome
}

/// CPU seconds (user + system) used so far by this process, the hub's process and the PostgreSQL
/// postmaster's children (its backends and background workers), from /proc.
struct CPUSample {
    var client: Double
    var hub: Double?
    var postgres: Double?

    init(hub: Int32?, postgres: Int32?) {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        client =
            Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        self.hub = hub.flatMap { Self.ticks(of: $0) }.map { Double($0.cpu) / Self.hertz }
        self.postgres = postgres.map { postmaster in
            var sum = Self.ticks(of: postmaster)?.cpu ?? 0
            let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            for name in processes {
                guard let pid = Int32(name), let stat = Self.ticks(of: pid), stat.parent == postmaster else { continue }
                sum += stat.cpu
            }
            return Double(sum) / Self.hertz
        }
    }

    static let hertz = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// utime + stime (clock ticks) and the parent of process `pid` (/proc/PID/stat, proc(5)).
    static func ticks(of pid: Int32) -> (cpu: Int, parent: Int32)? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command's closing parenthesis, from field 3 (state) on.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let parent = Int32(fields[1]), let user = Int(fields[11]), let system = Int(fields[12])
        else { return nil }
        return (user + system, parent)
    }
}
