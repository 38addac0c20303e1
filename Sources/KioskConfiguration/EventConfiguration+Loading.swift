import Foundation
import PledgeKit

extension EventConfiguration {
    private struct File: Decodable {
        struct Event: Decodable {
            var id: String
            var name: String
            var place: String
            var date: CivilDate
            var retainPersonalDataUntil: CivilDate?
        }
        struct Kiosk: Decodable {
            var id: String
            var language: Language?
            var attendantPIN: String?
        }
        struct RateLimit: Decodable {
            var perMinute: Int?
            var burst: Int?
        }
        struct Organizer: Decodable {
            var token: String?
        }
        struct Service: Decodable {
            var host: String?
            var port: Int?
            var publicBaseURL: String?
            var rateLimit: RateLimit?
            var kioskToken: String?
        }
        struct Files: Decodable {
            var pledge: String
            var resources: String
            var templates: String
            var front: String
            var certificate: String?
        }
        struct Backup: Decodable {
            var folder: String?
            var everyMinutes: Int?
            var keep: Int?
            var sameDisk: Bool?
        }
        struct Hub: Decodable {
            var url: String?
            var token: String?
        }
        var event: Event
        var kiosk: Kiosk
        var hub: Hub?
        var backup: Backup?
        var service: Service?
        var files: Files
        var organizer: Organizer?
    }

    /// The `event:` section of an event configuration, read alone: what the national hub registers
    /// (`kiosk hub add-event --config`), which needs none of the files the configuration names
    /// (pledge text, resources, templates), so the event's event.yaml can be copied to the hub's
    /// machine by itself. The whole file is still checked as ``load(from:environment:)`` reads it
    /// (YAML 1.2, unknown keys refused, ``PledgeKit/CivilDate`` dates).
    public struct EventSection: Sendable, Equatable {
        public var id: String
        /// NFC, as the configuration holds it.
        public var name: String
        public var place: String
        public var date: CivilDate
        public var retainPersonalDataUntil: CivilDate?
    }

    /// Reads the ``EventSection`` of the configuration at `url`.
    /// - Throws: ``ConfigurationError`` naming the file and what is wrong in it.
    public static func loadEventSection(from url: URL) throws -> EventSection {
        let event = try decodeYAML(File.self, at: url).event
        return EventSection(
            id: event.id, name: VietnameseText.nfc(event.name), place: VietnameseText.nfc(event.place),
            date: event.date, retainPersonalDataUntil: event.retainPersonalDataUntil)
    }

