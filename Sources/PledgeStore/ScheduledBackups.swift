import CoreMetrics
import Foundation
import PledgeKit

#if canImport(Glibc)
    import Glibc
#endif

/// The backups a running service takes on its own (`backup:` in `event.yaml`): every
/// ``interval`` a copy of the store's database (``PledgeStore/backup(to:)``: consistent, verified,
/// mode 0600) into ``folder``, a second disk such as a USB stick, named
/// `kiosk-<event id>-<yyyyMMdd'T'HHmmss'Z'>.sqlite` (UTC); then the oldest of its own files there
/// beyond ``keep`` are deleted, never another file.
///
/// A failure (the stick unplugged, a folder that cannot be written, a full stick) writes nothing
/// at the file's name, is reported and counted (``MetricName/backups`` with `result="failed"`),
/// never touches the pledges, and is tried again at the next tick. Time comes from the caller:
/// ``tick(now:)`` takes one backup at a given moment (tests drive it directly), and ``run(now:sleep:report:)``
/// ticks with an injected clock.
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
    /// The time between two backups.
    public let interval: Duration
    /// How many of its own backups are kept in ``folder``.
    public let keep: Int
    private let succeeded: CoreMetrics.Counter
    private let failed: CoreMetrics.Counter
    private let lastSuccess: Meter

    /// - Parameters:
    ///   - store: the database to copy; its metrics factory counts the backups.
    ///   - folder: where they go (created by the organizer: a missing folder is a failure, so an
    ///     unplugged stick is never replaced by a folder on the system disk).
    ///   - interval: the time between two backups.
    ///   - keep: how many to keep, at least 1.
    public init(store: PledgeStore, folder: String, interval: Duration, keep: Int) {
        self.store = store
        self.folder = folder
        self.interval = interval
        self.keep = max(1, keep)
        let factory = store.metrics.factory
        // Made now, so both results and the gauge are in the first scrape (at 0).
        succeeded = Counter(label: MetricName.backups, dimensions: [("result", "ok")], factory: factory)
        failed = Counter(label: MetricName.backups, dimensions: [("result", "failed")], factory: factory)
        lastSuccess = Meter(label: MetricName.backupLastSuccess, factory: factory)
        lastSuccess.set(0)
    }

    /// The file name of the backup taken at `now`.
    public func fileName(at now: Date) -> String {
        "kiosk-\(store.eventID)-\(Self.stamp(now)).sqlite"
    }

    /// `date` as `yyyyMMdd'T'HHmmss'Z'`, UTC: the stamp in backup file names.
    public static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    /// The names of this event's own backups in ``folder`` (the name ``fileName(at:)`` gives), oldest
    /// first; empty when the folder cannot be read.
    public func ownBackups() -> [String] {
        let prefix = "kiosk-\(store.eventID)-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { name in
            guard name.hasPrefix(prefix), name.hasSuffix(".sqlite") else { return false }
            let stamp = name.dropFirst(prefix.count).dropLast(".sqlite".count)
            return Self.date(String(stamp)) != nil
        }.sorted()
    }

    static func date(_ stamp: String) -> Date? {
        guard stamp.count == 16 else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: stamp)
    }

    /// Takes one backup stamped `now`, verifies it, and deletes the oldest own backups beyond
    /// ``keep``; counts the outcome. Blocks for the copy (seconds for a large file on a slow
    /// stick): call it off Swift's cooperative threads, as ``run(now:sleep:report:)`` does.
    @discardableResult
    public func tick(now: Date) -> Outcome {
        let path = URL(fileURLWithPath: folder).appendingPathComponent(fileName(at: now)).path
        do {
            let copy = try store.backup(to: path)
            var removed: [String] = []
            let own = ownBackups()
            // The new copy is never deleted, even when a clock set back gave it an older name.
            for name in own.prefix(max(0, own.count - keep)) where name != fileName(at: now) {
                let old = URL(fileURLWithPath: folder).appendingPathComponent(name).path
                if unlink(old) == 0 { removed.append(old) }
            }
            removed += removeAbandonedCopies()
            if !removed.isEmpty { try? PledgeStore.syncFolder(of: path) }
            succeeded.increment()
            lastSuccess.set(now.timeIntervalSince1970)
            return .written(copy, removed: removed)
        } catch {
            failed.increment()
            return .failed(reason: "\(error)")
        }
    }

    /// Deletes the hidden temporary files of its own copies (`.kiosk-<event id>-<time>.sqlite.<pid>.partial`)
    /// left by a process that no longer runs (a power cut during a copy): repeated, they would fill
    /// the stick. Returns their paths.
    func removeAbandonedCopies() -> [String] {
        let prefix = ".kiosk-\(store.eventID)-"
        var removed: [String] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        where name.hasPrefix(prefix) && name.hasSuffix(".partial") {
            let parts = name.split(separator: ".")
            guard parts.count >= 4, let pid = Int32(parts[parts.count - 2]), pid != getpid() else { continue }
            // ESRCH: no such process; a copy under way in another live process is left alone.
            guard kill(pid, 0) != 0, errno == ESRCH else { continue }
            let path = URL(fileURLWithPath: folder).appendingPathComponent(name).path
            if unlink(path) == 0 { removed.append(path) }
        }
        return removed
    }

    /// How long after `now` the first backup is due: one ``interval`` after the newest own backup
    /// in the folder (at once when there is none, or it is older), so a service restarted often
    /// does not replace its older backups with copies made minutes apart.
    public func firstDelay(now: Date) -> Duration {
        guard let newest = ownBackups().last,
            let taken = Self.date(String(newest.dropFirst("kiosk-\(store.eventID)-".count).dropLast(".sqlite".count)))
        else { return .zero }
        let due = taken.timeIntervalSince(now) + Double(interval.components.seconds)
        return .seconds(min(max(0, due), Double(interval.components.seconds)))
    }

    /// Ticks until the task is cancelled: first after ``firstDelay(now:)``, then every
    /// ``interval``; each tick runs on a thread of its own and its outcome goes to `report`.
    /// - Parameters:
    ///   - now: the clock that stamps the files.
    ///   - sleep: waits for a duration (throws when cancelled).
    public func run(
        now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        report: @escaping @Sendable (Outcome) -> Void
    ) async {
        var delay = firstDelay(now: now())
        while !Task.isCancelled {
            do { try await sleep(delay) } catch { return }
            let moment = now()
            let outcome = await withCheckedContinuation { continuation in
                Thread { continuation.resume(returning: self.tick(now: moment)) }.start()
            }
            report(outcome)
            delay = interval
        }
    }
}
