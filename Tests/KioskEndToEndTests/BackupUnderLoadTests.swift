import Foundation
import GRDB
import KioskTestSupport
import Testing

/// Issue 12, item 2: `kiosk backup` while a `kiosk serve` takes pledges from several posters for
/// about 20 s. Run alone (the Makefile's solo list): its load fills both cores, and suites beside
/// it in the parallel run saw their requests wait 30 s and their services miss the SIGTERM grace.
@Suite("A backup under load")
struct BackupUnderLoadTests {

    /// Several posters over loopback for about 20 s in all; partway, `kiosk backup` in its own
    /// process. Every pledge acknowledged before it started is in the copy, which passes
    /// `integrity_check` and holds nothing the database does not; the load went on after it.
    /// Where the load stops even when nothing is acknowledged (a limit, not a timing assertion).
    static let giveUp: TimeInterval = 120

    @Test func aBackupTakenUnderLoadHoldsEveryPledgeAcknowledgedBeforeItStarted() async throws {
        let folder = temporaryDirectory("backup-load")
        let config = try TestEvent.write(in: folder, perMinute: 1_000_000, burst: 1_000_000)
        let database = folder.appendingPathComponent("data/pledges.sqlite").path
        let server = try await offPool { Started(try KioskProcess(database: database, config: config)) }.process
        let port = server.port
        let output = folder.appendingPathComponent("backups/pledges-copy.sqlite").path
        try FileManager.default.createDirectory(
            atPath: folder.appendingPathComponent("backups").path, withIntermediateDirectories: true)

        let acknowledged = BackupTests.Acknowledged()
        let started = Date()
        let loadTime: TimeInterval = 20
        try await withThrowingTaskGroup(of: Void.self) { group in
            for poster in 0..<BackupTests.posters {
                group.addTask {
                    var index = 0
                    while true {
                        // ~20 s in all, and at least 50 more answers once the backup is done.
                        let elapsed = Date().timeIntervalSince(started)
                        if elapsed >= loadTime, let after = acknowledged.sinceBackup, after >= 50 { return }
                        // A service that refuses everything must fail the test, not hang it.
                        if elapsed >= Self.giveUp { return }
                        index += 1
                        let key = "load-\(poster)-\(index)"
                        if let code = await BackupTests.post(
                            port: port, key: key, index: index, kiosk: "kiosk-\(poster)")
                        {
                            acknowledged.add(code)
                        }
                    }
                }
            }
            // Partway: once 8 s have passed and pledges are flowing.
            while Date().timeIntervalSince(started) < 8 || acknowledged.count < 50,
                Date().timeIntervalSince(started) < Self.giveUp
            {
                try await Task.sleep(for: .milliseconds(50))
            }
            let before = acknowledged.all
            try #require(before.count >= 50, "pledges flow before the backup: \(before.count) acknowledged")
            let run = try await BackupTests.kiosk([
                "backup", "--config", config, "--database", database, "--output", output,
            ])
            acknowledged.backupEnded()
            #expect(run.status == 0, "kiosk backup: \(run.stderr)")
            #expect(run.stdout.contains("pledges-copy.sqlite") && run.stdout.contains("integrity_check: ok"))

            let copied = try #require(try BackupTests.verifiedCodes(output), "the backup passes integrity_check")
            let missing = Set(before).subtracting(copied)
            #expect(missing.isEmpty, "acknowledged before the backup started, missing from it: \(missing.count)")
            #expect(before.count >= 50)
            #expect(run.stdout.contains("\(copied.count) pledges"), "it says how many it copied: \(run.stdout)")
            #expect(BackupTests.mode(output) == 0o600, "it holds names: owner only")
            try await group.waitForAll()
        }
        let stopped = try await KioskProcess.stop(server)
        #expect(stopped.isClean)
        let copied = try #require(try BackupTests.verifiedCodes(output))
        let stored = try #require(try BackupTests.verifiedCodes(database))
        #expect(copied.isSubset(of: stored), "nothing in the copy that the database lacks")
        #expect(stored.count > copied.count, "the load went on after the backup")
        #expect(Set(acknowledged.all).isSubset(of: stored))
        let leftovers = try FileManager.default.contentsOfDirectory(
            atPath: folder.appendingPathComponent("backups").path)
        #expect(leftovers == ["pledges-copy.sqlite"], "no temporary file left")
    }
}
