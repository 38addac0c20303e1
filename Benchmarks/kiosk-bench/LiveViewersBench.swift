// `kiosk-bench live-viewers`: H3's viewers of the national hub's live counter. Opens N Server-Sent
// Events viewers of `GET /live/events`, spread round robin over the given ports (hub processes on
// one database), with the same viewer as `kiosk-bench live` (SwiftNIO, one event loop thread).
// Once every viewer has had the current totals it prints a `ready …` line, then reads the total
// to wait for from standard input (one line, sent before the commits start), waits until every
// viewer has read a total at least that high, writes the time each one did (DispatchTime's
// uptime in nanoseconds, the clock `kiosk-bench hub-ingest` reports `last_ack_ns` on) to --times,
// one a line, and prints a `done …` line.
//
//   kiosk-bench live-viewers --ports P1[,P2…] [--viewers N] [--connecting C] [--timeout SECONDS]
//     [--times FILE]
//
// A process holds at most its open files limit of sockets: for more viewers than that, the
// script (scripts/bench/h3-live-hub) starts several of these.
import ArgumentParser
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import ServerHardening

struct LiveViewersOptions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live-viewers",
        abstract: "H3: SSE viewers of the hubs' live counter (the total to wait for on stdin).")

    func run() async throws { try await liveViewersBench(self) }

    @Option(help: "The hubs' ports on 127.0.0.1, comma-separated.", transform: Self.ports) var ports: [Int]
    @Option var viewers = 10_000
    /// Connections being opened at once: each hub's listen backlog is 256.
    @Option var connecting = 200
    /// The longest wait for each phase (connecting, the first totals, the final total), in seconds.
    @Option var timeout = 60.0
    @Option(help: "File each viewer's time goes to.") var times: String?

    static func ports(_ text: String) throws -> [Int] {
        let ports = text.split(separator: ",").compactMap { Int($0) }
        guard !ports.isEmpty else { throw ValidationError("--ports P1[,P2…]") }
        return ports
    }

    func validate() throws {
        guard viewers >= 1 else { throw ValidationError("--viewers ≥ 1") }
    }
}

func liveViewersBench(_ options: LiveViewersOptions) async throws {
    let limit = try OpenFilesLimit.raiseSoftToHard().after
    guard limit.soft > UInt64(options.viewers) + 16 else {
        log("open files limit \(limit.soft) is too low for \(options.viewers) viewers: start more processes")
        exit(1)
    }
    let tally = LiveTally()
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let connectSeconds = await connectViewers(
        options.viewers, ports: options.ports, connecting: options.connecting, timeout: options.timeout,
        tally: tally, group: group)
    let before = tally.counts
    say(
        "ready viewers=\(options.viewers) connected=\(before.connected) ready=\(before.ready) failed=\(before.failed) connect_s=\(f(connectSeconds))"
    )

    // The total to wait for, from the driver, before any commit.
    let line = await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: readLine()) }
    }
    guard let target = line.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
        log("live-viewers: no total to wait for on standard input")
        exit(2)
    }
    tally.setTarget(target)
    let cpuAtTarget = CPUSample(hub: nil, postgres: nil).client
    _ = await pollUntil(options.timeout) { tally.settledAfterPledges >= options.viewers }
    let after = tally.counts
    let cpuUsed = CPUSample(hub: nil, postgres: nil).client - cpuAtTarget
    if let path = options.times {
        try Data(tally.finalTimes.map { "\($0)\n" }.joined().utf8).write(to: URL(fileURLWithPath: path))
    }
    for channel in tally.openChannels { channel.close(promise: nil) }
    try await group.shutdownGracefully()
    say(
        "done viewers=\(options.viewers) connected=\(after.connected) received=\(after.final) failed=\(after.failed) target=\(target) open_files=\(limit.soft) cpu_s=\(f(cpuUsed, 2))"
    )
}

/// One line on standard output, at once (the driver reads it while this process goes on).
private func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
