import Foundation
import GRDB
import KioskTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 11, items 1 and 2: the database never disappears silently, and start-up refuses an empty
/// or damaged database without changing a byte of it. Real `kiosk` processes, real files.
@Suite("The database never disappears silently")
struct DatabaseGoneTests {
    static let clients = 6

    /// One answer to a pledge: its status, and the code and number of a 201, or the problem's code.
    struct Answer: Sendable {
        let status: Int
        let code: String?
        let number: Int?
        let problem: String?
        let contentType: String?
    }

    static func post(port: Int, key: String, index: Int) async -> Answer? {
        guard
            let answer = try? await TestEvent.postPledge(
                port: port, key: key, kiosk: "gone-\(index % clients)", name: "Người ký \(index)")
        else { return nil }
        let json = try? answer.json()
        return Answer(
            status: answer.status, code: answer.status == 201 ? json?["code"] as? String : nil,
            number: json?["number"] as? Int, problem: json?["code"] as? String,
            contentType: answer.headers["content-type"])
    }

    /// Counts 201s seen so far, so the test deletes the files while pledges are being taken.
    final class Progress: Sendable {
        private let acknowledged = Mutex(0)
        var count: Int { acknowledged.withLock { $0 } }
        func add() { acknowledged.withLock { $0 += 1 } }
    }

    @Test func deletedUnderLoadNothingAcknowledgedOutsideAFileAndARestartRefuses() async throws {
        let folder = temporaryDirectory("db-gone")
        let config = try TestEvent.write(in: folder, perMinute: 1_000_000, burst: 1_000_000)
        let data = folder.appendingPathComponent("data")
        let database = data.appendingPathComponent("pledges.sqlite").path
        let server = try await offPool { Started(try KioskProcess(database: database, config: config)) }.process
        let port = server.port
        let progress = Progress()
        let deleted = StopFlag()

        // Each client posts until it has seen a 503 after the deletion (bounded, in case it never comes).
        let load = Task {
            await withTaskGroup(of: [Answer].self) { group in
                for client in 0..<Self.clients {
                    group.addTask {
                        var answers: [Answer] = []
                        for request in 0..<3_000 {
                            let wasDeleted = deleted.isSet
                            let index = client * 10_000 + request
                            guard let answer = await Self.post(port: port, key: "c\(client)-\(request)", index: index)
                            else { continue }
                            answers.append(answer)
                            if answer.status == 201 { progress.add() }
                            if wasDeleted && answer.status == 503 { break }
                        }
                        return answers
                    }
                }
                return await group.reduce(into: [Answer]()) { $0 += $1 }
            }
        }
        // Pledges are being taken: delete the database with its -wal and -shm, as a cleanup script would.
        let started = Date()
        while progress.count < 30, Date().timeIntervalSince(started) < 120 {
            try await Task.sleep(for: .milliseconds(5))
        }
        try #require(progress.count >= 30, "pledges were being acknowledged before the deletion")
        for suffix in ["", "-wal", "-shm"] { unlink(database + suffix) }
        deleted.set()
        let answers = await load.value

        let acknowledged = answers.filter { $0.status == 201 }
        let gone = answers.filter { $0.status == 503 }
        #expect(answers.allSatisfy { $0.status == 201 || $0.status == 503 }, "only 201 and 503 answers")
        #expect(!gone.isEmpty, "503 after the deletion")
        #expect(
            gone.allSatisfy {
                $0.problem == "database-gone" && $0.contentType?.hasPrefix("application/problem+json") == true
            })
        let health = try await LoopbackHTTP.request(port: port, "GET", "/healthz")
        #expect(health.status == 503)
        #expect(health.text.contains("database-gone"))
        // Nothing recreated a file at the path.
        #expect(!FileManager.default.fileExists(atPath: database))

