// `kiosk-bench live`: N Server-Sent Events viewers of a running service's `GET /live/events`
// (SwiftNIO, one event loop thread), then M pledges posted one after another; reports how many
// viewers connected and received the final total, and how long after the last pledge's 201.
//
//   kiosk-bench live --port P [--viewers N] [--pledges M] [--connecting C] [--timeout SECONDS]
//
// Prints one line of `key=value` pairs on stdout (times in milliseconds), for scripts/bench/b6-live.
import ArgumentParser
import Foundation
import KioskService
import NIOCore
import NIOHTTP1
import NIOPosix
import ServerHardening

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

struct LiveBenchOptions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live", abstract: "B6: the live counter's SSE viewers.")

    func run() async throws { try await liveBench(self) }

    @Option(help: "The event service's port on 127.0.0.1.") var port: Int
    @Option var viewers = 5000
    @Option var pledges = 100
    /// Connections being opened at once: the service's listen backlog is 256.
    @Option var connecting = 200
    /// The longest wait for each phase (connecting, the first totals, the final total), in seconds.
    @Option var timeout = 30.0
}

/// What every viewer saw, written from the event loop and read by the driver.
final class LiveTally: @unchecked Sendable {
    private let lock = NSLock()
    private var connected = Set<Int>()
    private var ready = Set<Int>()
    private var finals: [Int: UInt64] = [:]
    /// Viewers whose connection failed or whose stream ended or failed before the final total.
    private var lost = Set<Int>()
    /// The total every viewer waits for; 0 until the pledges are about to be posted.
    private var target = Int.max
    private var channels: [any Channel] = []
    private var openedCount = 0
    /// Viewers with the first totals or lost; with the final total or lost.
    private var settledBefore = Set<Int>()
    private var settledAfter = Set<Int>()

    /// A connection is being opened.
    func opening() { lock.withLock { openedCount += 1 } }
    /// Connections opened so far.
    var opened: Int { lock.withLock { openedCount } }
    func keep(_ channel: any Channel) { lock.withLock { channels.append(channel) } }
    var openChannels: [any Channel] { lock.withLock { channels } }

    func connected(_ viewer: Int) { lock.withLock { _ = connected.insert(viewer) } }
    func failed(_ viewer: Int) {
        lock.withLock {
            lost.insert(viewer)
            settledBefore.insert(viewer)
            settledAfter.insert(viewer)
        }
    }
    func setTarget(_ total: Int) { lock.withLock { target = total } }

    /// A viewer read an SSE message with this total, at this time (monotonic nanoseconds).
    func saw(_ viewer: Int, total: Int, at time: UInt64) {
        lock.withLock {
            ready.insert(viewer)
            settledBefore.insert(viewer)
            if total >= target, finals[viewer] == nil {
                finals[viewer] = time
                settledAfter.insert(viewer)
            }
        }
    }

    var counts: (connected: Int, ready: Int, final: Int, failed: Int) {
        lock.withLock { (connected.count, ready.count, finals.count, lost.count) }
    }
    /// Viewers that have the current totals, or will never get any more.
    var settledBeforePledges: Int { lock.withLock { settledBefore.count } }
    /// Viewers that have the final total, or will never get it.
    var settledAfterPledges: Int { lock.withLock { settledAfter.count } }
    var finalTimes: [UInt64] { lock.withLock { Array(finals.values) } }
}

/// One viewer: sends `GET /live/events` and reads the `total` of every `data:` line.
final class LiveViewerHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let viewer: Int
    let port: Int
    let tally: LiveTally
    /// The bytes of a line not yet ended.
    private var pending = ByteBuffer()

    init(viewer: Int, port: Int, tally: LiveTally) {
        self.viewer = viewer
        self.port = port
        self.tally = tally
    }

    func channelActive(context: ChannelHandlerContext) {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/live/events")
        head.headers.add(name: "Host", value: "127.0.0.1:\(port)")
        head.headers.add(name: "Accept", value: "text/event-stream")
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if head.status == .ok { tally.connected(viewer) } else { tally.failed(viewer) }
        case .body(var buffer):
            let time = DispatchTime.now().uptimeNanoseconds
            pending.writeBuffer(&buffer)
            // Whole lines only (a message may arrive in pieces), read as bytes: this process stands
            // for thousands of phones on the hubs' own cores, so it must cost as little as it can.
            while let newline = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending.readableBytesView[pending.readerIndex..<newline]
                if line.starts(with: Self.dataPrefix), let total = Self.total(in: line) {
                    tally.saw(viewer, total: total, at: time)
                }
                pending.moveReaderIndex(to: newline + 1)
            }
            pending.discardReadBytes()
        case .end:
            tally.failed(viewer)
            context.close(promise: nil)
        }
    }

    static let dataPrefix = Array("data: ".utf8)
    static let totalKey = Array(#""total":"#.utf8)

    /// The number after the last `"total":` of a JSON line.
    static func total(in line: ByteBufferView) -> Int? {
        var end = line.endIndex
        while end - line.startIndex >= totalKey.count {
            let start = end - totalKey.count
            if line[start..<end].elementsEqual(totalKey) {
                let digits = line[end...].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
                guard !digits.isEmpty else { return nil }
                return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            }
            end -= 1
        }
        return nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        tally.failed(viewer)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        tally.failed(viewer)
        context.close(promise: nil)
    }
}

