import ArgumentParser
import Foundation
import KioskClient
import KioskConfiguration
import KioskFront
import Logging
import PledgeKit
import PledgeStore

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk front`: the attendee screen of one kiosk, talking to a service on the LAN, with an
/// outbox so it keeps working when the link drops.
struct Front: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a kiosk front that records pledges on a service over the LAN (works offline too)."
    )

    @Option(help: "The service's address, e.g. http://192.168.1.20:8080.")
    var service: String

    @Option(name: .customLong("kiosk-id"), help: "This kiosk's id: 1–64 ASCII letters, digits, - or _.")
    var kioskID: String

    @Option(help: "The event configuration file (YAML): texts, pledge, attendant PIN.")
    var config: String = "Kiosk/event.yaml"

    @Option(help: "The outbox SQLite file (default: data/outbox-<kiosk id>.sqlite).")
    var outbox: String?

    @Option(help: "The front's log (default: beside the outbox, front-<kiosk id>.log).")
    var log: String?

    @Option(
        name: .customLong("kiosk-token-file"),
        help: """
            A file holding the kiosk token the service requires (a copy of the service's data/kiosk-token). \
            It wins over KIOSK_KIOSK_TOKEN, which wins over service.kioskToken in --config.
            """)
    var kioskTokenFile: String?

    @OptionGroup var developer: DeveloperModeOptions

    func validate() throws {
        guard let url = URL(string: service), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
            url.host != nil
        else {
            throw ValidationError(
                "--service phải là địa chỉ http:// hoặc https://, không phải '\(service)' · --service must be an http:// or https:// address, not '\(service)'."
            )
        }
        _ = try id()
    }

    /// `--kiosk-id`, checked (``IdentifierRule``).
    func id() throws -> KioskID {
        guard let id = KioskID(kioskID) else {
            throw ValidationError(
                "--kiosk-id phải gồm \(IdentifierRule.text.vi) · --kiosk-id must be \(IdentifierRule.text.en).")
        }
        return id
    }

    func run() async throws {
        // Checked before the terminal is touched (the guard below takes it over).
        var configuration: EventConfiguration
        do { configuration = try EventConfiguration.load(from: URL(fileURLWithPath: config)) } catch {
            throw CLIError("configuration: \(error)")
        }
        try developer.requireAttendantPIN(configuration, config: config)
        if let kioskTokenFile { configuration.kioskToken = try KioskTokenFile.read(kioskTokenFile) }
        guard TerminalFront.isInteractive else {
            throw CLIError("kiosk front needs a terminal for the attendee screen.")
        }
        try TerminalGuard.superviseIfNeeded()
        configuration.kioskID = kioskID
        let outboxPath = outbox ?? "data/outbox-\(kioskID).sqlite"
        let folder = URL(fileURLWithPath: outboxPath).deletingLastPathComponent()
        umask(0o027)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store: OutboxStore
        do { store = try OutboxStore(path: outboxPath) } catch {
            throw CLIError("cannot open the outbox \(outboxPath): \(error)")
        }
        defer { try? store.close() }
        var logger = Logger(label: "kiosk-front")
        logger.logLevel = .info
        logger[metadataKey: "kiosk.id"] = "\(kioskID)"
        // The kiosk token from --kiosk-token-file, KIOSK_KIOSK_TOKEN or the event file: the service requires it.
        let client = ServiceClient(baseURL: URL(string: service)!, kioskID: try id(), token: configuration.kioskToken)
        let pledges = try await OutboxPledgeService.open(
            client: client, outbox: store, fallbackBase: configuration.publicBaseURL, logger: logger)
        // The consent screen states how long the service, which keeps the names, keeps them.
        configuration.retainPersonalDataUntil = await pledges.retainPersonalDataUntil(
            orElse: configuration.retainPersonalDataUntil)
        let front: TerminalFront
        let restart = TerminalGuard.restart
        do {
            front = try TerminalFront(
                recorder: pledges, counter: pledges, configuration: configuration,
                presence: { await pledges.presenceLink }, finder: client, developerMode: developer.developerMode,
                restart: restart, pinFailures: TerminalGuard.pinFailures, onPINFailures: TerminalGuard.keepPINFailures)
        } catch {
            throw CLIError("front texts: \(error)")
        }
        try Run.redirectStandardError(to: log ?? folder.appendingPathComponent("front-\(kioskID).log").path)
        Run.logRestart(restart, logger: logger)
        let (events, sink) = AsyncStream.makeStream(of: FlowEvent.self)
        await pledges.observeLink { link in sink.yield(.link(online: link.online, waiting: link.waiting)) }
        // A done screen still showing a queued pledge shows its number once the service has it.
        await pledges.observeDeliveries { receipt in sink.yield(.delivered(receipt)) }
        let background = Task { await pledges.run() }
        let ending = try await front.run(
            events: events, onDrawn: { TerminalGuard.report(.ready) },
            onReport: { state in
                Task {
                    await pledges.setState(state)
                    await pledges.sendHeartbeat()
                }
            })
        if ending == .quit { TerminalGuard.report(.quit) }
        background.cancel()
        await pledges.setState(.stopped)
        await pledges.sendHeartbeat()
    }
}
