import Foundation
import GRDB
import KioskTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("The terminal front under tmux", .serialized)
struct TerminalFrontTests {
    /// A scripted attendee signs with a name typed in NFD, reads the QR off the screen, and the
    /// operator stops the kiosk with SIGTERM: the terminal gets echo and canonical mode back.
    @Test func attendeeSignsAndScansTheCertificateQR() async throws {
        let folder = temporaryDirectory("front")
        let database = folder.appendingPathComponent("pledges.sqlite").path
        let sttyFile = folder.appendingPathComponent("stty.txt").path
        let command = [
            RepositoryPaths.kioskBinary, "run", "--config", RepositoryPaths.defaultConfiguration.path,
            "--database", database, "--host", "127.0.0.1", "--port", "0", "--developer-mode",
        ].map { "'\($0)'" }.joined(separator: " ")
        // After the kiosk exits, record the terminal's modes from the same terminal.
        let session = try TmuxSession(
            command: "\(command); stty -a > '\(sttyFile)'; sleep 60", columns: 100, lines: 40)

        // The repository's event has no attendant PIN: developer mode, and the screen says so.
        try session.waitFor("Chế độ nhà phát triển")
        // The welcome screen shows the web flow's QR for phones: it decodes to the flow's link with
        // the presence code of the moment, which the service takes.
        let welcomeScreen = try session.waitFor("mã điểm danh")
        let presenceImage = folder.appendingPathComponent("welcome.pgm").path
        try TerminalScreenImage.render(try session.capture(colours: true), theme: .dark).writePGM(to: presenceImage)
        let presence = try QRDecoder.zbar(imageAt: presenceImage)
        let presenceZXing = try QRDecoder.zxing(imageAt: presenceImage)
        #expect(presence.count == 1 && presence == presenceZXing)
        let presenceURL = try #require(URL(string: "http" + (presence.first ?? "").dropFirst(4)))
        #expect(presence.first?.hasPrefix("HTTP://127.0.0.1:") == true && presenceURL.path.hasPrefix("/P/"))
        #expect(welcomeScreen.contains("mã điểm danh \(presenceURL.lastPathComponent)"))
        let flowPage = try await LoopbackHTTP.request(
            port: try #require(presenceURL.port), "GET", presenceURL.path, headers: ["Accept": "text/html"])
        #expect(flowPage.status == 200 && flowPage.text.contains(#"name="presence""#))
        try session.press("Enter")
        try session.waitFor("Lời cam kết")
        try session.press("Tab")
        try session.waitFor("The “Not Alone” pledge")
        try session.press("Tab")
        try session.waitFor("Lời cam kết")
        try session.press("Enter")
        let nameNFC = "Nguyễn Thị Ánh"
        try session.type(nameNFC.decomposedStringWithCanonicalMapping)
        try session.waitFor(nameNFC)
        try session.press("Enter")
        try session.press("4")
        try session.press("Enter")
        try session.type("ha noi")
        try session.waitFor("Hà Nội")
        try session.press("Enter")
        try session.press("Enter")
        try session.waitFor(nameNFC)
        try session.press("Enter")
        _ = try session.waitFor("Người thứ 1 cam kết")

        // The pledge is in the database, stored in NFC.
        let queue = try DatabaseQueue(path: database)
        let row = try #require(
            try queue.read { db in
                try Row.fetchOne(db, sql: "SELECT name, age_band, province, code FROM pledge")
            })
        let code: String = row["code"]
        #expect(row["name"] as String? == nameNFC)
        #expect(row["age_band"] as String? == "18-24")
        #expect(row["province"] as String? == "Hà Nội")
        try queue.close()
        let grouped = stride(from: 0, to: 16, by: 4).map { i in
            String(code[code.index(code.startIndex, offsetBy: i)..<code.index(code.startIndex, offsetBy: i + 4)])
        }.joined(separator: "-")
        // The done screen's code, waited for: under a loaded run the screen was captured once
        // between its heading and its code line (CI).
        #expect(try session.waitFor(grouped).contains("Người thứ 1 cam kết"))

        // The QR as drawn on the screen decodes to the certificate link, on dark and light themes.
        let screen = try session.capture(colours: true)
        var url = ""
        for theme in [TerminalTheme.dark, .light] {
            let image = folder.appendingPathComponent("screen-\(theme == .dark ? "dark" : "light").pgm").path
            try TerminalScreenImage.render(screen, theme: theme).writePGM(to: image)
            let zbar = try QRDecoder.zbar(imageAt: image)
            let zxing = try QRDecoder.zxing(imageAt: image)
            #expect(zbar.count == 1 && zbar == zxing)
            url = zbar.first ?? ""
        }
        #expect(url.hasPrefix("HTTP://127.0.0.1:"))
        #expect(url.hasSuffix("/C/\(code)"))

        // A phone on the network opens it: the page names the signer.
        let httpURL = try #require(URL(string: "http" + url.dropFirst(4)))
        let page = try await LoopbackHTTP.request(port: try #require(httpURL.port), "GET", httpURL.path)
        #expect(page.status == 200)
        #expect(page.text.contains(nameNFC))

        // Back to welcome on a key: nothing of the signer remains on screen.
        try session.press("Enter")
        // A line only the welcome screen shows (the campaign's name is in other screens too).
        let welcome = try session.waitFor("Nhấn Enter để bắt đầu")
        #expect(!welcome.contains("Nguyễn"))
        #expect(!welcome.contains(grouped))

        // SIGTERM to the kiosk (the shell's child); the shell then records the terminal modes.
        let shell = try session.panePID()
        let child = try ProcessRunner.run("pgrep", ["-P", "\(shell)"]).stdout
        let kioskPID = try #require(Int32(child.split(separator: "\n").first ?? ""))
        kill(kioskPID, SIGTERM)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, (try? String(contentsOfFile: sttyFile, encoding: .utf8))?.isEmpty ?? true {
            usleep(100_000)
        }
        let modes = try String(contentsOfFile: sttyFile, encoding: .utf8)
        let words = Set(modes.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "\n" }).map(String.init))
        #expect(words.contains("echo"))
        #expect(words.contains("icanon"))
        #expect(!words.contains("-echo"))
        #expect(!words.contains("-icanon"))

        // The kiosk closed its database: the WAL is checkpointed, so the one file holds the pledge.
        let wal = (try? FileManager.default.attributesOfItem(atPath: database + "-wal")[.size] as? Int) ?? 0
        #expect(wal == 0)
        let copy = folder.appendingPathComponent("copy.sqlite").path
        try FileManager.default.copyItem(atPath: database, toPath: copy)
        let copied = try DatabaseQueue(path: copy)
        #expect(try await copied.read { try String.fetchOne($0, sql: "SELECT name FROM pledge") } == nameNFC)
        try copied.close()

        // The log names the pledge by id and number, never by the signer's name.
        let log = try String(contentsOf: folder.appendingPathComponent("kiosk.log"), encoding: .utf8)
        #expect(log.contains("pledge recorded"))
        #expect(log.contains("pledge.number=1"))
        #expect(log.contains("kiosk.id=kiosk-01"))
        #expect(!log.contains("Nguy"))
        // The kiosk token made on this first start is printed for the fronts, never logged.
        let token = try String(contentsOf: folder.appendingPathComponent("kiosk-token"), encoding: .utf8)
        #expect(token.count == 33)
        #expect(!log.contains(token.trimmingCharacters(in: .newlines)))
        #expect(!log.contains("error"))
    }
}
