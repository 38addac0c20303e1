import PledgeKit
import Synchronization

/// Pledges read since the last commit to the store, by certificate code: one opening of a
/// certificate (the page, then its QR image and its PNG) and a certificate link shared to many
/// viewers at once read the pledge once, not once per request.
///
/// Freshness: a copy is used only while the store's ``ChangeStamping/changeStamp()`` is the one
/// it was read under, so any commit (an erasure through this service, `kiosk erase` or `kiosk
/// purge` in another process, the daily retention sweep, a new pledge) makes the next request
/// read the store; a service without a stamp is always read. Codes that are not found are never
/// kept, so probing for codes fills nothing; at most ``capacity`` pledges are held.
final class RecentPledges: Sendable {
    struct State {
        /// The stamp the entries were read under; another stamp empties them.
        var stamp: Int?
        var entries: [CertificateCode: Pledge] = [:]
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    /// The pledge with `code`, from memory when nothing was committed since it was read, else
    /// from `lookup`; nil when no pledge has the code. Without `stamps` (or a stamp), nothing is kept.
    func pledge(code: CertificateCode, from lookup: any PledgeLookup, stamps: (any ChangeStamping)?)
        async throws(PledgeError) -> Pledge?
    {
        // Taken before the read: a commit between the two makes the copy look older, never newer.
        guard let stamp = stamps?.changeStamp() else { return try await lookup.pledge(code: code) }
        let hit = state.withLock { state -> Pledge? in
            if state.stamp != stamp {
                state.entries.removeAll(keepingCapacity: true)
                state.stamp = stamp
            }
            return state.entries[code]
        }
        if let hit { return hit }
        guard let pledge = try await lookup.pledge(code: code) else { return nil }
        state.withLock { state in
            guard state.stamp == stamp else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[code] = pledge
        }
        return pledge
    }

    /// How many pledges are held (for tests).
    var count: Int { state.withLock { $0.entries.count } }
}
