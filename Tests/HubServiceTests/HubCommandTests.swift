import Foundation
import HubCore
import HubStore
import KioskConfiguration
import KioskTestSupport
import Logging
import PledgeKit
import Testing

/// `kiosk hub migrate` and `kiosk hub add-event`, run as the binary on a real PostgreSQL: the
/// credentials printed are ones the hub recognizes, and mistakes are clear errors.
@Suite("kiosk hub commands")
struct HubCommandTests {
    /// Runs `kiosk hub ARGUMENTS` to its end, off the cooperative pool (it blocks while it waits).
    static func kiosk(_ arguments: [String], environment: [String: String]? = nil) async throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        try await offPool {
            try ProcessRunner.run(RepositoryPaths.kioskBinary, ["hub"] + arguments, environment: environment)
        }
    }

    static func addEvent(_ database: TestPostgres, id: String, format: [String] = []) async throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        try await kiosk(
            [
                "add-event", "--database-url", database.url, "--certificate-base-url", "https://khongmotminh.vn",
                "--hub-url", "https://hub.khongmotminh.vn", "--id", id, "--name", "Ngày hội Huế", "--province", "Huế",
                "--date", "2026-03-26", "--place", "Nhà văn hóa Huế", "--retain-until", "2027-03-26",
            ] + format)
    }

    struct Credentials: Decodable {
        var event: String
        var hubUrl: String
        var token: String
        var certificateBaseUrl: String
        var codeTag: String
    }

    @Test("migrate twice, then add-event prints a token the hub knows, and the lines an event needs")
    func credentials() async throws {
        try await TestPostgres.withDatabase { database in
            for _ in 0..<2 {
                let migrated = try await Self.kiosk(["migrate", "--database-url", database.url])
                #expect(migrated.status == 0, "\(migrated.stderr)")
            }
            let json = try await Self.addEvent(database, id: "hue-2026", format: ["--format", "json"])
            #expect(json.status == 0, "\(json.stderr)")
            let credentials = try JSONDecoder().decode(Credentials.self, from: Data(json.stdout.utf8))
            #expect(credentials.event == "hue-2026")
            #expect(credentials.hubUrl == "https://hub.khongmotminh.vn")
            #expect(credentials.certificateBaseUrl == "https://khongmotminh.vn")
            let token = try SyncToken(parsing: credentials.token)
            #expect(token.codeTag == credentials.codeTag)

            let text = try await Self.addEvent(database, id: "vinh-2026")
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.contains("hub:\n  url: \"https://hub.khongmotminh.vn\"\n  token: \"kmm1."))
            #expect(text.stdout.contains("KIOSK_HUB_URL=https://hub.khongmotminh.vn\nKIOSK_HUB_TOKEN=kmm1."))

            let configuration = try HubStoreConfiguration(url: database.url, environment: [:])
            try await withHubStore(configuration, logger: Logger(label: "hub-command-test"), migrate: false) { store in
                let event = try #require(try await store.event(tokenHash: token.storageHash))
                #expect(event.id.rawValue == "hue-2026")
                #expect(event.codeTag == token.codeTag)
                #expect(event.codeKey == token.codeKey)
                #expect(event.place == "Nhà văn hóa Huế")
                #expect(event.retainPersonalDataUntil == CivilDate(year: 2027, month: 3, day: 26))
            }

            // The same id again: refused, the first event's token still the one.
            let again = try await Self.addEvent(database, id: "hue-2026")
            #expect(again.status != 0)
            #expect(again.stderr.contains("hue-2026"))
        }
    }

    /// A hub database restored or replaced: the event is registered again under the token it has,
    /// so its code tag and key, and every code it issued, stay its own.
    @Test("add-event --keep-token registers the event again under KIOSK_HUB_TOKEN, its code tag and key kept")
    func keepToken() async throws {
        try await TestPostgres.withDatabase { first in
            let json = try await Self.addEvent(first, id: "hue-2026", format: ["--format", "json"])
            let credentials = try JSONDecoder().decode(Credentials.self, from: Data(json.stdout.utf8))
            try await TestPostgres.withDatabase { second in
                let arguments = [
                    "add-event", "--database-url", second.url, "--certificate-base-url", "https://khongmotminh.vn",
                    "--id", "hue-2026", "--name", "Ngày hội Huế", "--province", "Huế", "--date", "2026-03-26",
                    "--place", "Nhà văn hóa Huế", "--retain-until", "2027-03-26", "--keep-token", "--format", "json",
                ]
                var environment = ProcessInfo.processInfo.environment
                environment["KIOSK_HUB_TOKEN"] = credentials.token
                let again = try await Self.kiosk(arguments, environment: environment)
                #expect(again.status == 0, "\(again.stderr)")
                let kept = try JSONDecoder().decode(Credentials.self, from: Data(again.stdout.utf8))
                #expect(kept.token == credentials.token && kept.codeTag == credentials.codeTag)
                let token = try SyncToken(parsing: credentials.token)
                let configuration = try HubStoreConfiguration(url: second.url, environment: [:])
                try await withHubStore(configuration, logger: Logger(label: "hub-command-test"), migrate: false) {
                    store in
                    let event = try #require(try await store.event(tokenHash: token.storageHash))
                    #expect(event.codeTag == token.codeTag && event.codeKey == token.codeKey)
                }
                // Without the variable: a clear error, nothing registered.
                environment["KIOSK_HUB_TOKEN"] = nil
                let missing = try await Self.kiosk(
                    arguments.map { $0 == "hue-2026" ? "vinh-2026" : $0 }, environment: environment)
                #expect(missing.status != 0)
                #expect(missing.stderr.contains("KIOSK_HUB_TOKEN"), "\(missing.stderr)")
                #expect(try await second.psql("SELECT count(*) FROM hub_event").contains("1"))
            }
        }
    }

    /// `--config` takes the id, name, place, day and last day of names from the event's own
    /// event.yaml, so the hub's certificates say what the event's pages say; an option wins.
    @Test("add-event --config reads the event's event.yaml; a missing field names its option")
    func fromTheEventsConfiguration() async throws {
        try await TestPostgres.withDatabase { database in
            let base = [
                "add-event", "--database-url", database.url, "--certificate-base-url", "https://khongmotminh.vn",
            ]
            let yaml = RepositoryPaths.defaultConfiguration.path
            let added = try await Self.kiosk(base + ["--config", yaml, "--province", "Hà Nội", "--format", "json"])
            #expect(added.status == 0, "\(added.stderr)")
            let credentials = try JSONDecoder().decode(Credentials.self, from: Data(added.stdout.utf8))
            let own = try EventConfiguration.load(from: RepositoryPaths.defaultConfiguration)
            #expect(credentials.event == own.eventID)
            let configuration = try HubStoreConfiguration(url: database.url, environment: [:])
            try await withHubStore(configuration, logger: Logger(label: "hub-command-test"), migrate: false) { store in
                let event = try #require(try await store.event(id: EventID(own.eventID)!))
                #expect(event.name == own.name && event.place == own.place && event.date == own.date)
                #expect(event.retainPersonalDataUntil == own.retainPersonalDataUntil)
            }
            // The event.yaml alone, copied to the hub's machine without the files it names, is enough.
            let alone = temporaryDirectory("event-yaml-alone").appendingPathComponent("event.yaml")
            try FileManager.default.copyItem(at: RepositoryPaths.defaultConfiguration, to: alone)
            let copied = try await Self.kiosk(
                base + ["--config", alone.path, "--province", "Hà Nội", "--id", "hn-alone", "--format", "json"])
            #expect(copied.status == 0, "\(copied.stderr)")
            // An option given as well wins over the file.
            let renamed = try await Self.kiosk(
                base + ["--config", yaml, "--province", "Hà Nội", "--id", "hn-2", "--place", "Cung Văn hóa"])
            #expect(renamed.status == 0, "\(renamed.stderr)")
            // Neither an option nor a file: the message names what is missing.
            let missing = try await Self.kiosk(
                base + ["--id", "hn-3", "--province", "Hà Nội", "--date", "2026-03-26", "--place", "Hà Nội"])
            #expect(missing.status != 0)
            #expect(missing.stderr.contains("--name is required"))
            let noRetention = try await Self.kiosk(
                base + [
                    "--id", "hn-4", "--name", "Ngày hội", "--province", "Hà Nội", "--date", "2026-03-26", "--place",
                    "Hà Nội",
                ])
            #expect(noRetention.status != 0)
            #expect(noRetention.stderr.contains("--retain-until is required"))
        }
    }

    @Test("Mistakes are clear errors: a province, a day, and a database where nothing answers")
    func mistakes() async throws {
        try await TestPostgres.withDatabase { database in
            var arguments = [
                "add-event", "--database-url", database.url, "--certificate-base-url", "https://khongmotminh.vn",
                "--id", "hue-2026", "--name", "Ngày hội", "--province", "Atlantis", "--date", "2026-03-26", "--place",
                "Huế", "--retain-until", "2027-03-26",
            ]
            let province = try await Self.kiosk(arguments)
            #expect(province.status != 0)
            #expect(province.stderr.contains("--province"))
            arguments[arguments.firstIndex(of: "Atlantis")!] = "Huế"
            arguments[arguments.firstIndex(of: "2026-03-26")!] = "26/03/2026"
            let day = try await Self.kiosk(arguments)
            #expect(day.status != 0)
            #expect(day.stderr.contains("--date"))
            // The event's name and place follow the rules of what signers type; names are not kept
            // past a day before the event's own.
            arguments[arguments.firstIndex(of: "26/03/2026")!] = "2026-03-26"
            var control = arguments
            control[control.firstIndex(of: "Ngày hội")!] = "Bad\u{1}\u{202E}Name"
            let refusedName = try await Self.kiosk(control)
            #expect(refusedName.status != 0 && refusedName.stderr.contains("--name"))
            var long = arguments
            long[long.firstIndex(of: "Ngày hội")!] = String(repeating: "Hội ", count: 100)
            #expect(try await Self.kiosk(long).status != 0)
            var early = arguments
            early[early.firstIndex(of: "2027-03-26")!] = "2020-01-01"
            let refusedRetention = try await Self.kiosk(early)
            #expect(refusedRetention.status != 0 && refusedRetention.stderr.contains("--retain-until"))
            // A port where nothing listens: a clear error, not a hang.
            let closed = try await Self.kiosk(["migrate", "--database-url", "postgres://nobody@127.0.0.1:1/none"])
            #expect(closed.status != 0)
            #expect(!closed.stderr.isEmpty)
        }
    }
}
