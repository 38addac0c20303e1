import Foundation
import GRDB
import KioskTestSupport
import Testing

/// Issue 17, item 3, on the real `kiosk run` and `kiosk front` under tmux at 80×24: screens that
/// say what they do.
@Suite("Terminal screens that say what they do", .serialized)
struct TerminalScreensTests {
    /// 61 characters that Telex leaves as typed.
    static let longName = String(repeating: "Linh ", count: 12) + "A"

    /// The screen with its colours, without the trailing spaces tmux keeps of cells drawn before.
    static func screen(_ session: TmuxSession) throws -> String {
        try session.capture(colours: true).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.replacing(/\ +$/, with: "") }.joined(separator: "\n")
    }

    /// Captures until `shows` holds for the screen (``screen(_:)``); the last screen, or nil when
    /// it never held within `timeout` seconds.
    static func waitUntil(
        _ session: TmuxSession, timeout: TimeInterval = 30, _ shows: (String) -> Bool
    ) -> String? {
        try? session.waitFor("the expected screen", timeout: timeout, read: { try screen(session) }, until: shows)
    }

    /// One signer at 80×24: the display modes of the one before are gone; a 61-character name is
    /// refused on the name screen; Enter with no age band says what to do; the province list says
    /// how many entries follow; the consent screen follows the choice and gives the retention date;
    /// going back from "anonymous" keeps the name; the done screen has the whole link on one line.
    @Test func aSignerAtEightyByTwentyFour() throws {
        let folder = temporaryDirectory("screens")
        let config = try TestEvent.write(in: folder, retainPersonalDataUntil: "2099-12-31")
        let database = folder.appendingPathComponent("p.sqlite").path
        let command = TestEvent.quoted([
            RepositoryPaths.kioskBinary, "run", "--config", config, "--database", database, "--host", "127.0.0.1",
            "--port", "0",
        ])
        let session = try TmuxSession(command: command + "; sleep 60", columns: 80, lines: 24)

        // Someone turns on large text and high contrast, then leaves: the next signer gets the
        // screen as it was before.
        try session.waitFor("Nhấn Enter để bắt đầu")
        try session.press("Enter")
        try session.waitFor("Lời cam kết")
        let plainPledge = try Self.screen(session)
        try session.press("F2", "F3")
        #expect(Self.waitUntil(session) { $0 != plainPledge } != nil, "F2 and F3 changed nothing")
        try session.press("Escape")
        try session.waitFor("Nhấn Enter để bắt đầu")
        try session.press("Enter")
        #expect(
            Self.waitUntil(session) { $0 == plainPledge } != nil, "the next signer did not get the default display")

        // A name over 60 characters: refused on the name screen, which stays (F4 still switches
        // its input method after the Enter).
        try session.press("Enter")
        try session.waitFor("Kiểu gõ: Telex")
        try session.type(Self.longName)
        try session.waitFor("Tên đang có 61 ký tự, tối đa 60")
        try session.press("Enter", "F4")
        let refused = try session.waitFor("Kiểu gõ: VNI")
        #expect(
            refused.contains("Tên đang có 61 ký tự, tối đa 60") && refused.contains("Tên của bạn trên giấy chứng nhận"))
        try session.press("F4", "F4")
        try session.waitFor("Kiểu gõ: Telex")
        try session.tmux(["send-keys", "-t", session.name, "-N", "61", "BSpace"])
        try session.waitFor("│ _")
        let name = "Trần Minh Đức"
        try session.type(name)
        try session.waitFor(name + "_")
        try session.press("Enter")
        try session.waitFor("nhóm tuổi nào")

        // Enter with no age band chosen says what to do.
        try session.press("Enter")
        try session.waitFor("Bạn chưa chọn nhóm tuổi")
        try session.press("2", "Enter")

        // 35 rows at 80×24: the list says how many follow below, then above.
        let top = try session.waitFor(matching: "↓ còn [0-9]+ mục ở dưới")
        #expect(!top.contains("↑ còn"))
        try session.tmux(["send-keys", "-t", session.name, "-N", "34", "Down"])
        // The last row highlighted: nothing below it.
        let bottom = try #require(Self.waitUntil(session) { $0.contains("↑ còn") && !$0.contains("↓ còn") })
        func hidden(_ screen: String, _ pattern: Regex<(Substring, Substring)>) -> Int? {
            screen.firstMatch(of: pattern).flatMap { Int($0.output.1) }
        }
        #expect(hidden(top, /↓ còn ([0-9]+) mục/) == hidden(bottom, /↑ còn ([0-9]+) mục/))
        try session.type("ha noi")
        try session.waitFor("Tìm: ha noi")
        try session.press("Enter")

        // Consent for an under-16: anonymous is highlighted, and the text says so; the guardian's
        // choice says the name is printed and until when it is kept.
        let anonymous = try session.waitFor("Bạn ký ẩn danh")
        #expect(!anonymous.contains(name) && !anonymous.contains("31/12/2099"))
        try session.press("1")
        let named = try session.waitFor("31/12/2099")
        #expect(named.contains("Tên “\(name)” được in") && named.contains("Tên được giữ đến hết ngày 31/12/2099"))
        try session.press("2", "Enter")
        try session.waitFor("Tên: Người ký ẩn danh")
        // Back to the name: it is still there.
        try session.press("Escape")
        try session.waitFor("Bạn ký ẩn danh")
        try session.press("Escape", "Escape", "Escape", "Escape")
        try session.waitFor(name + "_")
        try session.press("Enter", "Enter", "Enter")
        try session.waitFor("Bạn ký ẩn danh")
        try session.press("1", "Enter")
        try session.waitFor("Tên: \(name)")
        try session.press("Enter")

        // The done screen at 80×24: the link whole on one line, and the code.
        let done = try session.waitFor(matching: "HTTP://127\\.0\\.0\\.1:[0-9]+/C/[0-9A-Z]{16}")
        let link = try #require(done.firstMatch(of: /HTTP:\/\/127\.0\.0\.1:[0-9]+\/C\/([0-9A-Z]{16})/))
        let code = String(link.output.1)
        let grouped = stride(from: 0, to: 16, by: 4).map { offset in
            String(code.dropFirst(offset).prefix(4))
        }.joined(separator: "-")
        #expect(done.contains(grouped))
        let queue = try DatabaseQueue(path: database)
        let row = try #require(
            try queue.read { db in try Row.fetchOne(db, sql: "SELECT name, guardian_consent, code FROM pledge") })
        try queue.close()
        #expect(row["name"] as String? == name)
        #expect(row["guardian_consent"] as Bool? == true)
        #expect(row["code"] as String? == code)
    }

    /// A front on the LAN states the retention date of the service, which keeps the names, over
    /// the one in its own event.yaml.
    @Test func aFrontOnTheLANShowsTheServicesRetentionDate() throws {
        let folder = temporaryDirectory("screens-lan")
        let serviceConfig = try TestEvent.write(
            in: temporaryDirectory("screens-lan-service"), retainPersonalDataUntil: "2099-12-31")
        let frontConfig = try TestEvent.write(
            in: temporaryDirectory("screens-lan-front"), retainPersonalDataUntil: "2098-01-01")
        let service = try KioskProcess(database: folder.appendingPathComponent("s.sqlite").path, config: serviceConfig)
        defer { service.stop() }
        let command = TestEvent.quoted([
            RepositoryPaths.kioskBinary, "front", "--service", "http://127.0.0.1:\(service.port)", "--kiosk-id",
            "kiosk-r", "--config", frontConfig, "--outbox", folder.appendingPathComponent("outbox.sqlite").path,
        ])
        let front = try TmuxSession(
            command: "KIOSK_KIOSK_TOKEN='\(TestEvent.kioskToken)' " + command + "; sleep 60", columns: 80, lines: 24)
        try front.waitFor("Nhấn Enter để bắt đầu")
        try front.press("Enter", "Enter")
        try front.waitFor("Kiểu gõ: Telex")
        try front.type("Lan")
        try front.waitFor("Lan_")
        try front.press("Enter", "4", "Enter")
        try front.waitFor("tỉnh, thành phố nào")
        try front.press("Enter")
        let consent = try front.waitFor("Tên được giữ đến hết ngày")
        #expect(consent.contains("31/12/2099") && !consent.contains("01/01/2098"))
    }
}
