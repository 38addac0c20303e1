import Foundation
import GRDB
import KioskTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 12, item 2: `kiosk backup` while a `kiosk serve` keeps writing, scheduled backups of the
/// running service, and `kiosk restore`. Real `kiosk` processes, real files, HTTP on loopback.
@Suite("Backups while running, and restore")
struct BackupTests {
    static let posters = 8
    static let organizerToken = "backup-organizer-token-0123456789"

    static func kiosk(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await offPool { try ProcessRunner.run(RepositoryPaths.kioskBinary, arguments) }
    }

    /// Posts one pledge; the certificate code of a 201 (or 200), nil otherwise.
    static func post(port: Int, key: String, index: Int, kiosk: String = "kiosk-a") async -> String? {
        guard
            let answer = try? await TestEvent.postPledge(port: port, key: key, kiosk: kiosk, name: "Người ký \(index)"),
            answer.status == 201 || answer.status == 200
        else { return nil }
        return (try? answer.json())?["code"] as? String
    }

    static func get(port: Int, _ path: String, token: String? = nil) async throws -> (status: Int, text: String) {
        let answer = try await LoopbackHTTP.request(
            port: port, "GET", path, headers: token.map { ["Authorization": "Bearer \($0)"] } ?? [:])
        return (answer.status, answer.text)
    }

