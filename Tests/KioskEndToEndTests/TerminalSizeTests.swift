import Foundation
import KioskTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("The front's window sizes, boxes and crash guard under tmux", .serialized)
struct TerminalSizeTests {
    /// 60×20 says "too small"; 120×40 shows a QR that decodes; resizing redraws cleanly; a name
    /// typed in NFD keeps the box's borders in one column.
    @Test func tooSmallThenLargeThenSmallAgain() throws {
        let folder = temporaryDirectory("sizes")
        let config = try TestEvent.write(in: folder)
        let command = TestEvent.quoted([
            RepositoryPaths.kioskBinary, "run", "--config", config, "--database",
            folder.appendingPathComponent("p.sqlite").path, "--host", "127.0.0.1", "--port", "0",
        ])
        let session = try TmuxSession(command: command + "; sleep 60", columns: 60, lines: 20)
        try session.waitFor("Nhấn Enter")
        try session.press("Enter", "Enter")
        let name = "Nguyễn Thị Ánh Dương"
        try session.type(name.decomposedStringWithCanonicalMapping)
        let screen = try session.waitFor(name)
        let box = screen.split(separator: "\n").filter { $0.contains("│") || $0.contains("┐") || $0.contains("┘") }
        #expect(box.count == 3)
        // Columns as the terminal shows them: one per grapheme cluster here.
        let rightEdges = Set(box.map { line in line.trimmingTrailingSpaces().count })
        #expect(rightEdges.count == 1, "box borders not aligned:\n\(box.joined(separator: "\n"))")

        try session.press("Enter", "4", "Enter", "Enter", "Enter", "Enter")
        let small = try session.waitFor("quá nhỏ")
        #expect(!small.contains("█"))

        try session.resize(columns: 120, lines: 40)
        let large = try session.waitFor("Quét mã")
        #expect(!large.contains("quá nhỏ"))
        let image = folder.appendingPathComponent("large.pgm").path
        try TerminalScreenImage.render(try session.capture(colours: true), theme: .dark).writePGM(to: image)
        let decoded = try QRDecoder.zbar(imageAt: image)
        #expect(decoded.count == 1)
        #expect(decoded.first?.hasPrefix("HTTP://127.0.0.1:") == true)

        try session.resize(columns: 60, lines: 20)
        let again = try session.waitFor("quá nhỏ")
        #expect(!again.contains("█") && !again.contains("▀"))
        #expect(again.split(separator: "\n").allSatisfy { $0.count <= 60 })
    }

    /// SIGKILL of the front (the guard's child): the guard starts it again; SIGTERM to the guard
    /// then ends it and gives the terminal back (echo, canonical mode, keyboard signals).
    @Test func killNineOfTheFrontLeavesEchoAndIcanonOn() throws {
        let folder = temporaryDirectory("kill9")
        let config = try TestEvent.write(in: folder)
        let stty = folder.appendingPathComponent("stty.txt").path
        let command = TestEvent.quoted([
            RepositoryPaths.kioskBinary, "run", "--config", config, "--database",
            folder.appendingPathComponent("p.sqlite").path, "--host", "127.0.0.1", "--port", "0",
        ])
        let session = try TmuxSession(command: "\(command); stty -a > '\(stty)'; sleep 60", columns: 100, lines: 30)
        try session.waitFor("Nhấn Enter")
        try session.press("Enter", "Enter")
        try session.type("Lê")
        try session.waitFor("Lê_")
        let guardPID = try #require(
            Int32(
                try ProcessRunner.run("pgrep", ["-P", "\(try session.panePID())"]).stdout.split(separator: "\n").first
                    ?? ""))
        let frontPID = try #require(
            Int32(try ProcessRunner.run("pgrep", ["-P", "\(guardPID)"]).stdout.split(separator: "\n").first ?? ""))
        kill(frontPID, SIGKILL)
        try session.waitFor("Màn hình đã khởi động lại 1 lần", timeout: 60)
        kill(guardPID, SIGTERM)
        let words = TestEvent.sttyWords(stty, timeout: 60)
        #expect(words.contains("echo") && words.contains("icanon") && words.contains("isig"))
        #expect(!words.contains("-echo") && !words.contains("-icanon") && !words.contains("-isig"))
        let screen = try session.capture()
        #expect(!screen.contains("Lê_"))
    }
}

extension Substring {
    func trimmingTrailingSpaces() -> Substring {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
