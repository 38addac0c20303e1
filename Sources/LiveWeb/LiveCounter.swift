import Foundation
import KioskAPI
import NIOCore
import PledgeKit

/// Pushes the pledge total to every open live page (W3C Server-Sent Events) when pledges commit.
///
/// While nobody watches, a commit reads nothing (at the hub, every commit in the country would
/// read PostgreSQL for no one): the last totals are dropped as out of date, and read again when
/// the first viewer joins (``join()``) or a page asks (``current()``).
///
/// Commits only mark the count dirty; one refresh runs at most every ``interval`` (250 ms, so at
/// most four updates a second whatever the pledge rate; longer with many viewers, see
/// ``pushInterval``): at once when the last one is that long ago (a lone pledge shows without a
/// wait), else when its turn comes, and it reads the totals once from the
/// aggregate table, encodes the SSE message once and hands the same bytes to every viewer (a
/// `ByteBuffer` is shared, not copied, by each write). Each viewer's stream keeps the newest
/// message only: a viewer whose writes fall behind (a slow client, or a hub process writing to
/// thousands at each push) skips to the latest totals instead of writing every stale one, so the
/// writes never pile up, a slow viewer never holds memory or slows the others, and the last
/// totals reach every viewer one round of writes after they are read. One heartbeat task serves
/// every viewer, so a viewer costs its socket and its stream, not a timer of its own.
public actor LiveCounter {
    let source: any LiveSource
    public let interval: Duration
    /// The time a push may take per viewer (a task switch and a socket write each, about 15 µs on
    /// the benchmark machine's cores, H3 in BENCHMARKS.md): the time between two pushes is at
    /// least this much per viewer, so that writing the totals takes a bounded share of the process
    /// however many watch (see ``pushInterval``).
    public let writeCost: Duration
    /// How often every stream gets a comment line (proxies close silent connections).
    public let heartbeat: Duration
    /// Keyed by a counter, not `UUID()`: Foundation's UUID on Linux reads /dev/urandom, and when
    /// the process is out of descriptors (EMFILE, thousands of viewers) every UUID it makes is the
    /// same, so viewers overwrote each other here and their streams were never finished (a
    /// SIGTERM then waited for them forever).
    private var viewers: [Int: AsyncStream<ByteBuffer>.Continuation] = [:]
    private var lastViewerID = 0
    private var latest: (snapshot: LiveSnapshot, message: ByteBuffer)?
    private var refreshScheduled = false
    /// When the last refresh started.
    private var lastRefresh: ContinuousClock.Instant?
    /// Refreshes started, and the number of the newest one whose totals were kept: a read that
    /// took longer than the push interval must not push its older totals after a newer one's.
    private var refreshesStarted = 0
    private var newestKept = 0
    private var beat: Task<Void, Never>?
    fileprivate var closed = false
    /// Refreshes run so far, whether they read the source or, with no viewer, did not: what a test
    /// waits for (each read of the source is the source's to count).
    public private(set) var refreshes = 0

    /// - Parameters:
    ///   - interval: the shortest time between two pushes.
    ///   - heartbeat: the time between two keep-alive comment lines on every stream.
    ///   - writeCost: the time between two pushes per viewer, at least (``writeCost``).
    public init(
        source: any LiveSource, interval: Duration = .milliseconds(250), heartbeat: Duration = .seconds(15),
        writeCost: Duration = .microseconds(50)
    ) {
        self.source = source
        self.interval = interval
        self.heartbeat = heartbeat
        self.writeCost = writeCost
    }

    /// The event service's counter: the totals of `organizer`'s events.
    public init(
        organizer: any OrganizerService, interval: Duration = .milliseconds(250), heartbeat: Duration = .seconds(15),
        writeCost: Duration = .microseconds(50)
    ) {
        self.init(
            source: OrganizerLiveSource(organizer: organizer), interval: interval, heartbeat: heartbeat,
            writeCost: writeCost)
    }

    public var viewerCount: Int { viewers.count }

    /// The time between two pushes now: ``interval``, or ``writeCost`` per viewer when that is
    /// longer (50 µs: 250 ms up to 5,000 viewers, 500 ms with 10,000). Pushing four times a second
    /// to 10,000 viewers on two cores took all their time (40,000 writes a second), so the hub's
    /// syncs slowed and the final totals came seconds late; a push that waits its turn brings the
    /// newest totals anyway.
    public var pushInterval: Duration { max(interval, writeCost * viewers.count) }

    /// Called after a pledge has committed; returns at once.
    public nonisolated func pledgeCommitted() {
        Task { await self.scheduleRefresh() }
    }

    private func scheduleRefresh() {
        guard !refreshScheduled else { return }
        refreshScheduled = true
        // Its turn: a push interval after the last refresh (at once when that is past).
        let wait = lastRefresh.map { $0 + pushInterval - ContinuousClock.now } ?? .zero
        Task {
            if wait > .zero { try? await Task.sleep(for: wait) }
            await refresh()
        }
    }

    private func refresh() async {
        refreshScheduled = false
        lastRefresh = ContinuousClock.now
        defer { refreshes += 1 }
        guard !viewers.isEmpty else {
            // Nobody to push to: no read; the totals held are out of date from now on.
            latest = nil
            return
        }
        refreshesStarted += 1
        let number = refreshesStarted
        guard let snapshot = try? await Self.read(source), number > newestKept else { return }
        newestKept = number
        let message = ByteBuffer(string: Self.message(snapshot))
        latest = (snapshot, message)
        for viewer in viewers.values { viewer.yield(message) }
    }

    static func read(_ source: any LiveSource) async throws(PledgeError) -> LiveSnapshot {
        try await source.liveSnapshot()
    }

    /// The current totals: the last pushed snapshot, or a fresh read.
    public func current() async throws(PledgeError) -> LiveSnapshot {
        if let latest { return latest.snapshot }
        refreshesStarted += 1
        let number = refreshesStarted
        let snapshot = try await Self.read(source)
        if number > newestKept {
            newestKept = number
            latest = (snapshot, ByteBuffer(string: Self.message(snapshot)))
        }
        return snapshot
    }

    /// A new viewer: its id for ``leave(_:)`` and its stream of SSE messages (UTF-8 bytes), which
    /// starts with the current totals when they are known (``current()`` read them); when they are
    /// not (commits came while nobody watched), a refresh reads them at once and pushes them.
    public func join() -> (Int, AsyncStream<ByteBuffer>) {
        let (stream, continuation) = AsyncStream.makeStream(of: ByteBuffer.self, bufferingPolicy: .bufferingNewest(1))
        lastViewerID += 1
        let id = lastViewerID
        guard !closed else {
            continuation.finish()
            return (id, stream)
        }
        viewers[id] = continuation
        if let latest {
            continuation.yield(latest.message)
        } else if !refreshScheduled {
            refreshScheduled = true
            Task { await refresh() }
        }
        if beat == nil {
            // Weak: a counter nobody uses any more (a stopped test server) ends its heartbeat.
            beat = Task { [weak self, heartbeat] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: heartbeat)
                    guard let self else { return }
                    await self.sendHeartbeat()
                }
            }
        }
        return (id, stream)
    }

    public func leave(_ id: Int) {
        viewers.removeValue(forKey: id)?.finish()
    }

    /// A comment line to every viewer: keeps proxies from closing a quiet stream, finds closed
    /// viewers. A viewer with totals not yet written keeps them (they keep the stream alive as well):
    /// the comment never takes their place in its one-message stream.
    func sendHeartbeat() {
        for viewer in viewers.values {
            if case .dropped(let pending) = viewer.yield(Self.keepAlive), pending != Self.keepAlive {
                viewer.yield(pending)
            }
        }
    }

    static let keepAlive = ByteBuffer(string: ": keep-alive\n\n")

    /// One SSE message: event `count`, data one line of JSON (keys sorted).
    static func message(_ snapshot: LiveSnapshot) -> String {
        let json = String(decoding: (try? WireJSON.encode(snapshot)) ?? Data("{}".utf8), as: UTF8.self)
        return "event: count\ndata: \(json)\n\n"
    }
}

/// The live counter hears of every pledge recorded, after the commit: an observer of the one
/// recorder the terminal front and the HTTP routes share, so pledges from either reach the screen.
extension LiveCounter: PledgeObserver {
    public nonisolated func pledgeRecorded(_ outcome: RecordOutcome, kioskID: KioskID?) {
        pledgeCommitted()
    }
}

extension LiveCounter {
    /// Ends every viewer's stream and refuses new ones: called when the service stops, so open
    /// live pages never hold up a shutdown (EventSource reconnects when the service is back).
    public func close() {
        closed = true
        beat?.cancel()
        beat = nil
        for viewer in viewers.values { viewer.finish() }
        viewers.removeAll()
    }
}