        // Every 201 is in a file on disk: the rescued copy of the open, deleted database.
        let rescued = try FileManager.default.contentsOfDirectory(atPath: data.path)
            .filter { $0.hasPrefix("pledges.sqlite.rescued-") }.map { data.appendingPathComponent($0).path }
        try #require(rescued.count == 1, "one rescued copy beside the path: \(rescued)")
        let rescue = rescued[0]
        let mode = try FileManager.default.attributesOfItem(atPath: rescue)[.posixPermissions] as? Int
        #expect(mode == 0o640, "the rescued copy is readable by owner and group only")
        var readOnly = Configuration()
        readOnly.readonly = true
        let queue = try DatabaseQueue(path: rescue, configuration: readOnly)
        let (check, stored) = try await queue.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA integrity_check"),
                Set(try String.fetchAll(db, sql: "SELECT code FROM pledge"))
            )
        }
        try queue.close()
        #expect(check == "ok")
        let missing = acknowledged.compactMap(\.code).filter { !stored.contains($0) }
        #expect(missing.isEmpty, "\(missing.count) of \(acknowledged.count) acknowledged pledges in no file")
        #expect(acknowledged.count >= 30)

        // Said loudly, with the paths and no name.
        let stopped = try await KioskProcess.stop(server)
        #expect(stopped.reason == .exit)
        let log = try String(contentsOf: server.log, encoding: .utf8)
        #expect(log.contains("error kiosk: database=\(database)"))
        #expect(log.contains("rescued.copy=\(rescue)"))
        #expect(log.contains("DATABASE GONE: the database file was deleted"))
        #expect(!log.contains("Người ký"))

        // A restart without --new-database refuses, names the path and the rescued copy, and makes nothing.
        let restart = try KioskCommand.run(["serve", "--config", config, "--database", database, "--port", "0"])
        #expect(restart.status != 0)
        #expect(restart.stderr.contains("the database \(database) is missing"))
        #expect(restart.stderr.contains(rescue))
        #expect(restart.stderr.contains("--new-database"))
        #expect(!FileManager.default.fileExists(atPath: database))

        // Put back, the rescued copy goes on where it stopped.
        try FileManager.default.moveItem(atPath: rescue, toPath: database)
        let restored = try await offPool { Started(try KioskProcess(database: database, config: config)) }.process
        let next = await Self.post(port: restored.port, key: "after-restore", index: 1)
        #expect(next?.status == 201)
        #expect((next?.number ?? 0) > (acknowledged.compactMap(\.number).max() ?? 0))
        _ = try await KioskProcess.stop(restored)
    }

    @Test func newDatabaseIsMadeOnlyOnFirstUseOrWhenAskedFor() async throws {
        let folder = temporaryDirectory("db-new")
        let config = try TestEvent.write(in: folder)
        let database = folder.appendingPathComponent("data/pledges.sqlite").path
        // First use of the path: made, with its marker.
        let first = try await offPool { Started(try KioskProcess(database: database, config: config)) }.process
        #expect(await Self.post(port: first.port, key: "one", index: 1)?.number == 1)
        _ = try await KioskProcess.stop(first)
        let marker = try String(
            contentsOfFile: folder.appendingPathComponent("data/.pledges.sqlite.created").path, encoding: .utf8)
        #expect(marker.contains("database: pledges.sqlite"))
        #expect(marker.contains("event: e2e-event"))

        // Deleted while stopped: refused without the flag, a new one with it.
        for suffix in ["", "-wal", "-shm"] { unlink(database + suffix) }
        let refused = try KioskCommand.run(["serve", "--config", config, "--database", database, "--port", "0"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains(database))
        let fresh = try await offPool {
            Started(try KioskProcess(database: database, config: config, extraArguments: ["--new-database"]))
        }.process
        let two = await Self.post(port: fresh.port, key: "two", index: 2)
        #expect(two?.number == 1)
        _ = try await KioskProcess.stop(fresh)

        // The flag never replaces a database that is there.
        let replacing = try KioskCommand.run([
            "serve", "--config", config, "--database", database, "--port", "0", "--new-database",
        ])
        #expect(replacing.status != 0)
        #expect(replacing.stderr.contains("there is already a database at \(database)"))

        // A rescued copy beside a database that is there: the file at the path may lack what the
        // copy holds (its -wal was deleted), so a start refuses until one of them is moved away.
        let copy = database + ".rescued-20261206T101500Z"
        try FileManager.default.copyItem(atPath: database, toPath: copy)
        let besideCopy = try KioskCommand.run(["serve", "--config", config, "--database", database, "--port", "0"])
        #expect(besideCopy.status != 0)
        #expect(besideCopy.stderr.contains("a rescued copy is beside \(database): \(copy)"))
        // An erasure reaches the database only: it says the copy still holds the name.
        let erased = try KioskCommand.run([
            "erase", try #require(two?.code), "--config", config, "--database", database,
        ])
        #expect(erased.status == 0)
        #expect(
            erased.stderr.contains("(rescued, or set aside by kiosk restore) still hold the names this erased: \(copy)")
        )
        try FileManager.default.removeItem(atPath: copy)
        let goesOn = try await offPool { Started(try KioskProcess(database: database, config: config)) }.process
        #expect(await Self.post(port: goesOn.port, key: "three", index: 3)?.number == 2)
        _ = try await KioskProcess.stop(goesOn)
    }
}

@Suite("Start-up refuses empty and damaged databases, unchanged")
struct DamagedDatabaseTests {
    static func sha256(_ path: String) throws -> String {
        try ProcessRunner.run("sha256sum", [path]).stdout
    }

