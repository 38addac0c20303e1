import Foundation
import GRDB
import KioskTestSupport
import Testing

/// Issue 12, secure defaults, on the real binary: no attendant PIN is refused outside developer
/// mode; quitting a front with pledges still in its outbox says how many and asks again.
@Suite("Secure defaults: the attendant PIN and quitting with pledges waiting")
struct SecureDefaultsTests {
    @Test("kiosk run and kiosk front without a PIN refuse to start", arguments: ["run", "front"])
    func withoutAPINTheKioskRefusesToStart(_ command: String) throws {
        let folder = temporaryDirectory("no-pin-\(command)")
        let config = try TestEvent.write(in: folder, pin: "")
        let database = folder.appendingPathComponent("pledges.sqlite").path
        let arguments =
            command == "run"
            ? ["run", "--config", config, "--database", database, "--port", "0"]
            : ["front", "--service", "http://127.0.0.1:9", "--kiosk-id", "kiosk-p", "--config", config]
        let result = try ProcessRunner.run(RepositoryPaths.kioskBinary, arguments)
        #expect(result.status != 0)
        let vietnamese = try #require(result.stderr.range(of: "Chưa đặt mã PIN cho nhân viên"), "\(result.stderr)")
        let english = try #require(result.stderr.range(of: "no attendant PIN: set kiosk.attendantPIN (4–12 digits)"))
        #expect(vietnamese.lowerBound < english.lowerBound, "Vietnamese first")
        #expect(result.stderr.contains("in \(config)"))
        #expect(result.stderr.contains("--developer-mode"))
        // Refused before anything started: no database, no token, no outbox.
        #expect(!FileManager.default.fileExists(atPath: database))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("kiosk-token").path))

        // In developer mode the PIN is not asked for: here it goes on to need a terminal.
        let developer = try ProcessRunner.run(RepositoryPaths.kioskBinary, arguments + ["--developer-mode"])
        #expect(developer.status != 0)
        #expect(!developer.stderr.contains("attendant PIN"), "\(developer.stderr)")
        #expect(developer.stderr.contains("needs a terminal"), "\(developer.stderr)")
    }

    @Test func onATerminalTheRefusalLeavesItAsItWas() throws {
        let folder = temporaryDirectory("no-pin-tty")
        let config = try TestEvent.write(in: folder, pin: "")
        let sttyFile = folder.appendingPathComponent("stty.txt").path
        let command = TestEvent.quoted([
            RepositoryPaths.kioskBinary, "run", "--config", config, "--database",
            folder.appendingPathComponent("pledges.sqlite").path, "--port", "0",
        ])
        let session = try TmuxSession(
            command: "\(command); echo \"exit=$?\"; stty -a > '\(sttyFile)'; sleep 60", columns: 120, lines: 40)
        let screen = try session.waitFor("exit=")
        #expect(screen.contains("Chưa đặt mã PIN cho nhân viên"))
        #expect(!screen.contains("exit=0"))
        let words = TestEvent.sttyWords(sttyFile)
        #expect(words.contains("echo") && words.contains("icanon"), "\(words)")
    }

    /// The service is not running, so the pledge waits in the front's outbox; the attendant's
    /// quit says so and asks again; Esc keeps the kiosk running, Enter quits and the pledge stays.
    @Test func quittingAFrontWithAPledgeWaitingAsksAgain() throws {
        let folder = temporaryDirectory("quit-waiting")
        // Nothing listens on port 9; the certificate links come from the configuration.
        let config = try TestEvent.write(in: folder, publicBaseURL: "http://127.0.0.1:9")
        let outbox = folder.appendingPathComponent("outbox.sqlite").path
        let command = TestEvent.quoted([
            RepositoryPaths.kioskBinary, "front", "--service", "http://127.0.0.1:9", "--kiosk-id", "kiosk-q",
            "--config", config, "--outbox", outbox,
        ])
        let session = try TmuxSession(
            command: command + "; echo \"front exited $?\"; sleep 60", columns: 120, lines: 40)
        let shown = try SeveralKiosksTests.sign(on: session, decodeQR: false, folder: folder)
        #expect(shown.pending)
        try session.waitFor("1 chờ gửi")
        try session.press("C-c")
        try session.waitFor("Nhập mã PIN")
        try session.type("2468")
        try session.press("Enter")
        try session.waitFor("Bảng điều khiển kiosk")
        try session.press("4", "Enter")
        let asked = try session.waitFor("Còn lời cam kết chưa gửi")
        #expect(asked.contains("Còn 1 lời cam kết chưa gửi lên máy chủ"))
        #expect(asked.contains("Enter: vẫn thoát · Esc: không thoát"))
        try session.press("Escape")
        try session.waitFor("Bảng điều khiển kiosk")
        #expect(!(try session.capture()).contains("front exited"))
        try session.press("4", "Enter")
        try session.waitFor("Còn lời cam kết chưa gửi")
        try session.press("Enter")
        try session.waitFor("front exited 0")
        // The pledge is still in the outbox, to be sent at the next start.
        let queue = try DatabaseQueue(path: outbox)
        defer { try? queue.close() }
        #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM outbox") } == 1)
    }
}
