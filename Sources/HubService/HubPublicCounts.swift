import HubCore
import PledgeKit
import Synchronization

/// The hub's public answers across events (`/api/public/counts` and `/api/counts` without
/// `event`, the `/national` page): each the sum of every event's own published table
/// (``HubCore/HubTally/acrossEvents(_:dimensions:total:)``), so no two public answers can be
/// subtracted to show a group below k = 5. Each answer is kept while the store's count stamp
/// (``HubCore/HubRecords/countStamp()``) is unchanged: it moves on every commit of pledges
/// notified to this process (`hub_counts`) and on this process's own commits, so an answer is
/// never served after the commit that changes it is known here; with no stamp (not listening)
/// every request reads the counters. The requests that ask at once under a new stamp share one
/// read (a livestream's viewers after each commit).
///
/// Under a new stamp, each event's part (its published table, its counts) is read again only
/// when its count version moved (``EventParts``): a commit of one event's batch costs that
/// event's tally, not every event's (H5 in BENCHMARKS.md).
final class HubPublicCounts: Sendable {
    let records: any HubRecords
    private let breakdowns = StampedAnswers<[CountDimension], Breakdown>()
    private let counts = StampedAnswers<Bool, ChannelCounts>()
    private let eventTables = EventParts<[CountDimension], Breakdown>()
    private let eventCounts = EventParts<Bool, ChannelCounts>()

    init(records: any HubRecords) { self.records = records }

    /// The public breakdown by `dimensions` (of ``HubCore/HubCountDimensions/all``, allowed for
    /// the public) across every event; without dimensions, the exact total alone.
    func breakdown(by dimensions: [CountDimension]) async throws(HubError) -> Breakdown {
        let records = records
        // The stamp first: a commit moves its event's version before the stamp, so versions read
        // after the stamp are never older than the answer kept under it.
        let stamp = records.countStamp()
        let versions = records.countVersions()
        return try await breakdowns.answer(dimensions, stamp: stamp) { () async throws(HubError) in
            guard !dimensions.isEmpty else {
                return try await records.tally(by: [.event], event: nil, withholding: false).publishedAcrossEvents
            }
            let tables = try await self.eventTables.parts(dimensions, versions: versions) {
                (event: EventID?) async throws(HubError) in
                try await records.tally(by: [.event] + dimensions, event: event, withholding: true).byEvent
                    .mapValues { (part: $0.published, total: $0.exact.total) }
            }
            return HubTally.acrossEvents(
                tables.map(\.part), dimensions: dimensions, total: tables.reduce(0) { $0 + $1.total })
        }
    }

    /// The public counts across every event in the event service's shape: each event's own
    /// (``HubCountsRoutes/counts(_:)``) summed key by key; the total exact.
    func counts() async throws(HubError) -> ChannelCounts {
        let records = records
        let stamp = records.countStamp()
        let versions = records.countVersions()
        return try await counts.answer(true, stamp: stamp) { () async throws(HubError) in
            let parts = try await self.eventCounts.parts(true, versions: versions) {
                (event: EventID?) async throws(HubError) in
                try await records.tally(by: [.event, .ageBand, .province, .channel], event: event, withholding: true)
                    .byEvent.mapValues { (part: HubCountsRoutes.counts($0), total: $0.exact.total) }
            }
            return ChannelCounts.sum(parts.map(\.part))
        }
    }
}

/// Answers kept per count stamp, each read once per stamp however many ask for it at once.
final class StampedAnswers<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let entries = Mutex<[Key: (stamp: Int, read: Task<Result<Value, HubError>, Never>)]>([:])

    /// The answer for `key` read under `stamp` (by this call, or by one before it or beside it);
    /// with no stamp, read now and not kept. A failed read is not kept.
    func answer(
        _ key: Key, stamp: Int?, read: @escaping @Sendable () async throws(HubError) -> Value
    ) async throws(HubError) -> Value {
        guard let stamp else { return try await read() }
        let task = entries.withLock { entries in
            if let entry = entries[key], entry.stamp == stamp { return entry.read }
            let task = Task { () async -> Result<Value, HubError> in
                do throws(HubError) { return .success(try await read()) } catch { return .failure(error) }
            }
            entries[key] = (stamp, task)
            return task
        }
        switch await task.value {
        case .success(let value): return value
        case .failure(let error):
            entries.withLock { if $0[key]?.stamp == stamp { $0[key] = nil } }
            throw error
        }
    }
}

extension ChannelCounts {
    /// The counts of `parts` added up; zero of everything for none.
    static func sum(_ parts: [ChannelCounts]) -> ChannelCounts {
        var answer = ChannelCounts(total: 0, byAgeBand: [:], byProvince: [:], byChannel: [:])
        for part in parts { answer.add(part) }
        return answer
    }

    /// Adds `other`'s total and each of its groups (`other` to `other`).
    mutating func add(_ other: ChannelCounts) {
        total += other.total
        byAgeBand.merge(other.byAgeBand, uniquingKeysWith: +)
        byProvince.merge(other.byProvince, uniquingKeysWith: +)
        byChannel.merge(other.byChannel, uniquingKeysWith: +)
    }
}
