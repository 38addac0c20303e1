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

    @Test func erasuresThroughTheServiceAndKioskEraseLeaveNoNameInTheBackupsAndRestoreKeepsThem() async throws {
        let folder = temporaryDirectory("backup-erasure-e2e")
        let usb = folder.appendingPathComponent("usb")
        let database = folder.appendingPathComponent("data/pledges.sqlite").path
        let environment = ["KIOSK_ORGANIZER_TOKEN": Self.organizerToken]
        let config = try Self.config(in: folder, backupFolder: usb.path)
        let (one, two) = (("Người ký 1", "nguoi ky 1"), ("Người ký 2", "nguoi ky 2"))

        // Two pledges while the stick is away: the backup at the next start holds both.
        var server = try await offPool {
            Started(try KioskProcess(database: database, config: config, environment: environment))
        }.process
        let first = try #require(await Self.post(port: server.port, key: "erase-1", index: 1))
        let second = try #require(await Self.post(port: server.port, key: "erase-2", index: 2))
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

        // The signer's erasure route: the answer says the one backup was updated, none missed.
        let port = server.port
        let answer = try await offPool {
            let connection = try LoopbackConnection(port: port)
            defer { connection.close() }
            try connection.send(
                "POST /c/\(first)/erase HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return connection.readToEnd(timeout: 30).lowercased()
        }
        #expect(answer.hasPrefix("http/1.1 303"))
        #expect(answer.contains("kiosk-backups-updated: 1\r\n") && answer.contains("kiosk-backups-unreachable: 0\r\n"))
        #expect(!Self.holds(backup, one.0, searchKey: one.1), "the erased name is still in the backup's bytes")
        #expect(Self.holds(backup, two.0, searchKey: two.1), "another signer's name is untouched")
        let samples = try await Self.backupMetrics(port: server.port, awaiting: "ok")
        #expect(samples.value("kiosk_backups_total", ["result": "erasure_failed"]) == 0)
        #expect(try await KioskProcess.stop(server).isClean)
        let log = try String(contentsOf: server.log, encoding: .utf8)
        #expect(!log.contains("Người"), "no name in the log")

        // `kiosk erase` with the service stopped reads the same event.yaml and reaches the same file.
        let erased = try await Self.kiosk(["erase", second, "--config", config, "--database", database])
        #expect(erased.status == 0, "\(erased.stderr)")
        #expect(erased.stdout.contains("Đã xóa trong 1 bản sao lưu"))
        #expect(erased.stdout.contains("Erased in 1 backup(s)"))
        #expect(!Self.holds(backup, two.0, searchKey: two.1))

        // Restoring the older manual copy over this database brings neither name back.
        #expect(Self.holds(manual, one.0, searchKey: one.1))
        let restored = try await Self.restore(config, database, from: manual, replace: true)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("The erasures of \(database) were applied to the restored copy"))
        for (name, key) in [one, two] {
            #expect(!Self.holds(database, name, searchKey: key), "\(name) came back with the restore")
        }
        #expect(try Self.verifiedCodes(database) == [first, second])
    }
}