    /// Every command that opens the database refuses it with its path and `problem`, leaving its bytes as they were.
    static func expectRefused(_ database: String, config: String, problem: String) throws {
        let before = try sha256(database)
        for arguments in [
            ["serve", "--port", "0"], ["counts"], ["export", "counts", "--output", database + ".csv"], ["check"],
            ["check", "--full"],
        ] {
            let result = try KioskCommand.run(
                [arguments[0], "--config", config, "--database", database] + arguments.dropFirst())
            #expect(result.status != 0, "\(arguments) refused")
            #expect(result.stderr.contains("cannot open the database \(database): it \(problem)"), "\(result.stderr)")
            #expect(try sha256(database) == before, "\(arguments) left the bytes unchanged")
        }
        #expect(!FileManager.default.fileExists(atPath: database + ".csv"))
    }

    @Test func aZeroLengthDatabaseIsRefusedUnchanged() throws {
        let folder = temporaryDirectory("db-empty")
        let config = try TestEvent.write(in: folder)
        let database = folder.appendingPathComponent("pledges.sqlite").path
        #expect(FileManager.default.createFile(atPath: database, contents: Data()))
        try Self.expectRefused(database, config: config, problem: "is empty (0 bytes)")
        #expect(try FileManager.default.attributesOfItem(atPath: database)[.size] as? Int == 0)
    }

    /// `crashed`: the service is killed (SIGKILL), so a hot `-wal` and its `-shm` lie beside the
    /// file and the damaged page is one the WAL does not hold (the migrations table); else it stops
    /// cleanly and the pledge table's root page is damaged.
    @Test(arguments: [false, true]) func aDamagedTablePageIsRefusedUnchanged(crashed: Bool) async throws {
        let folder = temporaryDirectory("db-damaged")
        let config = try TestEvent.write(in: folder)
        let database = folder.appendingPathComponent("pledges.sqlite").path
        // A real database made by the service.
        let server = try await offPool { Started(try KioskProcess(database: database, config: config)) }.process
        for index in 0..<40 {
            #expect(await DatabaseGoneTests.post(port: server.port, key: "p\(index)", index: index)?.status == 201)
        }
        if crashed {
            let handle = Started(server)
            try await offPool { handle.process.kill9() }
        } else {
            #expect(try await KioskProcess.stop(server).reason == .exit)
        }
        let table = crashed ? "grdb_migrations" : "pledge"
        var readOnly = Configuration()
        readOnly.readonly = true
        let queue = try DatabaseQueue(path: database, configuration: readOnly)
        let (pageSize, root) = try await queue.read { db in
            (
                try Int.fetchOne(db, sql: "PRAGMA page_size")!,
                try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = ?", arguments: [table])!
            )
        }
        try queue.close()
        // The table's page: its b-tree page header and cell pointers overwritten.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: database))
        try handle.seek(toOffset: UInt64((root - 1) * pageSize))
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 64))
        try handle.close()
        let wal = crashed ? try Self.sha256(database + "-wal") : nil
        if crashed {
            #expect(try FileManager.default.attributesOfItem(atPath: database + "-wal")[.size] as? Int ?? 0 > 0)
        }
        try Self.expectRefused(database, config: config, problem: "is damaged")
        if let wal { #expect(try Self.sha256(database + "-wal") == wal, "the -wal is unchanged too") }
    }

    @Test func aFileThatIsNotSQLiteIsRefusedUnchanged() throws {
        let folder = temporaryDirectory("db-not-sqlite")
        let config = try TestEvent.write(in: folder)
        let database = folder.appendingPathComponent("pledges.sqlite").path
        try Data(repeating: 0x20, count: 8192).write(to: URL(fileURLWithPath: database))
        try Self.expectRefused(database, config: config, problem: "is not an SQLite database")
    }

    /// Something at the path that is not a regular file (a FIFO here) is not called empty or
    /// damaged: it cannot be read, and the advice is about the file, not a backup.
    @Test func aPathThatIsNotARegularFileIsRefusedAsUnreadable() throws {
        let folder = temporaryDirectory("db-fifo")
        let config = try TestEvent.write(in: folder)
        let database = folder.appendingPathComponent("pledges.sqlite").path
        #expect(mkfifo(database, 0o600) == 0)
        let result = try KioskCommand.run(["check", "--config", config, "--database", database])
        #expect(result.status != 0)
        #expect(
            result.stderr.contains("cannot open the database \(database): it is not a regular file"), "\(result.stderr)"
        )
        #expect(result.stderr.contains("check the permissions"))
        #expect(!result.stderr.contains("empty"))
    }
}

/// Runs the `kiosk` binary to its end (killed after `timeout` seconds, so a service that should
/// have refused to start fails its test instead of hanging it).
enum KioskCommand {
    static func run(_ arguments: [String], timeout: TimeInterval = 60) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        try ProcessRunner.run("/usr/bin/timeout", ["\(Int(timeout))", RepositoryPaths.kioskBinary] + arguments)
    }
}
