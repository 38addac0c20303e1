import ArgumentParser
import Certificates
import Foundation
import KioskClient
import PledgeKit
import PledgeStore

/// `kiosk certificate CODE`: one certificate as SVG, PNG or PDF.
struct CertificateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate",
        abstract: "Render one certificate (giấy chứng nhận) as SVG, PNG or PDF."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var links: CertificateLinkOptions

    @Argument(help: "The certificate code, in any case, with or without dashes.")
    var code: String

    @Option(help: "svg, png (1080×1350), print.png (A4, 150 dpi) or pdf (A4 landscape).")
    var format: CertificateFormat = .pdf

    @Option(help: "The file to write (required: a certificate shows a name; it is made readable by you only).")
    var output: String

    func run() async throws {
        let context = try await CertificateContext(store, links)
        guard let parsed = CertificateCode(parsing: code) else {
            throw CLIError("'\(code)' is not a certificate code (16 or 27 letters and digits)")
        }
        guard let pledge = try await context.store.pledge(code: parsed) else {
            throw CLIError("no certificate with code \(parsed.grouped) in \(store.database)")
        }
        try context.write(try context.render(pledge, format), to: output)
        FileHandle.standardError.write(Data("\(format.rawValue) → \(output)\n".utf8))
    }
}

/// `kiosk certificates --event ID --output DIR`: every certificate of an event, with progress.
struct CertificatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificates",
        abstract: "Render every certificate of the event into a folder (PDF by default), with a progress bar."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var links: CertificateLinkOptions

    @Option(help: "The event id (default: the configuration's); it must be the configured event.")
    var event: String?

    @Option(help: "The folder to write to; created when missing, readable by you only (the files show names).")
    var output: String

    @Option(help: "svg, png, print.png or pdf.")
    var format: CertificateFormat = .pdf

    func run() async throws {
        let context = try await CertificateContext(store, links)
        let eventID = event ?? context.configuration.eventID
        guard eventID == context.configuration.eventID else {
            throw CLIError(
                "\(store.config) is the configuration of event '\(context.configuration.eventID)', not '\(eventID)'; "
                    + "pass that event's file with --config")
        }
        let pledges = try await context.store.pledges(eventID: eventID)
        do {
            try FileManager.default.createDirectory(
                atPath: output, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CLIError("cannot create \(output): \(error.localizedDescription)")
        }
        let progress = ProgressBar(total: pledges.count)
        for (index, pledge) in pledges.enumerated() {
            let file = URL(fileURLWithPath: output)
                .appendingPathComponent("\(pledge.number)-\(pledge.code.rawValue).\(format.fileExtension)")
            try context.write(try context.render(pledge, format), to: file.path)
            progress?.show(index + 1)
        }
        progress?.finish()
        FileHandle.standardError.write(Data("\(pledges.count) giấy chứng nhận · certificates → \(output)\n".utf8))
    }
}

/// `kiosk poster`: the safety resources on one printable A4 page.
struct Poster: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a printable A4 PDF poster of every safety resource, each with its QR."
    )

    @Option(help: "The event configuration file (YAML).")
    var config: String = "Kiosk/event.yaml"

    @Option(help: "The PDF file to write.")
    var output: String = "poster.pdf"

    func run() throws {
        let configuration = try StoreOptions.parse(["--config", config]).loadConfiguration()
        let poster: SafetyPoster
        do { poster = try SafetyPoster(folder: configuration.certificateTemplatesFolder) } catch {
            throw CLIError("poster template: \(error)")
        }
        let bytes: [UInt8]
        do { bytes = try poster.pdf(configuration.resources) } catch { throw CLIError("cannot render: \(error)") }
        do { try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
            throw CLIError("cannot write \(output): \(error.localizedDescription)")
        }
        FileHandle.standardError.write(Data("\(configuration.resources.count) resources → \(output)\n".utf8))
    }
}

extension CertificateFormat: ExpressibleByArgument {}

/// Where certificate links point: `--base-url`, or what the service at `--service` says
/// (`GET /api/kiosk-config`), else the configured `publicBaseURL`, else what the service
/// answering at the configured port on this machine says. Never the configured port on its own:
/// the service may run on another (`--port`, or 0 for any free one), and links would lead nowhere.
struct CertificateLinkOptions: ParsableArguments {
    @Option(help: "The base of certificate links and QR codes, e.g. https://khongmotminh.vn.")
    var baseURL: String?