    /// Reads an event configuration (YAML 1.2) and the files it names, resolved against its folder.
    /// Dates (`event.date`, `event.retainPersonalDataUntil`, each resource's `reviewBy`) are read
    /// by ``PledgeKit/CivilDate``'s parser.
    /// - Parameter environment: the process environment; `KIOSK_ORGANIZER_TOKEN` and
    ///   `KIOSK_KIOSK_TOKEN` in it override the file's tokens, `KIOSK_HUB_URL` and
    ///   `KIOSK_HUB_TOKEN` the `hub:` section's.
    /// - Throws: ``ConfigurationError`` naming the file and what is wrong in it.
    public static func load(
        from url: URL, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> EventConfiguration {
        let file: File = try decodeYAML(File.self, at: url)
        let folder = url.deletingLastPathComponent()
        func resolve(_ path: String) -> URL {
            path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path).standardizedFileURL
        }
        let pledgeText = try decodeYAML(PledgeText.self, at: resolve(file.files.pledge))
        let resourcesFile = resolve(file.files.resources)
        let resources = try decodeYAML([SafetyResource].self, at: resourcesFile)
        // A resource's id is part of its QR link (`/resources/{id}/qr.svg`): the id rule keeps it
        // a path segment the routes answer.
        if let bad = resources.first(where: { !IdentifierRule.accepts($0.id) }) {
            throw ConfigurationError(
                file: resourcesFile.path,
                problem: "id phải gồm \(IdentifierRule.text.vi), không phải \(String(reflecting: bad.id)) · "
                    + "id must be \(IdentifierRule.text.en), not \(String(reflecting: bad.id))")
        }
        let templates = resolve(file.files.templates)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: templates.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw ConfigurationError(file: url.path, problem: "templates folder not found: \(templates.path)")
        }
        guard EventID(file.event.id) != nil else {
            throw ConfigurationError(file: url.path, problem: "event.id must be 1–64 ASCII letters, digits, '-' or '_'")
        }
        guard let kioskID = KioskID(file.kiosk.id), kioskID.isKioskOwn else {
            throw ConfigurationError(
                file: url.path,
                // Quoted with escapes: an ESC or a line break from the file must not reach the terminal.
                problem:
                    "kiosk.id phải gồm \(IdentifierRule.text.vi) (trừ “phone”, dành cho điện thoại), không phải "
                    + "\(String(reflecting: file.kiosk.id)) · kiosk.id must be \(IdentifierRule.text.en) (but not "
                    + "“phone”, the phones' id), not \(String(reflecting: file.kiosk.id))")
        }
        let port = file.service?.port ?? 8080
        guard (0...65535).contains(port) else {
            throw ConfigurationError(file: url.path, problem: "service.port must be 0–65535, not \(port)")
        }
        let base = file.service?.publicBaseURL.map { $0.trimmingWhitespace() }
        if let base, !base.isEmpty {
            do { _ = try CertificateLinks(baseURL: base) } catch {
                throw ConfigurationError(file: url.path, problem: error.message.en)
            }
        }
        let pin = file.kiosk.attendantPIN.map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
        if let pin, !(4...12).contains(pin.count) || !pin.allSatisfy({ ("0"..."9").contains($0) }) {
            throw ConfigurationError(file: url.path, problem: "kiosk.attendantPIN must be 4–12 digits")
        }
        let rate = RateLimit(
            perMinute: file.service?.rateLimit?.perMinute ?? 30, burst: file.service?.rateLimit?.burst ?? 10)
        guard rate.perMinute >= 1, rate.burst >= 1 else {
            throw ConfigurationError(
                file: url.path, problem: "service.rateLimit.perMinute and burst must be at least 1")
        }
        let backup = try backupSchedule(file.backup, in: url)
        let token = secret(environment["KIOSK_ORGANIZER_TOKEN"], file.organizer?.token)
        let kioskToken = secret(environment["KIOSK_KIOSK_TOKEN"], file.service?.kioskToken)
        // The kiosk token is copied to every front machine; it must not also open personal data.
        if let kioskToken, kioskToken == token {
            throw ConfigurationError(
                file: url.path,
                problem: "service.kioskToken (or KIOSK_KIOSK_TOKEN) must differ from organizer.token "
                    + "(or KIOSK_ORGANIZER_TOKEN): fronts hold the kiosk token")
        }
        let hub = try hubLink(file.hub, environment: environment, in: url)
        var configuration = EventConfiguration(
            eventID: file.event.id,
            name: VietnameseText.nfc(file.event.name),
            place: VietnameseText.nfc(file.event.place),
            date: file.event.date,
            kioskID: file.kiosk.id,
            language: file.kiosk.language ?? .vi,
            host: file.service?.host ?? "0.0.0.0",
            port: port,
            publicBaseURL: (base?.isEmpty ?? true) ? nil : base,
            pledgeText: pledgeText,
            resources: resources,
            templatesFolder: templates,
            frontTextFile: resolve(file.files.front),
            certificateTemplatesFolder: file.files.certificate.map(resolve) ?? templates,
            attendantPIN: pin,
            rateLimit: rate,
            organizerToken: token,
            kioskToken: kioskToken,
            retainPersonalDataUntil: file.event.retainPersonalDataUntil,
            backup: backup
        )
        configuration.hub = hub
        return configuration
    }

    /// The `hub:` section with the environment's overrides: nil when neither names a URL or a token.
    private static func hubLink(_ section: File.Hub?, environment: [String: String], in url: URL) throws
        -> HubLink?
    {
        let hubURL = secret(environment["KIOSK_HUB_URL"], section?.url)
        let token = secret(environment["KIOSK_HUB_TOKEN"], section?.token)
        guard hubURL != nil || token != nil else { return nil }
        guard let hubURL, let token else {
            throw ConfigurationError(
                file: url.path,
                problem: "hub.url và hub.token (hoặc KIOSK_HUB_URL và KIOSK_HUB_TOKEN) phải có cả hai · "
                    + "hub.url and hub.token (or KIOSK_HUB_URL and KIOSK_HUB_TOKEN) go together")
        }
        var base = hubURL
        while base.hasSuffix("/") { base.removeLast() }
        do { _ = try CertificateLinks(baseURL: base) } catch {
            throw ConfigurationError(
                file: url.path,
                problem: "hub.url phải bắt đầu bằng http:// hoặc https:// · hub.url must start with http:// or https://"
            )
        }
        do throws(PledgeError) { _ = try SyncToken(parsing: token) } catch {
            throw ConfigurationError(
                file: url.path, problem: "hub.token: \(error.message.vi) · \(error.message.en)")
        }
        return HubLink(url: base, token: token)
    }

    /// The `backup:` section: nil when it is absent or its folder is empty.
    private static func backupSchedule(_ section: File.Backup?, in url: URL) throws -> BackupSchedule? {
        guard let section, let folder = section.folder?.trimmingWhitespace(), !folder.isEmpty else { return nil }
        guard folder.hasPrefix("/") else {
            throw ConfigurationError(
                file: url.path, problem: "backup.folder must be an absolute path (e.g. /media/usb/kiosk-backups)")
        }
        let schedule = BackupSchedule(
            folder: folder, everyMinutes: section.everyMinutes ?? 15, keep: section.keep ?? 8,
            sameDisk: section.sameDisk ?? false)
        guard (1...1440).contains(schedule.everyMinutes) else {
            throw ConfigurationError(
                file: url.path, problem: "backup.everyMinutes must be 1–1440, not \(schedule.everyMinutes)")
        }
        guard (1...1000).contains(schedule.keep) else {
            throw ConfigurationError(file: url.path, problem: "backup.keep must be 1–1000, not \(schedule.keep)")
        }
        return schedule
    }

    /// The first of `environment` and `file` that is not empty once trimmed: the environment wins.
    private static func secret(_ environment: String?, _ file: String?) -> String? {
        [environment, file].compactMap { $0?.trimmingWhitespace() }.first { !$0.isEmpty }
    }
}
