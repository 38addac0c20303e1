import Foundation
import KioskTestSupport
import Testing

/// Erasure reaches the backups, end to end: a real `kiosk serve` with a backup folder, the
/// signer's erasure route, `kiosk erase`, `kiosk backup --output` and `kiosk restore --replace`.
extension BackupTests {
    /// Whether `name` (as written, or as its search key) is anywhere in the bytes of `path` or its `-wal`.
    static func holds(_ path: String, _ name: String, searchKey: String) -> Bool {
        [path, path + "-wal"].compactMap { try? Data(contentsOf: URL(fileURLWithPath: $0)) }.contains { bytes in
            bytes.range(of: Data(name.utf8)) != nil || bytes.range(of: Data(searchKey.utf8)) != nil
        }
    }

    /// `POST /c/{code}/erase` over loopback; the whole answer, lowercased (a 303 is not followed).
    static func erase(_ code: String, port: Int) async throws -> String {
        try await offPool {
            let connection = try LoopbackConnection(port: port)
            defer { connection.close() }
            try connection.send(
                "POST /c/\(code)/erase HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return connection.readToEnd(timeout: 30).lowercased()
        }
    }

    @Test func erasuresThroughTheServiceAndKioskEraseLeaveNoNameInTheBackupsAndRestoreKeepsThem() async throws {
        let folder = temporaryDirectory("backup-erasure-e2e")
        let usb = folder.appendingPathComponent("usb")
        let database = folder.appendingPathComponent("data/pledges.sqlite").path
        let environment = ["KIOSK_ORGANIZER_TOKEN": Self.organizerToken]
        let config = try Self.config(in: folder, backupFolder: usb.path)
        let (one, two, three) = (
            ("Người ký 1", "nguoi ky 1"), ("Người ký 2", "nguoi ky 2"), ("Người ký 3", "nguoi ky 3")
        )

        // Two pledges while the stick is away: the backup at the next start holds both.
        var server = try await offPool {
            Started(try KioskProcess(database: database, config: config, environment: environment))
        }.process
        let first = try #require(await Self.post(port: server.port, key: "erase-1", index: 1))
        let second = try #require(await Self.post(port: server.port, key: "erase-2", index: 2))
        let third = try #require(await Self.post(port: server.port, key: "erase-3", index: 3))
        #expect(try await KioskProcess.stop(server).isClean)
        try FileManager.default.createDirectory(at: usb, withIntermediateDirectories: true)
        server = try await offPool {
            Started(try KioskProcess(database: database, config: config, environment: environment))
        }.process
        _ = try await Self.backupMetrics(port: server.port, awaiting: "ok")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: usb.path).first)
        let backup = usb.appendingPathComponent(name).path
        #expect(Self.holds(backup, one.0, searchKey: one.1) && Self.holds(backup, two.0, searchKey: two.1))

        // A manual copy: it warns that nothing will reach it.
        let manual = folder.appendingPathComponent("manual.sqlite").path
        let copied = try await Self.kiosk(["backup", "--config", config, "--database", database, "--output", manual])
        #expect(copied.status == 0)
        #expect(copied.stdout.contains("Cảnh báo: bản sao này nằm ngoài lịch sao lưu"))
        #expect(copied.stdout.contains("warning: this copy is outside the backup schedule"))

        // The stick away during the signer's erasure: the 303 says one backup could not be reached,
        // and /metrics counts it; the erasure stands.
        let port = server.port
        let away = folder.appendingPathComponent("usb-away")
        try FileManager.default.moveItem(at: usb, to: away)
        let missed = try await Self.erase(first, port: port)
        #expect(missed.hasPrefix("http/1.1 303"))
        #expect(missed.contains("kiosk-backups-updated: 0\r\n") && missed.contains("kiosk-backups-unreachable: 1\r\n"))
        let samples = try await Self.backupMetrics(port: port, awaiting: "erasure_failed")
        #expect(samples.value("kiosk_backups_total", ["result": "erasure_failed"]) == 1)
        try FileManager.default.moveItem(at: away, to: usb)
        #expect(Self.holds(backup, one.0, searchKey: one.1), "not reached while away")

