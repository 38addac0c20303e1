import Foundation
import KioskConfiguration
import KioskTestSupport
import PledgeKit
import Testing

/// The `backup:` section of `event.yaml` (issue 12, item 2).
@Suite("Backup section of the event configuration")
struct BackupConfigurationTests {
    /// The test event file with `lines` appended at the top level.
    static func load(_ lines: String) throws -> EventConfiguration {
        let file = try EventConfigurationTests.event(service: "port: 8080", in: temporaryDirectory("backup-config"))
        try (String(contentsOf: file, encoding: .utf8) + "\n" + lines + "\n").write(
            to: file, atomically: true, encoding: .utf8)
        return try EventConfiguration.load(from: file)
    }

    @Test func theShippedFileHasTheSectionWithNoFolderSoNoScheduledBackups() throws {
        let text = try String(contentsOf: RepositoryPaths.defaultConfiguration, encoding: .utf8)
        #expect(text.contains("\nbackup:\n"))
        #expect(try EventConfiguration.load(from: RepositoryPaths.defaultConfiguration).backup == nil)
    }

    @Test func aFolderTurnsThemOnWithDefaults() throws {
        #expect(try Self.load("").backup == nil, "no section")
        #expect(try Self.load("backup: { folder: \"  \" }").backup == nil, "an empty folder")
        let defaults = try Self.load("backup: { folder: /media/usb/kiosk-backups }").backup
        #expect(defaults == .init(folder: "/media/usb/kiosk-backups", everyMinutes: 15, keep: 8))
        let set = try Self.load("backup:\n  folder: /mnt/b\n  everyMinutes: 5\n  keep: 3").backup
        #expect(set == .init(folder: "/mnt/b", everyMinutes: 5, keep: 3))
        #expect(defaults?.sameDisk == false, "a folder on the database's disk is refused by default")
        let sameDisk = try Self.load("backup: { folder: /srv/backups, sameDisk: true }").backup
        #expect(sameDisk == .init(folder: "/srv/backups", sameDisk: true))
    }

    @Test(arguments: [
        ("backup: { folder: kiosk-backups }", "backup.folder must be an absolute path"),
        ("backup: { folder: /mnt/b, everyMinutes: 0 }", "backup.everyMinutes must be 1–1440, not 0"),
        ("backup: { folder: /mnt/b, everyMinutes: 1441 }", "backup.everyMinutes must be 1–1440, not 1441"),
        ("backup: { folder: /mnt/b, keep: 0 }", "backup.keep must be 1–1000, not 0"),
        ("backup: { folder: /mnt/b, keep: many }", "'backup.keep'"),
        ("backup: { folder: /mnt/b, sameDisk: maybe }", "'backup.sameDisk'"),
    ])
    func badValuesAreRefusedWithTheKey(lines: String, problem: String) throws {
        do {
            _ = try Self.load(lines)
            Issue.record("accepted: \(lines)")
        } catch let error as ConfigurationError {
            #expect(error.problem.contains(problem), "\(error.problem)")
        }
    }
}
