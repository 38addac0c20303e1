import Foundation
import GRDB
import KioskTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The terminal guard starts the screen again when it dies (`TerminalGuard`): under a real tmux,
/// with `kiosk` as the pane's only command (`exec`, so there is no shell that could show), and the
/// pane kept when its command ends, so its end and exit status can be read.
@Suite("The screen comes back after kill -9, under tmux", .serialized)
struct ScreenRelaunchTests {
    /// Generous: restarts take well under a second alone, but the parallel run loads 2 cores.
    static let deadline: TimeInterval = 60
    static let notice = "Màn hình đã khởi động lại"

    /// Waits until `condition` holds; throws after `timeout` seconds.
    static func waitUntil(
        _ what: String, timeout: TimeInterval = deadline, _ condition: () throws -> Bool
    ) throws {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if (try? condition()) == true { return }
            usleep(100_000)
        }
        throw TmuxError(description: "never happened: \(what)")
    }

    /// Waits until the pane's command has ended.
    static func waitForTheEnd(of session: TmuxSession) throws {
        try waitUntil("the pane's command ended") { try session.paneIsDead() }
    }

    /// The guard is the pane's process (exec); its only child is the screen (and, in `kiosk run`, the service).
    static func screenProcess(of session: TmuxSession) throws -> (guardPID: Int32, child: Int32) {
        let guardPID = try session.panePID()
        var child: Int32?
        try waitUntil("the guard's child") {
            child = Int32(
                try ProcessRunner.run("pgrep", ["-P", "\(guardPID)"]).stdout.split(separator: "\n").first ?? "")
            return child != nil
        }
        return (guardPID, child!)
    }

    /// The pane still runs kiosk: not dead, and its foreground command is kiosk (the guard).
    static func expectKioskInFront(_ session: TmuxSession, guardPID: Int32) throws {
        #expect(try session.pane("#{pane_dead}") == "0")
        #expect(try session.pane("#{pane_current_command}") == "kiosk")
        #expect(try session.panePID() == guardPID)
    }

    @Test func killNineOfKioskRunBringsTheScreenAndServiceBackOnTheSameDatabaseAndPort() async throws {
        let folder = temporaryDirectory("relaunch-run")
        let config = try TestEvent.write(in: folder)
        let database = folder.appendingPathComponent("p.sqlite").path
        // --new-database on the first start: the restart must open that database, not refuse it.
        let command = TestEvent.quoted([
            RepositoryPaths.kioskBinary, "run", "--config", config, "--database", database, "--host", "127.0.0.1",
            "--port", "0", "--new-database",
        ])
        let session = try TmuxSession(command: "exec \(command)", columns: 120, lines: 40, keepDeadPane: true)
        // One pledge before the crash; its QR names the port the service picked.
        let first = try SeveralKiosksTests.sign(on: session, decodeQR: true, folder: folder)
        let link = try #require(first.url)
        #expect(!first.pending)
        try session.waitFor("Nhấn Enter để bắt đầu")
        #expect(!(try session.capture()).contains(Self.notice))

        let (guardPID, screen) = try Self.screenProcess(of: session)
        kill(screen, SIGKILL)
        let back = try session.waitFor("\(Self.notice) 1 lần", timeout: Self.deadline)
        #expect(back.contains("Nhấn Enter để bắt đầu"))
        try Self.expectKioskInFront(session, guardPID: guardPID)
        let (_, restarted) = try Self.screenProcess(of: session)
        #expect(restarted != screen)

        // The same database (the count goes on) behind the same port (the certificate link opens).
        try session.waitFor("1 người đã cam kết", timeout: Self.deadline)
        let url = try #require(URL(string: "http" + link.dropFirst(4)))
        let port = try #require(url.port)
        #expect(try await LoopbackHTTP.request(port: port, "GET", url.path).status == 200)
        let second = try SeveralKiosksTests.sign(on: session, decodeQR: false, folder: folder)
        #expect(!second.pending)
        let queue = try DatabaseQueue(path: database)
        let codes = try await queue.read { try String.fetchAll($0, sql: "SELECT code FROM pledge ORDER BY number") }
        try queue.close()
        #expect(codes == [first.code, second.code])

        // The attendant's status screen says it too; the log records it, without personal data.
        try session.waitFor("Nhấn Enter để bắt đầu")
        try session.press("C-c")
        try session.waitFor("Nhập mã PIN")
        try session.type("2468")
        try session.press("Enter", "3", "Enter")
        let status = try session.waitFor("Trạng thái kiosk")
        #expect(status.contains("\(Self.notice) 1 lần, lần cuối lúc"))
        let log = try String(contentsOf: folder.appendingPathComponent("kiosk.log"), encoding: .utf8)
        #expect(log.contains("screen restarted by the terminal guard"))
        #expect(log.contains("restart.cause=signal 9"))
        #expect(log.contains("restart.count=1"))

        // SIGTERM to the guard ends the program (its status and the terminal: the test below).
        kill(guardPID, SIGTERM)
        try Self.waitForTheEnd(of: session)
    }

    @Test func killNineOfKioskFrontKeepsItsOutbox() async throws {
        let folder = temporaryDirectory("relaunch-front")
        let config = try TestEvent.write(in: folder)
        let database = folder.appendingPathComponent("service.sqlite").path
        var service = try KioskProcess(database: database, config: config)
        let port = service.port
        let command = TestEvent.quoted([
            RepositoryPaths.kioskBinary, "front", "--service", "http://127.0.0.1:\(port)", "--kiosk-id", "kiosk-r",
            "--config", config, "--outbox", folder.appendingPathComponent("outbox.sqlite").path,
        ])
        let session = try TmuxSession(command: "exec \(command)", columns: 120, lines: 40, keepDeadPane: true)
        // The front's first start learns the certificate links from the service; then the service stops.
        try session.waitFor("Nhấn Enter để bắt đầu", timeout: Self.deadline)
        service.stop()
        let pledge = try SeveralKiosksTests.sign(on: session, decodeQR: false, folder: folder)
        #expect(pledge.pending)
        try session.waitFor("1 chờ gửi", timeout: Self.deadline)

        let (guardPID, screen) = try Self.screenProcess(of: session)
        kill(screen, SIGKILL)
        // The restarted front found the pledge in its outbox.
        try session.waitFor(matching: "\(Self.notice) 1 lần.*1 chờ gửi", timeout: Self.deadline)
        try Self.expectKioskInFront(session, guardPID: guardPID)

        // The service comes back on its port: the pledge made before the kill arrives.
        service = try KioskProcess(database: database, config: config, port: port)
        let queue = try DatabaseQueue(path: database)
        var codes: [String] = []
        try Self.waitUntil("the pledge from the outbox") {
            codes = try queue.read { try String.fetchAll($0, sql: "SELECT code FROM pledge") }
            return !codes.isEmpty
        }
        try queue.close()
        #expect(codes == [pledge.code])
        let log = try String(contentsOf: folder.appendingPathComponent("front-kiosk-r.log"), encoding: .utf8)
        #expect(log.contains("restart.cause=signal 9"))

        kill(guardPID, SIGTERM)
        try Self.waitForTheEnd(of: session)
        service.stop()
    }

    /// The operator's mistake on the first start still ends the program with its message: no restart.
    @Test func aStartUpFailureOnTheFirstStartExitsNonZeroWithItsMessage() throws {
        let folder = temporaryDirectory("relaunch-port-taken")
        let config = try TestEvent.write(in: folder)
        let status = folder.appendingPathComponent("status.txt").path
        let holder = try KioskProcess(database: folder.appendingPathComponent("held.sqlite").path, config: config)
        defer { holder.stop() }
        let command = TestEvent.quoted([
            RepositoryPaths.kioskBinary, "run", "--config", config, "--database",
            folder.appendingPathComponent("p.sqlite").path, "--host", "127.0.0.1", "--port", "\(holder.port)",
        ])
        let session = try TmuxSession(
            command: "\(command); echo $? > '\(status)'; sleep 60", columns: 120, lines: 40)
        var code = ""
        try Self.waitUntil("kiosk run ended") {
            code = (try? String(contentsOfFile: status, encoding: .utf8)) ?? ""
            return !code.isEmpty
        }
        #expect(code.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        let screen = try session.capture()
        #expect(screen.contains("cannot listen on 127.0.0.1:\(holder.port)"))
        #expect(!screen.contains("khởi động lại"))
    }

    /// A restarted screen that fails at start-up (the event file broken meanwhile) is tried again,
    /// its error on screen during the wait (where Ctrl-C, Ctrl-\\ and Ctrl-Z do nothing), until it starts.
    @Test func aRestartThatFailsAtStartUpIsTriedAgain() throws {
        let folder = temporaryDirectory("relaunch-retry")
        let config = try TestEvent.write(in: folder)
        let good = try String(contentsOfFile: config, encoding: .utf8)
        let command = TestEvent.quoted([
            RepositoryPaths.kioskBinary, "run", "--config", config, "--database",
            folder.appendingPathComponent("p.sqlite").path, "--host", "127.0.0.1", "--port", "0",
        ])
        let session = try TmuxSession(command: "exec \(command)", columns: 120, lines: 40, keepDeadPane: true)
        try session.waitFor("Nhấn Enter để bắt đầu", timeout: Self.deadline)
        let (guardPID, screen) = try Self.screenProcess(of: session)
        try "event: [".write(toFile: config, atomically: true, encoding: .utf8)
        kill(screen, SIGKILL)
        let waiting = try session.waitFor("thử lại sau", timeout: Self.deadline)
        #expect(waiting.contains("Màn hình kiosk đang khởi động lại…"))
        #expect(waiting.contains("The kiosk screen is restarting…"))
        #expect(waiting.contains("not valid YAML"))
        #expect(waiting.contains("It did not start; trying again in"))
        // Keyboard signals during the wait reach nobody: no ISIG on the terminal, ignored by the guard.
        try session.press("C-c", "C-\\", "C-z")
        try Self.expectKioskInFront(session, guardPID: guardPID)
        try good.write(toFile: config, atomically: true, encoding: .utf8)
        try session.waitFor(matching: "\(Self.notice) [0-9]+ lần", timeout: Self.deadline)
        try Self.expectKioskInFront(session, guardPID: guardPID)
        kill(guardPID, SIGTERM)
        try Self.waitForTheEnd(of: session)
    }

    /// SIGTERM to the guard while it waits to start the screen again ends it at once: no other
    /// start (which would fail here and exit 1), exit status 0, the terminal's modes back.
    @Test func sigtermDuringTheWaitEndsTheGuardWithTheTerminalRestored() throws {
        let folder = temporaryDirectory("relaunch-sigterm")
        let config = try TestEvent.write(in: folder)
        let stty = folder.appendingPathComponent("stty.txt").path
        let status = folder.appendingPathComponent("status.txt").path
        let command = TestEvent.quoted([
            RepositoryPaths.kioskBinary, "run", "--config", config, "--database",
            folder.appendingPathComponent("p.sqlite").path, "--host", "127.0.0.1", "--port", "0",
        ])
        // After kiosk ends, the shell records its status and the terminal's modes.
        let session = try TmuxSession(
            command: "\(command); echo $? > '\(status)'; stty -a > '\(stty)'; sleep 60", columns: 120, lines: 40)
        try session.waitFor("Nhấn Enter để bắt đầu", timeout: Self.deadline)
        let guardPID = try #require(
            Int32(
                try ProcessRunner.run("pgrep", ["-P", "\(try session.panePID())"]).stdout.split(separator: "\n").first
                    ?? ""))
        let screen = try #require(
            Int32(try ProcessRunner.run("pgrep", ["-P", "\(guardPID)"]).stdout.split(separator: "\n").first ?? ""))
        try "event: [".write(toFile: config, atomically: true, encoding: .utf8)
        kill(screen, SIGKILL)
        // Failed starts in a row: the wait has grown to seconds, so the SIGTERM lands inside one.
        try session.waitFor(matching: "thử lại sau (4|8|16|30) giây", timeout: Self.deadline)
        kill(guardPID, SIGTERM)
        let words = TestEvent.sttyWords(stty, timeout: Self.deadline)
        #expect(words.contains("echo") && words.contains("icanon") && words.contains("isig"))
        #expect(!words.contains("-echo") && !words.contains("-icanon") && !words.contains("-isig"))
        let code = try String(contentsOfFile: status, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(code == "0")
    }

    /// The guard itself killed (only root can): its screen process ends and gives the port and
    /// the database back, instead of drawing over the terminal as an orphan (found by a trial).
    @Test func aScreenWhoseGuardIsKilledEnds() throws {
        let folder = temporaryDirectory("relaunch-guard-killed")
        let config = try TestEvent.write(in: folder)
        let database = folder.appendingPathComponent("p.sqlite").path
        let command = TestEvent.quoted([
            RepositoryPaths.kioskBinary, "run", "--config", config, "--database", database, "--host", "127.0.0.1",
            "--port", "0",
        ])
        let session = try TmuxSession(command: "exec \(command)", columns: 120, lines: 40, keepDeadPane: true)
        try session.waitFor("Nhấn Enter để bắt đầu")
        let (guardPID, screen) = try Self.screenProcess(of: session)
        kill(guardPID, SIGKILL)
        // Gone, or a zombie that nobody reaps yet (its parent is gone; PID 1 here may not reap).
        try Self.waitUntil("the screen process ended after its guard") {
            let state = (try? String(contentsOfFile: "/proc/\(screen)/stat", encoding: .utf8))?
                .split(separator: ")").last?.split(separator: " ").first
            return state == nil || state == "Z"
        }
    }

    /// Three wrong PINs, then the screen process killed: the restarted screen keeps the lock
    /// (a breaker found a restart cleared it). The guard carries the count (`keep`).
    @Test func thePINLockOutlivesARestart() throws {
        let folder = temporaryDirectory("relaunch-pin-lock")
        let config = try TestEvent.write(in: folder)
        let command = TestEvent.quoted([
            RepositoryPaths.kioskBinary, "run", "--config", config, "--database",
            folder.appendingPathComponent("p.sqlite").path, "--host", "127.0.0.1", "--port", "0",
        ])
        let session = try TmuxSession(command: "exec \(command)", columns: 120, lines: 40, keepDeadPane: true)
        try session.waitFor("Nhấn Enter để bắt đầu")
        try session.press("C-c")
        try session.waitFor("Nhập mã PIN")
        for guess in ["1111", "2222", "3333"] {
            try session.type(guess)
            try session.press("Enter")
        }
        try session.waitFor("Sai mã PIN quá nhiều lần")
        let (guardPID, screen) = try Self.screenProcess(of: session)
        kill(screen, SIGKILL)
        try session.waitFor("\(Self.notice) 1 lần", timeout: Self.deadline)
        try session.press("C-c")
        let locked = try session.waitFor("Sai mã PIN quá nhiều lần", timeout: Self.deadline)
        #expect(locked.contains("Vui lòng đợi"))
        try session.type("2468")
        try session.press("Enter")
        #expect(!(try session.capture()).contains("Bảng điều khiển kiosk"), "the menu opened within the lock")
        kill(guardPID, SIGTERM)
        try Self.waitForTheEnd(of: session)
    }
}
