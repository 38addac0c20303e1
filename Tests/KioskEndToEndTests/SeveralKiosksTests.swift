import Foundation
import GRDB
import KioskTestSupport
import Testing

@Suite("Two fronts, one service, and an outage in the middle", .serialized)
struct SeveralKiosksTests {
    /// What one front showed for one pledge.
    struct Shown {
        var code: String
        var pending: Bool
        var url: String?
    }

    /// A scripted attendee signs anonymously (18–24, province not said) and reads the done screen.
    static func sign(on session: TmuxSession, decodeQR: Bool, folder: URL) throws -> Shown {
        try session.waitFor("Nhấn Enter để bắt đầu")
        try session.press("Enter", "Enter", "Enter", "4", "Enter", "Enter", "Enter", "Enter")
        // The whole code, not just the label: a capture can catch the line half drawn ("BT94Q").
        let screen = try session.waitFor(
            matching: "Mã giấy chứng nhận: *[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
        let line = try #require(screen.split(separator: "\n").first { $0.contains("Mã giấy chứng nhận:") })
        let code = String(line.split(separator: ":").last!.trimmingCharacters(in: .whitespaces))
            .replacingOccurrences(of: "-", with: "")
        var url: String?
        if decodeQR {
            let image = folder.appendingPathComponent("qr-\(code).pgm").path
            try TerminalScreenImage.render(try session.capture(colours: true), theme: .dark).writePGM(to: image)
            url = try QRDecoder.zbar(imageAt: image).first
        }
        let pending = screen.contains("đã được ghi nhận")
        try session.press("Enter")
        return Shown(code: code, pending: pending, url: url)
    }

    @Test func twentyPledgesFromEachFrontWithTheServiceStoppedInTheMiddle() async throws {
        let folder = temporaryDirectory("two-fronts")
        let config = try TestEvent.write(in: folder)
        let database = folder.appendingPathComponent("service.sqlite").path
        var service = try KioskProcess(database: database, config: config)
        let port = service.port
        let fronts = try ["kiosk-a", "kiosk-b"].map { id in
            let command = TestEvent.quoted([
                RepositoryPaths.kioskBinary, "front", "--service", "http://127.0.0.1:\(port)", "--kiosk-id", id,
                "--config", config, "--outbox", folder.appendingPathComponent("outbox-\(id).sqlite").path,
            ])
            return try TmuxSession(command: command + "; sleep 60", columns: 120, lines: 40)
        }
        var shown: [[Shown]] = [[], []]
        for round in 0..<20 {
            if round == 7 { service.stop() }
            if round == 14 { service = try KioskProcess(database: database, config: config, port: port) }
            for (index, front) in fronts.enumerated() {
                let outage = (7..<14).contains(round)
                // Every QR shown during the outage is read off the screen.
                shown[index].append(try Self.sign(on: front, decodeQR: outage, folder: folder))
            }
            if round == 8 {
                for front in fronts { try front.waitFor("ngoại tuyến") }
            }
        }
        let outagePledges = shown.flatMap { $0[7..<14] }
        #expect(outagePledges.allSatisfy { $0.pending })
        #expect(shown.flatMap { $0[0..<7] }.allSatisfy { !$0.pending })

        // The outboxes drain: exactly 40 pledges, none twice, every shown code among them.
        let queue = try DatabaseQueue(path: database)
        defer { try? queue.close() }
        let deadline = Date().addingTimeInterval(60)
        var total = 0
        while Date() < deadline {
            total = try await queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM pledge") ?? 0 }
            if total >= 40 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        // A late duplicate would arrive after the 40th: wait, instead of a sleep, until both
        // fronts' outboxes are empty (a front deletes an entry once the service has answered it),
        // so nothing is left to upload; for up to 60 s, a cap for a loaded machine.
        let outboxes = try ["kiosk-a", "kiosk-b"].map {
            try DatabaseQueue(path: folder.appendingPathComponent("outbox-\($0).sqlite").path)
        }
        defer { for outbox in outboxes { try? outbox.close() } }
        // Read at least once, also when the first wait used the whole cap on a loaded machine.
        var waiting = 0
        repeat {
            waiting = 0
            for outbox in outboxes {
                waiting += try await outbox.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM outbox") ?? 0 }
            }
            if waiting != 0 { try await Task.sleep(for: .milliseconds(200)) }
        } while waiting != 0 && Date() < deadline.addingTimeInterval(60)
        #expect(waiting == 0, "the outboxes never drained")
        let rows = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT code, kiosk_id, number, idempotency_key FROM pledge ORDER BY number")
        }
        #expect(rows.count == 40)
        #expect(Set(rows.map { $0["code"] as String }).count == 40)
        #expect(Set(rows.map { $0["idempotency_key"] as String }).count == 40)
        for (index, id) in ["kiosk-a", "kiosk-b"].enumerated() {
            // In order: each kiosk's pledges were numbered in the order its signers saw them.
            let stored = rows.filter { $0["kiosk_id"] as String == id }.map { $0["code"] as String }
            #expect(stored == shown[index].map(\.code), "\(id) pledges out of order or missing")
        }

        // Every QR shown during the outage opens now.
        for pledge in outagePledges {
            let text = try #require(pledge.url)
            #expect(text.hasSuffix("/C/\(pledge.code)"))
            let url = try #require(URL(string: "http" + text.dropFirst(4)))
            let answer = try await LoopbackHTTP.request(port: try #require(url.port), "GET", url.path)
            #expect(answer.status == 200, "\(text)")
        }

        // Both kiosks are known to the service, with today's pledges.
        let status = try ProcessRunner.run(
            RepositoryPaths.kioskBinary, ["status", "--config", config, "--database", database, "--format", "json"])
        #expect(status.status == 0)
        #expect(status.stdout.contains("\"kiosk-a\"") && status.stdout.contains("\"kiosk-b\""))
        #expect(status.stdout.contains("\"pledgesToday\" : 20"))
        // The table says each kiosk's state and last contact in Vietnamese first (trial: `ready`, `never`).
        let table = try ProcessRunner.run(
            RepositoryPaths.kioskBinary, ["status", "--config", config, "--database", database])
        let lines = table.stdout.split(separator: "\n").filter { $0.hasPrefix("kiosk-") }
        #expect(lines.count == 2, "\(table.stdout)")
        let states = ["sẵn sàng / ready", "tạm dừng / paused", "đã dừng / stopped", "không rõ / unknown"]
        for line in lines {
            #expect(states.contains { line.contains($0) }, "\(line)")
            #expect(line.contains("giây trước / ") || line.contains("chưa bao giờ / never"), "\(line)")
        }
        service.stop()
    }
}
