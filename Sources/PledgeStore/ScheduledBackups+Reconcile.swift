import CoreMetrics
import Foundation

// Erasure and retention reach the backups.
extension ScheduledBackups {
    /// What one reconciliation (``reconcile(now:)``) did to the own backups in ``folder``.
    public struct Reconciliation: Sendable, Equatable {
        /// Backups changed to match the live database.
        public var updated = 0
        /// Backups already in line (not written).
        public var unchanged = 0
        /// Why a backup (or the folder) could not be reached: paths and the system's words, never
        /// personal data. Each was counted (``MetricName/backups``, `result="erasure_failed"`) and
        /// is tried again at the next tick.
        public var failures: [String] = []
        public init() {}
    }

    /// Brings every own backup in ``folder`` (the files ``ownBackups()`` names, never another) in
    /// line with the live database's erasures and retention purge
    /// (``PledgeStore/reconcile(copy:eventID:links:with:)``): run right after each erasure or
    /// purge commits, and by each ``tick(now:reconciled:)`` before its copy. Never throws: a backup
    /// that cannot be opened or written (the stick unplugged) is a failure, counted, and left to the
    /// next tick; the erasure itself stands.
    /// - Parameter now: the moment the retention deadline is compared with.
    public func reconcile(now: Date = Date()) async -> Reconciliation {
        await lock.lock()
        defer { lock.unlock() }
        return await reconcileUnlocked(now: now, countUnreadableFolder: true)
    }

    func reconcileUnlocked(now: Date, countUnreadableFolder: Bool) async -> Reconciliation {
        var result = Reconciliation()
        let names: [String]
        do {
            names = try ownBackups(reading: ()).map(\.name)
        } catch {
            guard countUnreadableFolder else { return result }
            result.failures.append(
                "the backup folder \(folder) cannot be read (missing, or the stick unplugged?)")
            notReconciled.increment()
            return result
        }
        guard !names.isEmpty else { return result }
        let state: ErasureState
        do {
            state = try await store.erasureState(retentionDeadline: retentionDeadline, now: now)
        } catch {
            result.failures.append("the live database's erasures cannot be read: \(error)")
            notReconciled.increment()
            return result
        }
        for name in names {
            let path = URL(fileURLWithPath: folder).appendingPathComponent(name).path
            do {
                let changed = try await PledgeStore.reconcile(
                    copy: path, eventID: store.eventID, links: store.links, with: state)
                if changed { result.updated += 1 } else { result.unchanged += 1 }
            } catch {
                result.failures.append("\(path): \(error)")
                notReconciled.increment()
            }
        }
        return result
    }
}