        // Back: the next erasure brings the backup in line with both.
        let answer = try await Self.erase(second, port: port)
        #expect(answer.hasPrefix("http/1.1 303"))
        #expect(answer.contains("kiosk-backups-updated: 1\r\n") && answer.contains("kiosk-backups-unreachable: 0\r\n"))
        #expect(!Self.holds(backup, one.0, searchKey: one.1), "an erased name is still in the backup's bytes")
        #expect(!Self.holds(backup, two.0, searchKey: two.1), "an erased name is still in the backup's bytes")
        #expect(Self.holds(backup, three.0, searchKey: three.1), "another signer's name is untouched")
        #expect(try await KioskProcess.stop(server).isClean)
        let log = try String(contentsOf: server.log, encoding: .utf8)
        #expect(!log.contains("Người"), "no name in the log")

        // `kiosk erase` with the service stopped reads the same event.yaml and reaches the same file;
        // with the stick away it says so, and run again once it is back, it erases there.
        try FileManager.default.moveItem(at: usb, to: away)
        let unreached = try await Self.kiosk(["erase", third, "--config", config, "--database", database])
        #expect(unreached.status == 0, "\(unreached.stderr)")
        #expect(unreached.stdout.contains("không truy cập được") && unreached.stdout.contains("could not be reached"))
        try FileManager.default.moveItem(at: away, to: usb)
        let erased = try await Self.kiosk(["erase", third, "--config", config, "--database", database])
        #expect(erased.status == 0, "\(erased.stderr)")
        #expect(erased.stdout.contains("Đã xóa trong 1 bản sao lưu"))
        #expect(erased.stdout.contains("Erased in 1 backup(s)"))
        #expect(!Self.holds(backup, three.0, searchKey: three.1))

        // Restoring the older manual copy over this database brings neither name back.
        #expect(Self.holds(manual, one.0, searchKey: one.1))
        let restored = try await Self.restore(config, database, from: manual, replace: true)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("The erasures of \(database) were applied to the restored copy"))
        for (name, key) in [one, two, three] {
            #expect(!Self.holds(database, name, searchKey: key), "\(name) came back with the restore")
        }
        #expect(try Self.verifiedCodes(database) == [first, second, third])

        // A damaged database (the usual reason to restore) does not block the restore: it warns
        // that its erasures could not be read.
        try Data(repeating: 0x2A, count: 8192).write(to: URL(fileURLWithPath: database))
        let overDamaged = try await Self.restore(config, database, from: manual, replace: true)
        #expect(overDamaged.status == 0, "\(overDamaged.stderr)")
        #expect(overDamaged.stderr.contains("không đọc được các lần xóa tên của \(database)"))
        #expect(overDamaged.stderr.contains("warning: cannot read the erasures of \(database)"))
        #expect(try Self.verifiedCodes(database) == [first, second, third])
    }
}

extension RetentionTests {
    /// `kiosk purge` reads the same event.yaml as the service: its scheduled backups get the purge.
    @Test func purgeByHandReachesTheScheduledBackups() async throws {
        let file = try await database()
        let folder = temporaryDirectory("retention-backups")
        let usb = folder.appendingPathComponent("usb")
        try FileManager.default.createDirectory(at: usb, withIntermediateDirectories: true)
        let config = try TestEvent.write(in: folder, retainPersonalDataUntil: vietnamDay(-10))
        let text = try String(contentsOfFile: config, encoding: .utf8)
        try (text + "\nbackup:\n  folder: \"\(usb.path)\"\n  sameDisk: true\n").write(
            toFile: config, atomically: true, encoding: .utf8)
        let common = ["--config", config, "--database", file]
        // A file under the name the schedule gives its own backups.
        let backup = usb.appendingPathComponent("kiosk-e2e-event-kiosk-local-000001-20261206T000000Z.sqlite").path
        #expect(try kiosk(["backup", "--output", backup] + common).status == 0)
        let forms = Self.names.flatMap(Self.forms)
        #expect(try DatabaseFiles.leftovers(of: forms, database: backup) != [], "the names are in the backup first")
        let confirmed = try kiosk(["purge", "--yes"] + common)
        #expect(confirmed.status == 0, "\(confirmed.stderr)")
        #expect(confirmed.stdout.contains("Erased in 1 backup(s)"), "\(confirmed.stdout)")
        #expect(try DatabaseFiles.leftovers(of: forms, database: backup) == [])
        #expect(try DatabaseFiles.leftovers(of: forms, database: file) == [])
    }
}
