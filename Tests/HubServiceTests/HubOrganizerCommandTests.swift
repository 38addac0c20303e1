import Foundation
import HubCore
import HubStore
import HubTestSupport
import KioskAPI
import KioskTestSupport
import Logging
import PledgeExport
import PledgeKit
import Testing

/// `kiosk hub add-organizer`, `organizers` and `remove-organizer`, run as the binary on a real
/// PostgreSQL: the token printed once is one the hub finds by its hash only, the list shows no
/// token, and a wrong scope or id is a clear error with a non-zero exit.
@Suite("kiosk hub organizer commands")
struct HubOrganizerCommandTests {
    struct Printed: Decodable {
        var id: Int
        var name: String
        var scope: String
        var token: String
    }

    struct Listed: Decodable {
        var id: Int
        var name: String
        var scope: String
        var createdAt: String
        var revokedAt: String?
    }

    @Test("add-organizer prints a token the hub knows by its hash; organizers lists no token; remove revokes")
    func accounts() async throws {
        try await TestPostgres.withDatabase { database in
            let url = ["--database-url", database.url]
            let event = try await HubCommandTests.addEvent(database, id: "hue-2026")
            #expect(event.status == 0, "\(event.stderr)")
            let added = try await HubCommandTests.kiosk(
                ["add-organizer", "--name", "Ban tổ chức Huế", "--scope", "province:hue", "--format", "json"] + url)
            #expect(added.status == 0, "\(added.stderr)")
            let printed = try JSONDecoder().decode(Printed.self, from: Data(added.stdout.utf8))
            #expect(printed.scope == "province:Huế")
            let token = try #require(OrganizerToken(parsing: printed.token))
            let text = try await HubCommandTests.kiosk(
                ["add-organizer", "--name", "Ban tổ chức sự kiện", "--scope", "event:hue-2026"] + url)
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.contains("token: kmo1."))

            let configuration = try HubStoreConfiguration(url: database.url, environment: [:])
            try await withHubStore(configuration, logger: Logger(label: "hub-organizer-command-test")) { store in
                let found = try await store.organizer(tokenHash: token.storageHash)
                #expect(found?.id == printed.id)
                #expect(found?.scope == .province(Province(matching: "Huế")!))
            }
            // Only the hash is stored.
            let stored = try await database.psql("SELECT token_hash FROM hub_organizer")
            #expect(!stored.contains(printed.token))
            #expect(stored.contains(token.storageHash))

            let listed = try await HubCommandTests.kiosk(["organizers", "--format", "json"] + url)
            #expect(listed.status == 0, "\(listed.stderr)")
            #expect(!listed.stdout.contains("kmo1."))
            let accounts = try JSONDecoder().decode([Listed].self, from: Data(listed.stdout.utf8))
            #expect(accounts.map(\.scope) == ["province:Huế", "event:hue-2026"])
            #expect(accounts.allSatisfy { $0.revokedAt == nil })

            let removed = try await HubCommandTests.kiosk(["remove-organizer", "--id", "\(printed.id)"] + url)
            #expect(removed.status == 0, "\(removed.stderr)")
            let again = try await HubCommandTests.kiosk(["remove-organizer", "--id", "\(printed.id)"] + url)
            #expect(again.status != 0)
            #expect(again.stderr.contains("no active organizer account has the id \(printed.id)"))
            let after = try await HubCommandTests.kiosk(["organizers"] + url)
            #expect(after.stdout.hasPrefix("Mã · id\tPhạm vi · scope\tTrạng thái · state\tTên · name\n"))
            #expect(after.stdout.contains("\(printed.id)\tprovince:Huế\tđã thu hồi · revoked "))
        }
    }

    @Test("hub export writes a scope's pledges with the manifest kiosk export writes, and no names")
    func export() async throws {
        try await TestPostgres.withDatabase { database in
            let configuration = try HubStoreConfiguration(url: database.url, environment: [:])
            try await withHubStore(configuration, logger: Logger(label: "hub-export-test")) { store in
                for (id, province, pledges) in [("ha-noi-2026", "Hà Nội", 3), ("hue-2026", "Huế", 2)] {
                    let token = try await TestHubService.addEvent(id, name: "Ngày hội", province: province, to: store)
                    let rows = (1...pledges).map {
                        HubFixture.pledgeRow($0, token: token, number: $0, name: "Nguyễn Thị Hoa")
                    }
                    let event = try #require(try await store.event(id: EventID(id)!))
                    _ = try await store.apply(SyncBatch(event: id, rows: rows, erasuresSeen: 0), from: event)
                }
            }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hub-export-\(UUID())")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("hue.csv").path
            let exported = try await HubCommandTests.kiosk(
                ["export", "pledges", "--scope", "province:hue", "--output", path, "--database-url", database.url])
            #expect(exported.status == 0, "\(exported.stderr)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            let lines = text.split(separator: "\r\n")
            #expect(
                lines.first.map(String.init)
                    == ExportTable.pledgeColumns(includePersonalData: false).map { "\"\(ExportTable.heading($0))\"" }
                    .joined(separator: ","))
            #expect(lines.first?.hasPrefix("\"Số thứ tự · number\",\"Sự kiện · event\"") == true)
            #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("1,\"hue-2026\"") || $0.hasPrefix("2,\"hue-2026\"") })
            #expect(lines.count == 3)
            #expect(!text.contains("Nguyễn"))
            let manifest = try JSONDecoder().decode(
                ExportManifest.self, from: Data(contentsOf: URL(fileURLWithPath: ExportManifest.path(for: path))))
            #expect(manifest.rows == 2)
            #expect(manifest.bytes == bytes.count)
            #expect(manifest.parameters["scope"] == "province:Huế")
            #expect(!manifest.includePersonalData)
            let digest = try ProcessRunner.run("sha256sum", [path])
            #expect(digest.stdout.hasPrefix(manifest.sha256))

            // An existing file is kept; an event of no registration is refused.
            let again = try await HubCommandTests.kiosk(
                ["export", "pledges", "--output", path, "--database-url", database.url])
            #expect(again.status != 0)
            #expect(again.stderr.contains("exists"))
            let other = folder.appendingPathComponent("nowhere.csv").path
            let unknown = try await HubCommandTests.kiosk(
                ["export", "counts", "--scope", "event:nowhere", "--output", other, "--database-url", database.url])
            #expect(unknown.status != 0)
            #expect(unknown.stderr.contains("The hub has no event 'nowhere'"))
        }
    }

    @Test("A scope outside the 34 provinces, of no registered event, or of no kind is refused")
    func wrongScopes() async throws {
        try await TestPostgres.withDatabase { database in
            let url = ["--database-url", database.url]
            for (scope, message) in [
                ("province:Hà Tây", "is not one of Vietnam's 34 provinces"),
                ("event:no-such-event", "The hub has no event 'no-such-event'"),
                ("region:north", "use national, province:<name> or event:<id>"),
            ] {
                let refused = try await HubCommandTests.kiosk(
                    ["add-organizer", "--name", "Ban tổ chức", "--scope", scope] + url)
                #expect(refused.status != 0)
                #expect(refused.stderr.contains(message), "\(refused.stderr)")
                #expect(refused.stdout.isEmpty)
            }
            let listed = try await HubCommandTests.kiosk(["organizers"] + url)
            #expect(listed.stdout.contains("No organizer accounts yet"))
        }
    }

    @Test("An error repeating a scope with control characters shows them escaped, never acts on the terminal")
    func controlCharactersEscaped() async throws {
        // The scope is refused before the database is opened: no PostgreSQL needed.
        let refused = try await HubCommandTests.kiosk(
            [
                "add-organizer", "--name", "Ban tổ chức", "--scope", "province:\u{1B}[31mX\u{7}\u{9B}2J\u{202E}",
                "--database-url", "postgres://kiosk@127.0.0.1:1/none",
            ])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains(#"'\u{1B}[31mX\u{7}\u{9B}2J\u{202E}'"#), "\(refused.stderr)")
        #expect(refused.stderr.contains("không phải một trong 34 tỉnh"))
        #expect(!refused.stderr.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{7}" || $0 == "\u{9B}" })
        // The parser's own errors repeat arguments too.
        let unknown = try await HubCommandTests.kiosk(
            ["add-organizer", "--name", "Ban", "--scope", "national", "--format", "json\u{1B}[2J"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains(#"'json\u{1B}[2J'"#), "\(unknown.stderr)")
        #expect(!unknown.stderr.unicodeScalars.contains("\u{1B}"))
    }
}
