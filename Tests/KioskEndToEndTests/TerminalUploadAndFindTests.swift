import Foundation
import GRDB
import KioskTestSupport
import Testing

/// Issue 17, items 4 and 5, on the real binaries under tmux: a front's done screen follows the
/// upload of its queued pledge without a key press, and the welcome footer says "offline" with
/// nothing waiting; the attendant finds a signer by an unaccented lowercase name and shows the
/// certificate's QR again (`kiosk front` over the LAN and `kiosk run` in process).
@Suite("The terminal front: the upload on the done screen, lost codes", .serialized)
struct TerminalUploadAndFindTests {
    /// The QR on the screen, read by zbar and by zxing-cpp (the same one text from both).
    static func decodeQR(_ session: TmuxSession, folder: URL, name: String) throws -> String {
        let image = folder.appendingPathComponent("\(name).pgm").path
        try TerminalScreenImage.render(try session.capture(colours: true), theme: .dark).writePGM(to: image)
        let zbar = try QRDecoder.zbar(imageAt: image)
        let zxing = try QRDecoder.zxing(imageAt: image)
        #expect(zbar.count == 1 && zbar == zxing, "zbar \(zbar), zxing \(zxing)")
        return zbar.first ?? ""
    }

    /// The certificate code on a done screen, without its dashes.
    static func code(on screen: String) throws -> String {
        let line = try #require(screen.split(separator: "\n").first { $0.contains("Mã giấy chứng nhận:") })
        return String(line.split(separator: ":").last!.trimmingCharacters(in: .whitespaces))
            .replacingOccurrences(of: "-", with: "")
    }

    static let codeLine = "Mã giấy chứng nhận: *[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}"

    @Test func theDoneScreenShowsTheNumberOnceTheServiceIsBackWithoutAKeyPress() async throws {
        let folder = temporaryDirectory("upload-done")
        let config = try TestEvent.write(in: folder)
        let database = folder.appendingPathComponent("service.sqlite").path
        var service = try KioskProcess(database: database, config: config)
        let port = service.port
        let command = TestEvent.quoted([
            RepositoryPaths.kioskBinary, "front", "--service", "http://127.0.0.1:\(port)", "--kiosk-id", "kiosk-u",
            "--config", config, "--outbox", folder.appendingPathComponent("outbox.sqlite").path,
        ])
        let front = try TmuxSession(command: command + "; sleep 60", columns: 120, lines: 40)
        try front.waitFor("Nhấn Enter để bắt đầu")
        #expect(service.stop().isClean)
        // The heartbeat finds the service gone: the welcome footer says so, with nothing waiting.
        let welcome = try front.waitFor("ngoại tuyến · 0 chờ gửi")
        #expect(welcome.contains("Nhấn Enter để bắt đầu"))

        try front.press("Enter", "Enter", "Enter", "4", "Enter", "Enter", "Enter", "Enter")
        let pending = try front.waitFor(matching: Self.codeLine)
        #expect(pending.contains("đã được ghi nhận"), "not queued:\n\(pending)")
        let code = try Self.code(on: pending)

        service = try KioskProcess(database: database, config: config, port: port)
        defer { service.stop() }
        // No key is pressed from here on: the outbox's upload alone changes the screen.
        let numbered = try front.waitFor("Người thứ 1 cam kết")
        #expect(!numbered.contains("đã được ghi nhận"))
        #expect(try Self.code(on: try front.waitFor(matching: Self.codeLine)) == code)
        let url = try Self.decodeQR(front, folder: folder, name: "done")
        #expect(url == "HTTP://127.0.0.1:\(port)/C/\(code)")
        let queue = try DatabaseQueue(path: database)
        defer { try? queue.close() }
        let stored = try await queue.read { db in try Row.fetchAll(db, sql: "SELECT code, number FROM pledge") }
        #expect(stored.map { $0["code"] as String } == [code])
        #expect(stored.map { $0["number"] as Int } == [1])
    }

