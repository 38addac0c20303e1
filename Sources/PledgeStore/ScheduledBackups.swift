import CoreMetrics
import Foundation
import PledgeKit

#if canImport(Glibc)
    import Glibc
#endif

/// The backups a running service takes on its own (`backup:` in `event.yaml`): every
/// ``interval`` a copy of the store's database (``PledgeStore/backup(to:)``: consistent, verified,
/// mode 0600) into ``folder``, a second disk such as a USB stick, named
/// `kiosk-<event id>-<kiosk id>-<sequence, 6 digits>-<yyyyMMdd'T'HHmmss'Z'>.sqlite` (UTC; the
/// sequence is the highest of its own files' plus one); then the oldest of its own files there (by
/// sequence, never by stamp: a clock once ahead does not reorder them) beyond ``keep`` are deleted,
/// never another file. Its own files (``ownBackups()``) have that name, begin with the SQLite header
/// and hold this event: a foreign file named like one, or another kiosk's backups on a shared stick,
/// are never deleted nor reconciled.
///
/// A folder on the database's own disk is refused (``sameDisk`` allows it): it is what an
/// unmounted stick's empty mount point is, and copies written there would be hidden, beyond any
/// later erasure, once the stick is mounted over them.
///
/// A failure (the stick unplugged, a folder that cannot be written, a full stick) writes nothing
/// at the file's name, is reported and counted (``MetricName/backups`` with `result="failed"`),
/// never touches the pledges, and is tried again at the next tick. Time comes from the caller:
/// ``tick(now:)`` takes one backup at a given moment (tests drive it directly), and ``run(now:sleep:report:)``
/// ticks with an injected clock.
///
/// Erasure and retention reach these files: ``reconcile(now:)`` applies the live database's
/// erasures and retention purge to each of them, right after each erasure or purge and at each tick.
public final class ScheduledBackups: Sendable {
    /// What one tick did.
    public enum Outcome: Sendable, Equatable {
        /// The copy was written and verified; `removed`: the paths of older own backups deleted (and
        /// of temporary files abandoned by a copy in a process that no longer runs).
        case written(DatabaseCopy, removed: [String])
        /// Nothing was written; `reason` names paths and the system's words, never personal data.
        case failed(reason: String)
    }

    let store: PledgeStore
    /// The folder the backups go to (absolute).
    public let folder: String
    /// The kiosk whose backups these are (`kiosk.id` of `event.yaml`): part of each name, so two
    /// kiosks of one event sharing a stick keep apart.
    public let kioskID: String
    /// Whether a ``folder`` on the database's own disk is allowed (`backup.sameDisk`); false: such a
    /// backup is refused and counted failed.
    public let sameDisk: Bool
    /// The time between two backups.
    public let interval: Duration
    /// How many of its own backups are kept in ``folder``.
    public let keep: Int
    private let succeeded: CoreMetrics.Counter
    private let failed: CoreMetrics.Counter
    private let lastSuccess: Meter
    /// Backups an erasure or purge could not reach (``reconcile(now:)``).
    let notReconciled: CoreMetrics.Counter
    /// The event's retention deadline, nil: none.
    let retentionDeadline: Date?
    /// One tick or reconciliation at a time: never two writers on one backup file.
    let lock = AsyncLock()

    /// - Parameters:
    ///   - store: the database to copy; its metrics factory counts the backups.
    ///   - kioskID: this kiosk's id (`kiosk.id`), part of each name.
    ///   - folder: where they go (created by the organizer: a missing folder is a failure, so an
    ///     unplugged stick is never replaced by a folder on the system disk).
    ///   - interval: the time between two backups.
    ///   - keep: how many to keep, at least 1.
    ///   - sameDisk: allow a folder on the database's own disk (`backup.sameDisk`).
    ///   - retentionDeadline: the event's (``EventConfiguration/retentionDeadline``): when the live
    ///     database had its retention purge, the backups get it too (``reconcile(now:)``).
    public init(
        store: PledgeStore, kioskID: String, folder: String, interval: Duration, keep: Int, sameDisk: Bool = false,
        retentionDeadline: Date? = nil
    ) {
        self.store = store
        self.kioskID = kioskID
        self.sameDisk = sameDisk
        self.retentionDeadline = retentionDeadline
        self.folder = folder
        self.interval = interval
        self.keep = max(1, keep)
        let factory = store.metrics.factory
        // Made now, so both results and the gauge are in the first scrape (at 0).
        succeeded = Counter(label: MetricName.backups, dimensions: [("result", "ok")], factory: factory)
        failed = Counter(label: MetricName.backups, dimensions: [("result", "failed")], factory: factory)
        notReconciled = Counter(
            label: MetricName.backups, dimensions: [("result", "erasure_failed")], factory: factory)
        lastSuccess = Meter(label: MetricName.backupLastSuccess, factory: factory)
        lastSuccess.set(0)
    }

