import HubCore
import PledgeKit
import Synchronization

/// Each event's part of an answer across events (its published table, its counts), kept per
/// `Key` with the event's pledge total (``HubCore/HubRecords/eventTotals()``) and the store's
/// count generation (``HubCore/HubRecords/countGeneration()``). An event's counters change only
/// by its new pledges, which always move its total, or by a repair, which moves the generation;
/// so a kept part whose event has the same total under the same generation is current, and only
/// the others are read again.
final class EventParts<Key: Hashable & Sendable, Part: Sendable>: Sendable {
    typealias Read = (part: Part, total: Int)

    private struct Kept {
        var generation: Int
        var parts: [String: Read]
    }

    private let kept = Mutex<[Key: Kept]>([:])
    /// When more events than this moved, one read of every event replaces a read of each.
    let mostSingleReads: Int

    init(mostSingleReads: Int = 8) { self.mostSingleReads = mostSingleReads }

    /// Every event's part: kept ones whose total is still the one `totals` gives under
    /// `generation`, the others read by `read` (given an event: that event's parts; given nil:
    /// every event's). With no generation (the store cannot tell), every event is read, the
    /// totals are not, and nothing is kept.
    /// - Throws: ``HubCore/HubError`` from `totals` or `read`; then nothing is kept from this call.
    func parts(
        _ key: Key, generation: Int?, totals: () async throws(HubError) -> [String: Int],
        read: (EventID?) async throws(HubError) -> [String: Read]
    ) async throws(HubError) -> [Read] {
        guard let generation else { return Array(try await read(nil).values) }
        let totals = try await totals()
        var parts = kept.withLock { $0[key].flatMap { $0.generation == generation ? $0.parts : nil } } ?? [:]
        let moved = totals.filter { parts[$0.key]?.total != $0.value }.map(\.key)
        if parts.isEmpty || moved.count > mostSingleReads {
            parts = try await read(nil)
        } else {
            for event in moved {
                // A well-formed id: the counters hold only registered events' ids.
                guard let id = EventID(event) else { continue }
                parts[event] = try await read(id)[event]
            }
        }
        kept.withLock { $0[key] = Kept(generation: generation, parts: parts) }
        return Array(parts.values)
    }
}
