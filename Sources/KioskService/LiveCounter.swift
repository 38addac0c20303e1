import Foundation
import PledgeKit

/// What the live counter shows: the total over every event and a line per event.
public struct LiveSnapshot: Codable, Sendable, Equatable {
    public var total: Int
    public var events: [EventTotal]
}

/// Pushes the pledge total to every open live page (W3C Server-Sent Events) when pledges commit.
///
/// Commits only mark the count dirty; one refresh runs at most every ``interval`` (250 ms, so at
/// most four updates a second whatever the pledge rate), reads the totals once from the
/// aggregate table and hands the same snapshot to every viewer. Each viewer's stream keeps a
/// few newest events only, so a slow viewer never holds memory or slows the others.
public actor LiveCounter {
    public enum Event: Sendable {
        case snapshot(LiveSnapshot)
        /// A comment line that keeps proxies from closing an idle stream and finds closed viewers.
        case heartbeat
    }

    let source: any OrganizerService
    public let interval: Duration
    private var viewers: [UUID: AsyncStream<Event>.Continuation] = [:]
    private var latest: LiveSnapshot?
    private var refreshScheduled = false
    fileprivate var closed = false

    public init(source: any OrganizerService, interval: Duration = .milliseconds(250)) {
        self.source = source
        self.interval = interval
    }

    public var viewerCount: Int { viewers.count }

    /// Called after a pledge has committed; returns at once.
    public nonisolated func pledgeCommitted() {
        Task { await self.scheduleRefresh() }
    }

    private func scheduleRefresh() {
        guard !refreshScheduled else { return }
        refreshScheduled = true
        Task {
            try? await Task.sleep(for: interval)
            await refresh()
        }
    }

    private func refresh() async {
        refreshScheduled = false
        guard let snapshot = try? await Self.read(source) else { return }
        latest = snapshot
        for viewer in viewers.values { viewer.yield(.snapshot(snapshot)) }
    }

    static func read(_ source: any OrganizerService) async throws(PledgeError) -> LiveSnapshot {
        let events = try await source.eventTotals()
        return LiveSnapshot(total: events.reduce(0) { $0 + $1.count }, events: events)
    }

    /// The current totals: the last pushed snapshot, or a fresh read.
    public func current() async throws(PledgeError) -> LiveSnapshot {
        if let latest { return latest }
        let snapshot = try await Self.read(source)
        latest = snapshot
        return snapshot
    }

    /// A new viewer: its stream of events, and its id for ``leave(_:)``.
    public func join() -> (UUID, AsyncStream<Event>, AsyncStream<Event>.Continuation) {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(4))
        let id = UUID()
        if closed {
            continuation.finish()
        } else {
            viewers[id] = continuation
        }
        return (id, stream, continuation)
    }

    public func leave(_ id: UUID) {
        viewers.removeValue(forKey: id)?.finish()
    }
}

/// A pledge service that tells the live counter about every pledge it records, after the commit.
/// The terminal front and the HTTP routes share one, so pledges from either reach the screen.
public struct CommitNotifyingService: PledgeService {
    public let base: any PledgeService
    public let live: LiveCounter

    public func record(
        _ draft: PledgeDraft, idempotencyKey: IdempotencyKey, kioskID: String?, code: CertificateCode?
    ) async throws(PledgeError) -> PledgeReceipt {
        let receipt = try await base.record(draft, idempotencyKey: idempotencyKey, kioskID: kioskID, code: code)
        live.pledgeCommitted()
        return receipt
    }

    public func pledge(code: CertificateCode) async throws(PledgeError) -> Pledge? {
        try await base.pledge(code: code)
    }

    public func counts() async throws(PledgeError) -> PledgeCounts {
        try await base.counts()
    }
}

extension LiveCounter {
    /// Ends every viewer's stream and refuses new ones: called when the service stops, so open
    /// live pages never hold up a shutdown (EventSource reconnects when the service is back).
    public func close() {
        closed = true
        for viewer in viewers.values { viewer.finish() }
        viewers.removeAll()
    }
}