func liveBench(_ options: LiveBenchOptions) async throws {
    let limit = try OpenFilesLimit.raiseSoftToHard().after
    guard limit.soft > UInt64(options.viewers) + 64 else {
        log("open files limit \(limit.soft) is too low for \(options.viewers) viewers")
        exit(1)
    }
    let base = URL(string: "http://127.0.0.1:\(options.port)")!
    let initial = try await liveTotal(base)
    let tally = LiveTally()
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    // 1. Connect the viewers; every one that connected has had the current totals before any
    //    pledge is posted.
    let connectSeconds = await connectViewers(
        options.viewers, ports: [options.port], connecting: options.connecting, timeout: options.timeout,
        tally: tally, group: group)
    let before = tally.counts
    log("live: \(before.connected) of \(options.viewers) viewers connected in \(f(connectSeconds)) s")

    // 2. The pledges, one after another; every viewer waits for the total after the last.
    tally.setTarget(initial + options.pledges)
    var created = 0
    var lastCreated = DispatchTime.now().uptimeNanoseconds
    for index in 0..<options.pledges {
        if try await postLivePledge(base, index: index) == 201 {
            created += 1
            lastCreated = DispatchTime.now().uptimeNanoseconds
        }
    }
    _ = await pollUntil(options.timeout) { tally.settledAfterPledges >= options.viewers }
    let after = tally.counts
    let delays = tally.finalTimes.map { Double(Int64($0) - Int64(lastCreated)) / 1e6 }.sorted()
    let last = delays.last ?? .nan
    let median = delays.isEmpty ? .nan : delays[delays.count / 2]

    for channel in tally.openChannels { channel.close(promise: nil) }
    try await group.shutdownGracefully()
    print(
        [
            "viewers=\(options.viewers)", "connected=\(after.connected)", "ready=\(before.ready)",
            "received=\(after.final)", "failed=\(after.failed)", "pledges=\(options.pledges)",
            "created=\(created)", "final_total=\(initial + options.pledges)", "last_ms=\(f(last))",
            "median_ms=\(f(median))", "connect_s=\(f(connectSeconds))", "open_files=\(limit.soft)",
        ].joined(separator: " "))
}

/// Polls `done` every 20 ms for up to `timeout` seconds; true when it held.
func pollUntil(_ timeout: Double, _ done: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while !done() {
        guard Date() < deadline else { return false }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return true
}

/// The total pledged so far (`GET /api/counts`).
private func liveTotal(_ base: URL) async throws -> Int {
    let (data, _) = try await URLSession.shared.data(from: base.appendingPathComponent("api/counts"))
    let counts = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    return counts?["total"] as? Int ?? 0
}

/// Posts one anonymous pledge (with the kiosk token of `KIOSK_KIOSK_TOKEN`, when set); returns the HTTP status.
private func postLivePledge(_ base: URL, index: Int) async throws -> Int {
    var request = URLRequest(url: base.appendingPathComponent("api/pledges"))
    request.httpMethod = "POST"
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.setValue("live-bench-\(index)-\(UUID().uuidString)", forHTTPHeaderField: "Idempotency-Key")
    // The kiosk token the service requires (scripts/bench/common.sh exports it).
    if let token = ProcessInfo.processInfo.environment["KIOSK_KIOSK_TOKEN"] {
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    }
    request.httpBody = Data(#"{"name":null,"ageBand":"18-24","province":"Hà Nội"}"#.utf8)
    let (_, response) = try await URLSession.shared.data(for: request)
    return (response as? HTTPURLResponse)?.statusCode ?? 0
}

/// Opens `count` viewers of `GET /live/events` on 127.0.0.1, viewer i on `ports[i % ports.count]`,
/// with at most `connecting` of them not yet streaming (a service's listen backlog is 256;
/// connections beyond it would wait for SYN retransmits), then waits until every viewer has had
/// the current totals or is lost (`timeout` seconds at most for each). Returns the seconds taken.
func connectViewers(
    _ count: Int, ports: [Int], connecting: Int, timeout: Double, tally: LiveTally, group: any EventLoopGroup
) async -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    for viewer in 0..<count {
        let moving = await pollUntil(timeout) { tally.opened - tally.settledBeforePledges < connecting }
        guard moving else { break }
        tally.opening()
        let port = ports[viewer % ports.count]
        ClientBootstrap(group: group)
            .connectTimeout(.seconds(Int64(timeout)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(
                        LiveViewerHandler(viewer: viewer, port: port, tally: tally))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .whenComplete { result in
                switch result {
                case .success(let channel): tally.keep(channel)
                case .failure: tally.failed(viewer)
                }
            }
    }
    _ = await pollUntil(timeout) { tally.settledBeforePledges >= count }
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
