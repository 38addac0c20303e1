import Foundation
import GRDB
import KioskTestSupport
import Testing

/// Issue 17, item 1: Vietnamese typed in Telex and VNI on the real `kiosk run` under tmux, with
/// no input method on the machine, is stored in NFC; a foreign name stays as typed.
@Suite("Typing Vietnamese at the terminal front", .serialized)
struct TerminalVietnameseInputTests {
    @Test func telexAndVNIStoreComposedNames() throws {
        let folder = temporaryDirectory("telex")
        let database = folder.appendingPathComponent("pledges.sqlite").path
        let command = [
            RepositoryPaths.kioskBinary, "run", "--config", RepositoryPaths.defaultConfiguration.path,
            "--database", database, "--host", "127.0.0.1", "--port", "0", "--developer-mode",
        ].map { "'\($0)'" }.joined(separator: " ")
        let session = try TmuxSession(command: command, columns: 100, lines: 40)
        try session.waitFor("Chế độ nhà phát triển")

        // Three signers: Telex (the default), VNI after one F4, and a foreign name in Telex.
        let signers: [(method: String, keys: String, name: String)] = [
            ("Telex", "Nguyeenx Thij Anhs Tuyeets", "Nguyễn Thị Ánh Tuyết"),
            ("VNI", "Nguye6n4 Thi5 A1nh", "Nguyễn Thị Ánh"),
            ("Telex", "Jessica", "Jessica"),
        ]
        for (number, signer) in signers.enumerated() {
            try session.press("Enter")
            try session.waitFor("Lời cam kết")
            try session.press("Enter")
            // Each signer starts in Telex; the mode is on the name screen.
            try session.waitFor("Kiểu gõ: Telex")
            if signer.method == "VNI" {
                try session.press("F4")
                try session.waitFor("Kiểu gõ: VNI")
            }
            try session.type(signer.keys)
            try session.waitFor(signer.name + "_")
            try session.press("Enter")
            try session.press("4")
            try session.press("Enter")
            try session.waitFor("tỉnh, thành phố nào")
            try session.press("Enter")
            try session.press("Enter")
            try session.waitFor(signer.name)
            try session.press("Enter")
            try session.waitFor("Người thứ \(number + 1) cam kết")
            try session.press("Enter")
            try session.waitFor("mã điểm danh")
        }

        // Stored byte for byte in NFC (Swift's == would take NFD as equal).
        let queue = try DatabaseQueue(path: database)
        let names = try queue.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM pledge ORDER BY number")
        }
        try queue.close()
        #expect(
            names.map { Array($0.utf8) } == signers.map { Array($0.name.precomposedStringWithCanonicalMapping.utf8) })
    }
}
