import ArgumentParser
import Foundation
import HubCore
import HubStore
import KioskAPI
import KioskConfiguration
import PledgeKit

/// `kiosk hub add-event`: registers an event and prints the credentials it links with.
struct HubAddEvent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-event",
        abstract: "Register an event at the hub and print its sync token and the lines that link it.",
        discussion: """
            The token is printed once and never stored at the hub (only its SHA-256): put it in the \
            event's event.yaml (hub: url, token) or its environment (KIOSK_HUB_URL, KIOSK_HUB_TOKEN).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var database: HubDatabaseOptions

    @Option(
        help: ArgumentHelp(
            "The event's event.yaml: its id, name, place, day and last day of names are taken from it, "
                + "so the hub's certificates say what the event's own pages say (an option given as well wins).",
            valueName: "path"))
    var config: String?

    @Option(help: "The event's id, as in its event.yaml (1–64 ASCII letters, digits, - or _).")
    var id: String?

    @Option(help: "The event's name, as its certificates show it.")
    var name: String?

    @Option(help: "The event's province (its name, e.g. \"Hà Nội\").")
    var province: String

    @Option(help: "The event's day, yyyy-mm-dd.")
    var date: String?

    @Option(help: "Where the event takes place, as its certificates show it.")
    var place: String?

    @Option(
        help: ArgumentHelp(
            "The last day the hub keeps names of the event's pledges, yyyy-mm-dd (Decree 13/2023/NĐ-CP); "
                + "required (here or as the event.yaml's event.retainPersonalDataUntil), so the hub purges "
                + "them on its own even when the event stops syncing."))
    var retainUntil: String?

    @Option(help: "The hub's public base of certificate links, e.g. https://khongmotminh.vn.")
    var certificateBaseURL: String

    @Option(help: "The URL events send their batches to (default: the certificate base).")
    var hubURL: String?

    @Option(help: "Output: text, or json for a program.")
    var format: Format = .text

    @Flag(
        help: ArgumentHelp(
            "Register the event under the sync token it already has, read from KIOSK_HUB_TOKEN, not a new one: "
                + "after the hub's database was restored or replaced, the codes the event issued stay its own "
                + "and it sends the hub what it lacks by itself (docs/production.md)."))
    var keepToken = false

    func run() async throws {
        let event = try hubEvent(tag: "0000", key: [])
        let links: CertificateLinks
        do { links = try CertificateLinks(baseURL: certificateBaseURL) } catch { throw CLIError(error) }
        let hubURL: String
        do { hubURL = try CertificateLinks(baseURL: self.hubURL ?? links.baseURL).baseURL } catch {
            throw CLIError(error, "--hub-url")
        }
        let kept = try keepToken ? Self.existingToken() : nil
        let token = try await HubDatabase.with(try database.configuration(), migrate: true) { store in
            if let kept { return try await Self.register(event, under: kept, in: store) }
            return try await Self.register(event, in: store)
        }
        let credentials = HubCredentials(
            event: event.id.rawValue, hubUrl: hubURL, token: token.text, certificateBaseUrl: links.baseURL,
            codeTag: token.codeTag)
        switch format {
        case .json: print(String(decoding: try WireJSON.encode(credentials), as: UTF8.self))
        case .text: print(credentials.text, terminator: "")
        }
    }

    /// The event's sync token from `KIOSK_HUB_TOKEN` (never an argument: a process list shows those).
    /// - Throws: ``CLIError`` when it is missing or not a sync token.
    static func existingToken(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> SyncToken
    {
        guard let text = environment["KIOSK_HUB_TOKEN"], !text.isEmpty else {
            throw CLIError(
                "--keep-token đọc mã đồng bộ của sự kiện từ KIOSK_HUB_TOKEN, biến này đang trống · "
                    + "--keep-token reads the event's sync token from KIOSK_HUB_TOKEN, which is not set.")
        }
        do { return try SyncToken(parsing: text) } catch {
            throw CLIError("KIOSK_HUB_TOKEN: \(error.message.vi) · \(error.message.en)")
        }
    }

    /// Registers `event` under its existing `token` (its code tag and key with it).
    static func register(_ event: HubEvent, under token: SyncToken, in store: any HubRecords) async throws
        -> SyncToken
    {
        var event = event
        event.codeTag = token.codeTag
        event.codeKey = token.codeKey
        do {
            try await store.addEvent(event, tokenHash: token.storageHash)
        } catch  where error.kind == .codeTagTaken {
            throw CLIError(
                "Mã \(token.codeTag) của mã đồng bộ này đã thuộc một sự kiện khác ở hub này · "
                    + "the code tag \(token.codeTag) of this token is another event's at this hub.")
        } catch {
            throw CLIError(HubDatabaseOptions.text(error))
        }
        return token
    }

    /// Registers `event` under a new token, drawing another code tag while the one drawn is taken.
    static func register(_ event: HubEvent, in store: any HubRecords) async throws -> SyncToken {
        for _ in 0..<64 {
            let token = SyncToken.random(tag: CertificateCode.randomTag())
            var event = event
            event.codeTag = token.codeTag
            event.codeKey = token.codeKey
            do {
                try await store.addEvent(event, tokenHash: token.storageHash)
                return token
            } catch  where error.kind == .codeTagTaken {
                continue
            } catch {
                throw CLIError(HubDatabaseOptions.text(error))
            }
        }
        throw CLIError("no free code tag after 64 draws: the hub holds too many events for 4-character tags.")
    }

    /// The event the options describe, each missing one taken from `--config` (with `tag` and
    /// `key` until a token is drawn).
    /// - Throws: ``CLIError`` naming the option that is missing or wrong, or the configuration's error.
    func hubEvent(tag: String, key: [UInt8]) throws -> HubEvent {
        var file: EventConfiguration.EventSection? = nil
        if let config {
            do { file = try EventConfiguration.loadEventSection(from: URL(fileURLWithPath: config)) } catch {
                throw CLIError("--config: \(error)")
            }
        }
        func required(_ value: String?, _ option: String, _ key: String) throws -> String {
            guard let value else {
                throw CLIError("\(option) is required (or --config with an event.yaml that has \(key)).")
            }
            return value
        }
        let id = try required(id ?? file?.id, "--id", "event.id")
        guard let eventID = EventID(id) else {
            throw CLIError("--id: '\(id)' is not an event id (\(IdentifierRule.text.en)).")
        }
        // The rules of what signers type: NFC, no control or direction character, a bounded length.
        let (typedName, typedPlace) = (
            try required(self.name ?? file?.name, "--name", "event.name"),
            try required(self.place ?? file?.place, "--place", "event.place")
        )
        let name: String
        let place: String
        do throws(PledgeError) {
            name = try TextField.eventName.normalize(typedName)
            place = try TextField.place.normalize(typedPlace)
        } catch {
            throw CLIError("--\(error.field ?? "name"): \(error.message.vi) · \(error.message.en)")
        }
        guard let province = Province(matching: province) else {
            throw CLIError("--province: '\(province)' is not one of Vietnam's 34 provinces.")
        }
        let day: CivilDate
        if let date {
            guard let parsed = CivilDate(date) else { throw CLIError("--date: '\(date)' is not a day (yyyy-mm-dd).") }
            day = parsed
        } else {
            guard let fromFile = file?.date else {
                throw CLIError("--date is required (or --config with an event.yaml that has event.date).")
            }
            day = fromFile
        }
        let retain: CivilDate
        if let retainUntil {
            guard let parsed = CivilDate(retainUntil) else {
                throw CLIError("--retain-until: '\(retainUntil)' is not a day (yyyy-mm-dd).")
            }
            retain = parsed
        } else {
            guard let fromFile = file?.retainPersonalDataUntil else {
                throw CLIError(
                    "--retain-until is required (or --config with an event.yaml that has event.retainPersonalDataUntil)."
                )
            }
            retain = fromFile
        }
        guard retain >= day else {
            throw CLIError(
                "--retain-until: ngày giữ tên cuối cùng \(retain) trước ngày sự kiện \(day) · "
                    + "the last day names are kept, \(retain), is before the event's day, \(day).")
        }
        return HubEvent(
            id: eventID, name: name, province: province, date: day, place: place, codeTag: tag, codeKey: key,
            retainPersonalDataUntil: retain)
    }
}

/// What `kiosk hub add-event` prints: `--format json` gives these members.
struct HubCredentials: Encodable {
    var event: String
    var hubUrl: String
    var token: String
    var certificateBaseUrl: String
    var codeTag: String

    /// The text form: the credentials, then the `hub:` lines of event.yaml and the environment lines.
    var text: String {
        """
        Đã đăng ký sự kiện \(event) ở hub · Event \(event) registered at the hub.
        hub url:          \(hubUrl)
        token:            \(token)
        certificate base: \(certificateBaseUrl)
        code tag:         \(codeTag)

        Mã đồng bộ chỉ in một lần; giữ kín như mật khẩu. · The token is printed once; keep it secret.

        event.yaml:
        hub:
          url: "\(hubUrl)"
          token: "\(token)"

        hoặc biến môi trường · or the environment:
        KIOSK_HUB_URL=\(hubUrl)
        KIOSK_HUB_TOKEN=\(token)

        """
    }
}