    enum Mode: String, CaseIterable, Sendable {
        /// `kiosk front`: the search goes to the service over HTTP (`POST /api/pledges/search`).
        case front
        /// `kiosk run`: the front asks the store in the same process.
        case run
    }

    @Test(arguments: Mode.allCases)
    func theAttendantFindsASignerByAnUnaccentedNameAndShowsTheQRAgain(_ mode: Mode) async throws {
        let folder = temporaryDirectory("find-\(mode.rawValue)")
        let config = try TestEvent.write(in: folder)
        let database = folder.appendingPathComponent("service.sqlite").path
        var service = try KioskProcess(database: database, config: config)
        var codes: [String: String] = [:]
        for (index, name) in ["Nguyễn Thị Ánh Tuyết", "Nguyễn Văn Ánh", "Trần Thị Anh Thư"].enumerated() {
            let answer = try await TestEvent.postPledge(
                port: service.port, key: "find-\(index)", kiosk: "kiosk-p", name: name)
            #expect(answer.status == 201, "\(answer.text)")
            codes[name] = try answer.json()["code"] as? String
        }
        let command: String
        switch mode {
        case .front:
            command = TestEvent.quoted([
                RepositoryPaths.kioskBinary, "front", "--service", "http://127.0.0.1:\(service.port)", "--kiosk-id",
                "kiosk-f", "--config", config, "--outbox", folder.appendingPathComponent("outbox.sqlite").path,
            ])
        case .run:
            #expect(service.stop().isClean)
            command = TestEvent.quoted([
                RepositoryPaths.kioskBinary, "run", "--config", config, "--database", database, "--host", "127.0.0.1",
                "--port", "0",
            ])
        }
        defer { service.stop() }
        let session = try TmuxSession(command: command + "; sleep 60", columns: 100, lines: 40)
        try session.waitFor("Nhấn Enter để bắt đầu")
        try session.press("C-c")
        try session.waitFor("Nhập mã PIN")
        try session.type("2468")
        try session.press("Enter")
        try session.waitFor("5. Tìm lại mã giấy chứng nhận")
        try session.press("5", "Enter")
        try session.waitFor("Tìm lại giấy chứng nhận")
        try session.type("nguyen thi anh")
        try session.waitFor("nguyen thi anh_")
        try session.press("Enter")
        // Only the name, the time and the number; the other Nguyễn is no match.
        let list = try session.waitFor(matching: "số 1 · [0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2} · Nguyễn Thị Ánh Tuyết")
        #expect(!list.contains("Nguyễn Văn Ánh") && !list.contains("Trần Thị Anh Thư"))
        #expect(!list.contains("18–24") && !list.contains("Hà Nội ·"))
        try session.press("Enter")
        let code = try #require(codes["Nguyễn Thị Ánh Tuyết"])
        let shown = try session.waitFor(matching: Self.codeLine)
        #expect(try Self.code(on: shown) == code)
        #expect(shown.contains("Người thứ 1 cam kết"))
        let url = try Self.decodeQR(session, folder: folder, name: "found")
        #expect(url.hasPrefix("HTTP://127.0.0.1:") && url.hasSuffix("/C/\(code)"), "\(url)")
        // Any key ends it as on the done screen: the welcome screen, nothing of the search left.
        try session.press("Enter")
        let welcome = try session.waitFor("Nhấn Enter để bắt đầu")
        #expect(!welcome.contains("Nguyễn") && !welcome.contains("nguyen"))

        // The logs hold no name, searched or found.
        let logs =
            mode == .front
            ? [service.log] : [folder.appendingPathComponent("kiosk.log")]
        for log in logs {
            let text = try String(contentsOf: log, encoding: .utf8)
            #expect(!text.contains("Nguy") && !text.contains("nguy") && !text.contains("Tuy"), "\(log.path)")
        }
    }
}