    /// Takes one backup stamped `now`, verifies it, and deletes the oldest own backups beyond
    /// ``keep``; counts the outcome. The copy (seconds for a large file on a slow stick) runs on a
    /// thread of its own, off Swift's cooperative threads.
    ///
    /// First, under the same lock as erasures, every own backup is brought in line with the live
    /// database (``reconcile(now:)``): a stick unplugged during an erasure is fixed when it is back.
    /// - Parameter reconciled: receives what the reconciliation did (logged by the service).
    @discardableResult
    public func tick(now: Date, reconciled: @Sendable (Reconciliation) -> Void = { _ in }) async -> Outcome {
        await lock.lock()
        defer { lock.unlock() }
        // An unreadable folder is this tick's copy failure, counted once as `failed` (a trial saw a
        // missing folder counted as `erasure_failed` when no erasure had happened).
        reconciled(await reconcileUnlocked(now: now, countUnreadableFolder: false))
        return await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.copy(now: now)) }.start()
        }
    }

    /// The copy and the deletion of old copies of ``tick(now:reconciled:)``; blocks.
    private func copy(now: Date) -> Outcome {
        if let refusal = sameDiskRefusal() {
            failed.increment()
            return .failed(reason: refusal)
        }
        let sequence = (((try? ownBackups(reading: ())) ?? []).last?.sequence ?? 0) + 1
        let name = fileName(sequence: sequence, at: now)
        let path = URL(fileURLWithPath: folder).appendingPathComponent(name).path
        do {
            let copy = try store.backup(to: path)
            var removed: [String] = []
            // By sequence: the new copy is never deleted, whatever the clock stamped on the others.
            let others = ((try? ownBackups(reading: ())) ?? []).filter { $0.name != name }
            for old in others.prefix(max(0, others.count - (keep - 1))) {
                let oldPath = URL(fileURLWithPath: folder).appendingPathComponent(old.name).path
                if unlink(oldPath) == 0 { removed.append(oldPath) }
            }
            removed += PledgeStore.removeAbandonedCopies(in: folder) { parse($0) != nil }
            if !removed.isEmpty { try? PledgeStore.syncFolder(of: path) }
            succeeded.increment()
            lastSuccess.set(now.timeIntervalSince1970)
            return .written(copy, removed: removed)
        } catch {
            failed.increment()
            return .failed(reason: "\(error)")
        }
    }

    /// How long after `now` the first backup is due: one ``interval`` after the newest own backup
    /// in the folder, the one of highest sequence (at once when there is none, it is older, or its
    /// stamp is in the future: a clock that was ahead is not trusted), so a service restarted often
    /// does not replace its older backups with copies made minutes apart.
    public func firstDelay(now: Date) -> Duration {
        guard let newest = ((try? ownBackups(reading: ())) ?? []).last, newest.taken <= now else { return .zero }
        let due = newest.taken.timeIntervalSince(now) + Double(interval.components.seconds)
        return .seconds(min(max(0, due), Double(interval.components.seconds)))
    }

    /// Ticks until the task is cancelled: first after ``firstDelay(now:)``, then every
    /// ``interval``; each tick's outcome goes to `report`.
    /// - Parameters:
    ///   - now: the clock that stamps the files.
    ///   - sleep: waits for a duration (throws when cancelled).
    ///   - reconciled: what each tick's ``reconcile(now:)`` did.
    public func run(
        now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        reconciled: @escaping @Sendable (Reconciliation) -> Void = { _ in },
        report: @escaping @Sendable (Outcome) -> Void
    ) async {
        var delay = firstDelay(now: now())
        while !Task.isCancelled {
            do { try await sleep(delay) } catch { return }
            report(await tick(now: now(), reconciled: reconciled))
            delay = interval
        }
    }
}
