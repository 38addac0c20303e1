import CertificateWeb
import Foundation
import KioskService
import Logging
import PledgeKit
import PledgeStore

#if canImport(Glibc)
    import Glibc
#endif

extension ServiceStartup {
    /// The service's scheduled backups for `schedule`; warns at start-up when the folder is missing
    /// or on the database's own disk (a copy there does not survive that disk).
    static func scheduledBackups(
        _ schedule: EventConfiguration.BackupSchedule, store: PledgeStore, retentionDeadline: Date?, logger: Logger
    ) -> ScheduledBackups {
        // The store's default kiosk id is the configuration's `kiosk.id`.
        let backups = ScheduledBackups(
            store: store, kioskID: store.defaultKioskID, folder: schedule.folder,
            interval: .seconds(schedule.everyMinutes * 60), keep: schedule.keep, sameDisk: schedule.sameDisk,
            retentionDeadline: retentionDeadline)
        var folder = stat()
        var database = stat()
        if stat(schedule.folder, &folder) != 0 {
            logger.warning(
                "backup folder missing: scheduled backups fail until it is there (is the USB stick plugged in?)",
                metadata: ["backup.folder": "\(schedule.folder)"])
        } else if stat(store.databasePath, &database) == 0, folder.st_dev == database.st_dev {
            if schedule.sameDisk {
                logger.warning(
                    "backup folder is on the database's own disk (backup.sameDisk): its copies do not survive that disk",
                    metadata: ["backup.folder": "\(schedule.folder)"])
            } else {
                logger.warning(
                    """
                    the backup folder is on the same disk as the database — is the USB stick mounted? Backups are \
                    refused until it is (backup.sameDisk: true allows that disk)
                    """,
                    metadata: ["backup.folder": "\(schedule.folder)"])
            }
        }
        logger.info(
            "scheduled backups",
            metadata: [
                "backup.folder": "\(schedule.folder)", "every.minutes": "\(schedule.everyMinutes)",
                "keep": "\(schedule.keep)",
            ])
        return backups
    }

    /// Brings the scheduled backups in line after an erasure or purge committed, and logs it.
    static func reconcile(_ backups: ScheduledBackups, logger: Logger) async -> ErasureCopies {
        let result = await backups.reconcile()
        log(result, logger: logger)
        return ErasureCopies(updated: result.updated, unreachable: result.failures.count)
    }

    /// What a reconciliation of the backups did, in the log: counts, paths and the system's words.
    static func log(_ result: ScheduledBackups.Reconciliation, logger: Logger) {
        if result.updated > 0 {
            logger.info("backups: erasures applied", metadata: ["backups.updated": "\(result.updated)"])
        }
        for failure in result.failures {
            logger.error(
                "backups: an erasure could not reach a backup; it is tried again at the next backup",
                metadata: ["error": "\(failure)"])
        }
    }

    /// One scheduled backup's outcome, in the log: paths, counts and the system's words only.
    static func log(_ outcome: ScheduledBackups.Outcome, logger: Logger) {
        switch outcome {
        case .written(let copy, let removed):
            logger.info(
                "backup written",
                metadata: [
                    "backup.path": "\(copy.path)", "pledges": "\(copy.pledges)", "bytes": "\(copy.bytes)",
                    "removed": "\(removed.count)",
                ])
        case .failed(let reason):
            logger.error(
                "backup failed: pledges go on; the next one is tried at the next interval",
                metadata: ["error": "\(reason)"])
        }
    }
}

extension ScheduledBackups {
    /// The scheduled backups of `configuration` (`backup:`), for a command that erased through
    /// `store` (`kiosk erase`, `kiosk purge`): the same files the service writes; nil: none.
    static func of(_ configuration: EventConfiguration, store: PledgeStore) -> ScheduledBackups? {
        configuration.backup.map {
            ScheduledBackups(
                store: store, kioskID: configuration.kioskID, folder: $0.folder,
                interval: .seconds($0.everyMinutes * 60), keep: $0.keep, sameDisk: $0.sameDisk,
                retentionDeadline: configuration.retentionDeadline)
        }
    }

    /// Brings the backups in line after a command's erasure or purge committed and prints what it
    /// did (Vietnamese, then English; reasons on standard error, paths and the system's words).
    static func reconcileAndReport(_ configuration: EventConfiguration, store: PledgeStore) async {
        guard let backups = of(configuration, store: store) else { return }
        let result = await backups.reconcile()
        for failure in result.failures {
            printError("kiosk: warning: \(failure)")
        }
        print(line(result, folder: backups.folder))
    }

    /// The one line `kiosk erase` and `kiosk purge` print about the backups.
    static func line(_ result: Reconciliation, folder: String) -> String {
        let failed = result.failures.count
        guard failed > 0 else {
            return "Đã xóa trong \(result.updated) bản sao lưu ở \(folder) (các bản khác đã khớp). · "
                + "Erased in \(result.updated) backup(s) in \(folder) (the others were already in line)."
        }
        return
            "Đã xóa trong \(result.updated) bản sao lưu; \(failed) bản (hoặc thư mục \(folder)) không truy cập được: "
            + "kiosk serve sẽ xóa ở lần sao lưu định kỳ tới. · Erased in \(result.updated) backup(s); \(failed) "
            + "backup(s) (or the folder \(folder)) could not be reached: kiosk serve erases there at its next "
            + "scheduled backup."
    }
}