    @Option(help: "The running service to ask for the link base, e.g. http://127.0.0.1:8090.")
    var service: String?

    func validate() throws {
        if baseURL != nil && service != nil {
            throw ValidationError(
                "chỉ dùng một trong --base-url và --service · give --base-url or --service, not both.")
        }
        if let service, URL(string: service).map({ ["http", "https"].contains($0.scheme?.lowercased() ?? "") }) != true
        {
            throw ValidationError(
                "--service phải là địa chỉ http:// hoặc https://, không phải '\(service)' · --service must be an http:// or https:// address, not '\(service)'."
            )
        }
    }

    /// The link base for `configuration`'s event.
    /// - Throws: ``CLIError`` when no service answers (naming where it asked) or it serves another event.
    func base(_ configuration: EventConfiguration) async throws -> String {
        if let baseURL { return baseURL }
        if service == nil, let published = configuration.publicBaseURL { return published }
        let address = service ?? "http://127.0.0.1:\(configuration.port)"
        // Checked when the configuration was loaded.
        guard let kioskID = KioskID(configuration.kioskID) else {
            throw CLIError("kiosk.id: \(IdentifierRule.text.en)")
        }
        let client = ServiceClient(baseURL: URL(string: address)!, kioskID: kioskID, timeout: 5)
        guard let answer = await client.kioskConfig() else {
            throw CLIError(
                "Không biết địa chỉ gốc của liên kết giấy chứng nhận: không có dịch vụ kiosk nào trả lời ở "
                    + "\(address); hãy dùng --service với địa chỉ của dịch vụ đang chạy, hoặc --base-url.\n"
                    + "cannot learn the certificate link base: no kiosk service answers at \(address); "
                    + "pass --service with the address of the running service, or --base-url")
        }
        guard answer.eventID == configuration.eventID else {
            throw CLIError(
                "the service at \(address) runs event '\(answer.eventID)', not '\(configuration.eventID)'; "
                    + "pass --service with this event's service, or --base-url")
        }
        return answer.certificateBaseURL
    }
}

/// What the certificate commands share: configuration, templates, links and the store.
struct CertificateContext {
    let configuration: EventConfiguration
    let renderer: CertificateRenderer
    let links: CertificateLinks
    let store: PledgeStore

    init(_ options: StoreOptions, _ linkOptions: CertificateLinkOptions) async throws {
        configuration = try options.loadConfiguration()
        renderer = CertificateRenderer(templates: try CertificateTemplates.loadForCommand(configuration))
        guard FileManager.default.fileExists(atPath: options.database) else {
            throw CLIError("no database at \(options.database); pledges are stored there once the kiosk has run.")
        }
        let base = try await linkOptions.base(configuration)
        if configuration.publicBaseURL == nil, linkOptions.baseURL == nil {
            // A document outlives the event's network: its QR would lead nowhere once printed.
            FileHandle.standardError.write(
                Data(
                    """
                    Cảnh báo: chưa đặt service.publicBaseURL, mã QR trên giấy chứng nhận trỏ tới \(base), \
                    chỉ mở được trong mạng của sự kiện.
                    Warning: service.publicBaseURL is not set; the certificate's QR points to \(base), \
                    which opens only on the event's network.

                    """.utf8))
        }
        do { links = try CertificateLinks(baseURL: base) } catch { throw CLIError(error) }
        store = try options.openExistingStore(configuration, links: links)
    }

    func render(_ pledge: Pledge, _ format: CertificateFormat) throws -> [UInt8] {
        do {
            return try renderer.render(
                CertificateFields(pledge: pledge, configuration: configuration, links: links), as: format)
        } catch {
            throw CLIError("cannot render certificate \(pledge.code.grouped): \(error)")
        }
    }

    /// A certificate shows a name: owner-only (0600), replaced atomically (``OutputFile``).
    func write(_ bytes: [UInt8], to path: String) throws {
        try OutputFile.write(bytes, to: path, personal: true)
    }
}