    /// The certificate codes in the database at `path`, read on a read-only connection after
    /// `PRAGMA integrity_check` answered "ok" (nil when it did not).
    static func verifiedCodes(_ path: String) throws -> Set<String>? {
        var readOnly = Configuration()
        readOnly.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: readOnly)
        defer { try? queue.close() }
        return try queue.read { db in
            guard try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"] else { return nil }
            return Set(try String.fetchAll(db, sql: "SELECT code FROM pledge"))
        }
    }

    static func mode(_ path: String) -> mode_t {
        var status = stat()
        return stat(path, &status) == 0 ? status.st_mode & 0o777 : 0
    }

    /// Codes acknowledged so far, in the order their answers came.
    final class Acknowledged: Sendable {
        private let codes = Mutex<[String]>([])
        func add(_ code: String) { codes.withLock { $0.append(code) } }
        var all: [String] { codes.withLock { $0 } }
        var count: Int { codes.withLock { $0.count } }
        /// How many had been acknowledged when the backup process exited; nil before.
        private let atBackupEnd = Mutex<Int?>(nil)
        func backupEnded() { atBackupEnd.withLock { $0 = count } }
        /// Acknowledged since the backup process exited; nil before it has.
        var sinceBackup: Int? { atBackupEnd.withLock { $0 }.map { count - $0 } }
    }

    // MARK: - Bad input

    @Test func badOutputsAndAMissingDatabaseAreRefusedClearlyAndWriteNothing() async throws {
        let folder = temporaryDirectory("backup-bad")
        let config = try TestEvent.write(in: folder)
        let database = folder.appendingPathComponent("data/pledges.sqlite").path
        let server = try await offPool { Started(try KioskProcess(database: database, config: config)) }.process
        #expect(await Self.post(port: server.port, key: "one", index: 1) != nil)

        let missingFolder = folder.appendingPathComponent("no-such-folder/copy.sqlite").path
        let noFolder = try await Self.kiosk([
            "backup", "--config", config, "--database", database, "--output", missingFolder,
        ])
        #expect(noFolder.status != 0)
        #expect(noFolder.stderr.contains("does not exist") && noFolder.stderr.contains("nothing was written"))
        let vietnamese = try #require(
            noFolder.stderr.split(separator: "\n").first { $0.contains("Không sao lưu được") })
        #expect(vietnamese.contains("does not exist"), "the reason in the Vietnamese line too: \(vietnamese)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("no-such-folder").path))

        let existing = folder.appendingPathComponent("existing.sqlite").path
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: existing))
        let over = try await Self.kiosk(["backup", "--config", config, "--database", database, "--output", existing])
        #expect(over.status != 0)
        #expect(over.stderr.contains("already exists"), "\(over.stderr)")
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep me")

        let noDatabase = folder.appendingPathComponent("nothing-here.sqlite").path
        let none = try await Self.kiosk([
            "backup", "--config", config, "--database", noDatabase, "--output", folder.appendingPathComponent("x").path,
        ])
        #expect(none.status != 0)
        #expect(none.stderr.contains("no database at \(noDatabase)"))
        #expect(!FileManager.default.fileExists(atPath: noDatabase), "not created by the attempt")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("x").path))

        let noBackup = try await Self.kiosk([
            "restore", "--config", config, "--database", database, "--from", folder.appendingPathComponent("y").path,
        ])
        #expect(noBackup.status != 0)
        #expect(noBackup.stderr.contains("no backup at"))
        let aFolder = try await Self.kiosk([
            "restore", "--config", config, "--database", database, "--from", folder.path,
        ])
        #expect(aFolder.status != 0)
        #expect(aFolder.stderr.contains("\(folder.path) is a folder, not a backup file"), "\(aFolder.stderr)")
        #expect(aFolder.stderr.contains("là một thư mục") && !aFolder.stderr.contains("FileAttributeType"))

        // A copy killed midway left its temporary files (holding names): the next backup removes them.
        let stale = [".killed.sqlite.999999999.partial", ".killed.sqlite.999999999.partial-journal"]
        for name in stale { try Data("half a copy".utf8).write(to: folder.appendingPathComponent(name)) }
        let next = try await Self.kiosk([
            "backup", "--config", config, "--database", database, "--output",
            folder.appendingPathComponent("next.sqlite").path,
        ])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stdout.contains("removed the temporary files of an interrupted copy"))
        for name in stale {
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), "\(name) left")
        }
        let hidden = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            $0.hasSuffix(".partial")
        }
        #expect(hidden.isEmpty)
        #expect(try await KioskProcess.stop(server).isClean)
    }

    // MARK: - Restore

    static func restore(_ config: String, _ database: String, from backup: String, replace: Bool = false)
        async throws -> (status: Int32, stdout: String, stderr: String)
    {
        try await kiosk(
            ["restore", "--config", config, "--database", database, "--from", backup] + (replace ? ["--replace"] : []))
    }

    static func files(_ folder: String) throws -> [String: Data] {
        var found: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            found[name] = try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(name))
        }
        return found
    }

    @Test func restoreRefusesAnOpenDatabaseAndABadBackupAndPutsTheBackupBackWithTheOldKeptAside() async throws {
        let folder = temporaryDirectory("restore")
        let config = try TestEvent.write(in: folder)
        let data = folder.appendingPathComponent("data").path
        let database = data + "/pledges.sqlite"
        var server = try await offPool { Started(try KioskProcess(database: database, config: config)) }.process
        var backedUp: [String] = []
        for index in 0..<5 {
            backedUp.append(try #require(await Self.post(port: server.port, key: "a-\(index)", index: index)))
        }
        let backup = folder.appendingPathComponent("backup.sqlite").path
        #expect(
            try await Self.kiosk(["backup", "--config", config, "--database", database, "--output", backup]).status == 0
        )
        var later: [String] = []
        for index in 0..<3 {
            later.append(try #require(await Self.post(port: server.port, key: "b-\(index)", index: 10 + index)))
        }

        // While the service has it open: refused, with the service's process id.
        let open = try await Self.restore(config, database, from: backup, replace: true)
        #expect(open.status != 0)
        #expect(
            open.stderr.contains("stop the service first (pid \(server.process.processIdentifier))"), "\(open.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: data).allSatisfy { !$0.contains("before-restore") })
        #expect(try await KioskProcess.stop(server).isClean)

        // Stopped, but a database is there: --replace is needed.
        let before = try Self.files(data)
        let existing = try await Self.restore(config, database, from: backup)
        #expect(existing.status != 0)
        #expect(existing.stderr.contains("--replace"))
        #expect(try Self.files(data) == before, "nothing changed")

        // A damaged copy (pages overwritten in the middle) and a file that is not SQLite: refused
        // with what is wrong, and nothing changed.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: backup))
        let page = 4096
        #expect(bytes.count >= 6 * page)
        bytes.replaceSubrange((2 * page)..<(5 * page), with: Data(repeating: 0xA5, count: 3 * page))
        let damaged = folder.appendingPathComponent("damaged.sqlite").path
        try bytes.write(to: URL(fileURLWithPath: damaged))
        let notSQLite = folder.appendingPathComponent("notes.sqlite").path
        try Data("Người ký, not a database".utf8).write(to: URL(fileURLWithPath: notSQLite))
        for (bad, words) in [(damaged, "is damaged"), (notSQLite, "is not an SQLite database")] {
            let refused = try await Self.restore(config, database, from: bad, replace: true)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("the backup \(bad) \(words)"), "\(refused.stderr)")
            #expect(refused.stderr.contains("nothing was restored or changed"))
            #expect(try Self.files(data) == before, "nothing changed")
        }

        // --replace: the old database (8 pledges) is kept aside, the backup (5) takes its place.
        let restored = try await Self.restore(config, database, from: backup, replace: true)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("restored 5 pledges"))
        let names = try FileManager.default.contentsOfDirectory(atPath: data)
        let aside = try #require(
            names.first { $0.hasPrefix("pledges.sqlite.before-restore-") && !$0.hasSuffix("-wal") })
        #expect(try Self.verifiedCodes(data + "/" + aside) == Set(backedUp + later), "the old file, whole")
        #expect(!names.contains("pledges.sqlite-wal") && !names.contains("pledges.sqlite-shm"), "no stale -wal, -shm")
        #expect(names.contains(".pledges.sqlite.created"))
        #expect(Self.mode(database) == 0o600)

        // kiosk serve starts on it and shows the backed-up pledges, not the later ones.
        server = try await offPool { Started(try KioskProcess(database: database, config: config)) }.process
        let counts = try await Self.get(port: server.port, "/api/counts")
        #expect(counts.text.contains(#""total":5"#), "\(counts.text)")
        #expect(try await Self.get(port: server.port, "/c/\(backedUp[0])").status == 200)
        #expect(try await Self.get(port: server.port, "/c/\(later[0])").status == 404)
        #expect(try await KioskProcess.stop(server).isClean)

        // The old database set aside still holds the name an erasure now removes: said so.
        let erased = try await Self.kiosk(["erase", backedUp[0], "--config", config, "--database", database])
        #expect(erased.status == 0, "\(erased.stderr)")
        #expect(erased.stderr.contains("still hold the names this erased: "), "\(erased.stderr)")
        #expect(erased.stderr.contains(data + "/" + aside))
    }

    /// A restore to a path never used: the first-use marker is written, so `kiosk serve` starts on
    /// it without `--new-database`, and refuses later if it disappears.
    @Test func restoreToANewPathWritesTheFirstUseMarker() async throws {
        let folder = temporaryDirectory("restore-new")
        let config = try TestEvent.write(in: folder)
        let original = folder.appendingPathComponent("old/pledges.sqlite").path
        var server = try await offPool { Started(try KioskProcess(database: original, config: config)) }.process
        let code = try #require(await Self.post(port: server.port, key: "only", index: 1))
        #expect(try await KioskProcess.stop(server).isClean)
        let backup = folder.appendingPathComponent("copy.sqlite").path
        #expect(
            try await Self.kiosk(["backup", "--config", config, "--database", original, "--output", backup]).status == 0
        )

        let database = folder.appendingPathComponent("new/kiosk.sqlite").path
        let restored = try await Self.restore(config, database, from: backup)
        #expect(restored.status == 0, "\(restored.stderr)")
        let marker = folder.appendingPathComponent("new/.kiosk.sqlite.created").path
        #expect(try String(contentsOfFile: marker, encoding: .utf8).contains("event: e2e-event"))
        server = try await offPool { Started(try KioskProcess(database: database, config: config)) }.process
        #expect(try await Self.get(port: server.port, "/c/\(code)").status == 200)
        #expect(try await KioskProcess.stop(server).isClean)
    }

    // MARK: - Scheduled backups in the running service

    /// `event.yaml` of the test with a `backup:` section.
    static func config(in folder: URL, backupFolder: String) throws -> String {
        let config = try TestEvent.write(in: folder)
        let text = try String(contentsOfFile: config, encoding: .utf8)
        // The test's folders are on the database's disk.
        try (text + "\nbackup:\n  folder: \"\(backupFolder)\"\n  everyMinutes: 15\n  keep: 2\n  sameDisk: true\n")
            .write(
                toFile: config, atomically: true, encoding: .utf8)
        return config
    }

    /// The backup counters of `/metrics` (the real Prometheus parser), once `result` has counted one;
    /// asked for up to 60 s (a cap for a loaded machine, not a promise).
    static func backupMetrics(port: Int, awaiting result: String) async throws -> PrometheusText.Samples {
        var samples = try PrometheusText.parse(try await get(port: port, "/metrics", token: organizerToken).text)
        for _ in 0..<600 where (samples.value("kiosk_backups_total", ["result": result]) ?? 0) < 1 {
            try await Task.sleep(for: .milliseconds(100))
            samples = try PrometheusText.parse(try await get(port: port, "/metrics", token: organizerToken).text)
        }
        return samples
    }

    @Test func theServiceBacksUpAtStartAndCountsAMissingStickAsFailedWhilePledgesGoOn() async throws {
        let folder = temporaryDirectory("scheduled-e2e")
        let usb = folder.appendingPathComponent("usb")
        let database = folder.appendingPathComponent("data/pledges.sqlite").path
        let environment = ["KIOSK_ORGANIZER_TOKEN": Self.organizerToken]

        // The stick is not there: the first backup (due at start) fails, pledges are taken.
        let config = try Self.config(in: folder, backupFolder: usb.path)
        var server = try await offPool {
            Started(try KioskProcess(database: database, config: config, environment: environment))
        }.process
        let failed = try await Self.backupMetrics(port: server.port, awaiting: "failed")
        #expect(failed.value("kiosk_backups_total", ["result": "failed"]) == 1)
        #expect(failed.value("kiosk_backups_total", ["result": "ok"]) == 0)
        #expect(failed.value("kiosk_backup_last_success_timestamp_seconds") == 0)
        let code = await Self.post(port: server.port, key: "while-unplugged", index: 1)
        #expect(code != nil, "a pledge is taken while the backup folder is missing")
        #expect(try await Self.get(port: server.port, "/readyz").status == 200)
        #expect(!FileManager.default.fileExists(atPath: usb.path))
        #expect(try await KioskProcess.stop(server).isClean)
        let log = try String(contentsOf: server.log, encoding: .utf8)
        #expect(log.contains("backup failed") && !log.contains("Người"))

        // Plugged in (with a file of someone else's): the backup at start is written and verified.
        try FileManager.default.createDirectory(at: usb, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: usb.appendingPathComponent("notes.txt"))
        server = try await offPool {
            Started(try KioskProcess(database: database, config: config, environment: environment))
        }.process
        let ok = try await Self.backupMetrics(port: server.port, awaiting: "ok")
        #expect(ok.value("kiosk_backups_total", ["result": "ok"]) == 1)
        #expect((ok.value("kiosk_backup_last_success_timestamp_seconds") ?? 0) > 1_700_000_000)
        #expect(try await KioskProcess.stop(server).isClean)
        let names = try FileManager.default.contentsOfDirectory(atPath: usb.path).sorted()
        #expect(names.count == 2 && names.contains("notes.txt"))
        let written = try #require(names.first { $0.hasPrefix("kiosk-e2e-event-") && $0.hasSuffix("Z.sqlite") })
        #expect(try Self.verifiedCodes(usb.appendingPathComponent(written).path) == Set([code].compactMap { $0 }))
        #expect(Self.mode(usb.appendingPathComponent(written).path) == 0o600)
    }
}
