import Foundation
import GRDB
import KioskTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk serve` with a kiosk token (configured, or generated on its first start) and
/// `kiosk front` sending it (from `KIOSK_KIOSK_TOKEN` or `--kiosk-token-file`).
@Suite("Kiosk token: a front on the LAN and kiosk serve")
struct KioskTokenFrontTests {
    static let token = "e2e-kiosk-token-0123456789"

    /// Posts one anonymous pledge, with `token` as the bearer token when given.
    static func post(port: Int, token: String?, key: String) async throws -> (status: Int, body: Data, type: String) {
        var headers = ["Content-Type": "application/json", "Idempotency-Key": key]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        let answer = try await LoopbackHTTP.request(
            port: port, "POST", "/api/pledges", headers: headers,
            body: Data(#"{"name":null,"ageBand":"18-24","province":"Huế"}"#.utf8))
        return (answer.status, answer.body, answer.contentType)
    }

    static func rows(_ database: String) throws -> [Row] {
        let queue = try DatabaseQueue(path: database)
        defer { try? queue.close() }
        return try queue.read { db in try Row.fetchAll(db, sql: "SELECT code, kiosk_id FROM pledge") }
    }

    @Test func aFrontWithTheTokenRecordsOnAServiceThatRequiresIt() async throws {
        let folder = temporaryDirectory("kiosk-token")
        let serviceConfig = try TestEvent.write(in: temporaryDirectory("kiosk-token-service"), kioskToken: Self.token)
        let frontConfig = try TestEvent.write(in: temporaryDirectory("kiosk-token-front"), kioskToken: nil)
        let database = folder.appendingPathComponent("service.sqlite").path
        // The configured token: no KIOSK_KIOSK_TOKEN over it, and no file made.
        let service = try KioskProcess(database: database, config: serviceConfig, kioskToken: nil)
        defer { service.stop() }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("kiosk-token").path))
        let command = TestEvent.quoted([
            RepositoryPaths.kioskBinary, "front", "--service", "http://127.0.0.1:\(service.port)", "--kiosk-id",
            "kiosk-t", "--config", frontConfig, "--outbox", folder.appendingPathComponent("outbox.sqlite").path,
        ])
        let front = try TmuxSession(
            command: "KIOSK_KIOSK_TOKEN='\(Self.token)' " + command + "; sleep 60", columns: 120, lines: 40)
        let shown = try SeveralKiosksTests.sign(on: front, decodeQR: false, folder: folder)
        #expect(!shown.pending, "the pledge waited in the outbox: the service refused the front")
        let rows = try Self.rows(database)
        #expect(rows.map { $0["code"] as String } == [shown.code])
        #expect(rows.map { $0["kiosk_id"] as String } == ["kiosk-t"])
    }

    /// Issue 12: with no token set, the first start makes one (0600, beside the database) and
    /// prints it once; the routes then require it; the next start reuses it without printing it.
    @Test func aFirstStartGeneratesTheTokenKeepsItOwnerOnlyAndPrintsItOnce() async throws {
        let folder = temporaryDirectory("kiosk-token-generated")
        let config = try TestEvent.write(in: folder, kioskToken: nil)
        let database = folder.appendingPathComponent("data/pledges.sqlite").path
        let file = folder.appendingPathComponent("data/kiosk-token").path
        let first = try KioskProcess(database: database, config: config, kioskToken: nil)
        let token = try String(contentsOfFile: file, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.count == 32 && token.allSatisfy(\.isHexDigit), "\(token)")
        var info = stat()
        #expect(stat(file, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let printed = try String(contentsOf: first.output, encoding: .utf8)
        #expect(
            printed.contains(
                "Mã kiosk cho các máy kiosk khác · kiosk token for the fronts: \(token), kept in \(file)"),
            "\(printed)")
        #expect(printed.components(separatedBy: token).count == 2, "printed once")
        // Never in the log; and no warning of an open LAN.
        let log = try String(contentsOf: first.log, encoding: .utf8)
        #expect(!log.contains(token))
        #expect(!log.contains("no kiosk token"))

        let refused = try await Self.post(port: first.port, token: nil, key: "no-token")
        #expect(refused.status == 401)
        #expect(refused.type.hasPrefix("application/problem+json"))
        let problem = try JSONSerialization.jsonObject(with: refused.body) as? [String: Any]
        #expect(problem?["code"] as? String == "kiosk-token-required")
        #expect(try await Self.post(port: first.port, token: "wrong", key: "wrong-token").status == 401)
        #expect(try await Self.post(port: first.port, token: token, key: "with-token").status == 201)
        #expect(first.stop().isClean)

        let second = try KioskProcess(database: database, config: config, kioskToken: nil)
        defer { second.stop() }
        #expect(try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines) == token)
        #expect(!(try String(contentsOf: second.output, encoding: .utf8)).contains(token), "printed again")
        #expect(try await Self.post(port: second.port, token: nil, key: "no-token-2").status == 401)
        #expect(try await Self.post(port: second.port, token: token, key: "with-token-2").status == 201)
        #expect(try Self.rows(database).count == 2)
    }

    @Test func aFrontWithTheKioskTokenFileRecordsOnAServiceThatGeneratedIt() throws {
        let folder = temporaryDirectory("kiosk-token-file")
        let config = try TestEvent.write(in: folder, kioskToken: nil)
        let database = folder.appendingPathComponent("service.sqlite").path
        let service = try KioskProcess(database: database, config: config, kioskToken: nil)
        defer { service.stop() }
        // A copy of the service's file, as an organizer would carry to a front machine.
        let copy = folder.appendingPathComponent("front-token").path
        try FileManager.default.copyItem(atPath: folder.appendingPathComponent("kiosk-token").path, toPath: copy)
        let command = TestEvent.quoted([
            RepositoryPaths.kioskBinary, "front", "--service", "http://127.0.0.1:\(service.port)", "--kiosk-id",
            "kiosk-f", "--config", config, "--outbox", folder.appendingPathComponent("outbox.sqlite").path,
            "--kiosk-token-file", copy,
        ])
        let front = try TmuxSession(command: command + "; sleep 60", columns: 120, lines: 40)
        let shown = try SeveralKiosksTests.sign(on: front, decodeQR: false, folder: folder)
        #expect(!shown.pending, "the pledge waited in the outbox: the service refused the front")
        #expect(try Self.rows(database).map { $0["code"] as String } == [shown.code])
    }

    /// What a kiosk token file may not be: empty, short, garbled (a breaker's one-character
    /// token and `\u{01}` were taken), a folder, a broken link.
    enum BadTokenFile: String, CaseIterable, Sendable {
        case empty, short, control, folder, brokenLink

        /// Makes it at `path`; what the error says about it.
        func make(at path: String) throws -> String {
            switch self {
            case .empty: _ = FileManager.default.createFile(atPath: path, contents: Data("\n".utf8))
            case .short: _ = FileManager.default.createFile(atPath: path, contents: Data("abc\n".utf8))
            case .control:
                _ = FileManager.default.createFile(atPath: path, contents: Data("0123456789abcdef\u{01}xyz".utf8))
            case .folder: try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            case .brokenLink:
                try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: path + "-gone")
            }
            switch self {
            case .empty, .short, .control: return "rỗng hoặc không hợp lệ"
            case .folder: return "đây là một thư mục / it is a folder"
            case .brokenLink: return "liên kết hỏng"
            }
        }
    }

    @Test(arguments: BadTokenFile.allCases)
    func aBadKioskTokenFileIsRefusedBeforeTheScreen(_ kind: BadTokenFile) throws {
        let folder = temporaryDirectory("kiosk-token-\(kind.rawValue)")
        let config = try TestEvent.write(in: folder, kioskToken: nil)
        let file = folder.appendingPathComponent("bad-token").path
        let says = try kind.make(at: file)
        let result = try ProcessRunner.run(
            RepositoryPaths.kioskBinary,
            [
                "front", "--service", "http://127.0.0.1:9", "--kiosk-id", "kiosk-e", "--config", config,
                "--kiosk-token-file", file,
            ])
        #expect(result.status != 0)
        #expect(result.stderr.contains("kiosk token file \(file)") && result.stderr.contains(says), "\(result.stderr)")
    }

    /// The service's own file: a broken link at its place is an error, not a token written through it.
    @Test func aServiceRefusesABrokenLinkWhereItsTokenFileGoes() throws {
        let folder = temporaryDirectory("kiosk-token-service-link")
        let config = try TestEvent.write(in: folder, kioskToken: nil)
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let file = data.appendingPathComponent("kiosk-token").path
        try FileManager.default.createSymbolicLink(atPath: file, withDestinationPath: "/tmp/kiosk-token-elsewhere-gone")
        let result = try ProcessRunner.run(
            RepositoryPaths.kioskBinary,
            ["serve", "--config", config, "--database", data.appendingPathComponent("pledges.sqlite").path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("liên kết hỏng"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/kiosk-token-elsewhere-gone"))
    }
}
