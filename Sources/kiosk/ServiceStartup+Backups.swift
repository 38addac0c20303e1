import Foundation
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
        _ schedule: EventConfiguration.BackupSchedule, store: PledgeStore, logger: Logger
    ) -> ScheduledBackups {
        let backups = ScheduledBackups(
            store: store, folder: schedule.folder, interval: .seconds(schedule.everyMinutes * 60), keep: schedule.keep)
        var folder = stat()
        var database = stat()
        if stat(schedule.folder, &folder) != 0 {
            logger.warning(
                "backup folder missing: scheduled backups fail until it is there (is the USB stick plugged in?)",
                metadata: ["backup.folder": "\(schedule.folder)"])
        } else if stat(store.databasePath, &database) == 0, folder.st_dev == database.st_dev {
            logger.warning(
                "backup folder is on the database's own disk: its copies do not survive that disk",
                metadata: ["backup.folder": "\(schedule.folder)"])
        }
        logger.info(
            "scheduled backups",
            metadata: [
                "backup.folder": "\(schedule.folder)", "every.minutes": "\(schedule.everyMinutes)",
                "keep": "\(schedule.keep)",
            ])
        return backups
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
