import HubCore
import PledgeKit
import Synchronization

/// Each event's part of an answer across events (its published table, its counts), kept per
/// `Key` with the event's count version (``HubCore/CountVersions``) at the time it was read. An
/// event's counters change only by its new pledges, whose commit moves its version (every hub
/// hears of it), or unseen (a repair, a gap in the notifications), which moves the generation; so
/// a kept part whose event has the same version under the same generation is current, and after
/// a commit only the events it moved are read again.
final class EventParts<Key: Hashable & Sendable, Part: Sendable>: Sendable {
    typealias Read = (part: Part, total: Int)

    private struct Kept {
        var generation: Int
        /// Each event's part, with the event's version when it was read.
        var parts: [String: (read: Read, version: Int)]
    }

    private let kept = Mutex<[Key: Kept]>([:])
    /// When more events than this moved, one read of every event replaces a read of each.
    let mostSingleReads: Int

    init(mostSingleReads: Int = 8) { self.mostSingleReads = mostSingleReads }

    /// Every event's part: the kept ones whose version is still the one in `versions`, the others
    /// read by `read` (given an event: that event's parts; given nil: every event's). With no
    /// versions (the store cannot tell), every event is read and nothing kept.
    /// - Throws: ``HubCore/HubError`` from `read`; then nothing is kept from this call.
    func parts(
        _ key: Key, versions: CountVersions?, read: (EventID?) async throws(HubError) -> [String: Read]
    ) async throws(HubError) -> [Read] {
        guard let versions else { return Array(try await read(nil).values) }
        // The versions are taken before any read: a commit after them moves a version again.
        var parts = kept.withLock { $0[key].flatMap { $0.generation == versions.generation ? $0.parts : nil } }
        let moved = parts.map { parts in versions.events.filter { parts[$0.key]?.version != $0.value }.map(\.key) }
        if var current = parts, let moved, moved.count <= mostSingleReads {
            for event in moved {
                // A well-formed id: notifications and own commits name registered events only.
                guard let id = EventID(event) else { continue }
                current[event] = try await read(id)[event].map { ($0, versions.version(of: event)) }
            }
            parts = current
        } else {
            // Each with its own version (0 for an event not moved since listening began).
            parts = try await read(nil).reduce(into: [:]) { $0[$1.key] = ($1.value, versions.version(of: $1.key)) }
        }
        let result = parts ?? [:]
        kept.withLock { $0[key] = Kept(generation: versions.generation, parts: result) }
        return result.values.map(\.read)
    }
}
