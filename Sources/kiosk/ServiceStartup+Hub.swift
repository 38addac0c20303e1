import Foundation
import HubRelay
import KioskService
import Logging
import PledgeKit
import PledgeStore

extension ServiceStartup {
    /// The relay to the national hub when the event has one (`hub:` in `event.yaml`, or
    /// `KIOSK_HUB_URL` and `KIOSK_HUB_TOKEN`); ``run(shutdownSignals:whileListening:)`` runs it
    /// while the service listens, and it uploads the hub outbox until cancelled. Nil when the
    /// event stands alone, or when the hub's URL cannot be used (said in the log; the outbox keeps
    /// every change meanwhile).
    func makeHubRelay() -> HubRelay? {
        guard let hub = configuration.hub else { return nil }
        let transport: HTTPHubTransport
        do { transport = try HTTPHubTransport(hub: hub) } catch {
            logger.error("hub relay not started", metadata: ["error": "\(error.message.en)"])
            return nil
        }
        logger.info("hub relay started", metadata: ["hub.url": "\(hub.url)"])
        return HubRelay(store: store, eventID: configuration.eventID, transport: transport, logger: logger)
    }

    /// Before the service listens: the relay's first round, for at most ``firstContactLimit``. On
    /// the event's first start linked to the hub this gets the hub's certificate base, so the
    /// first signers' links are on it and not on the LAN's. A hub out of reach only delays the
    /// start by that much (links then use the base cached, or the event's own, until it answers).
    /// - Throws: ``CLIError`` when the hub answers that it does not take the event's sync token:
    ///   codes made under a wrong token would never be recognized at the hub, so the service does
    ///   not start.
    func firstHubContact(_ relay: HubRelay) async throws {
        let first = Task { _ = await relay.round() }
        let limit = Task {
            try? await Task.sleep(for: Self.firstContactLimit)
            first.cancel()
        }
        await first.value
        limit.cancel()
        if let refusal = await relay.tokenRefusal {
            throw CLIError(
                "Máy chủ quốc gia không nhận mã đồng bộ (hub.token hoặc KIOSK_HUB_TOKEN): kiểm tra lại mã "
                    + "mà kiosk hub add-event đã in. · The hub does not take this event's sync token "
                    + "(hub.token or KIOSK_HUB_TOKEN): check it against what kiosk hub add-event printed. (\(refusal))")
        }
    }

    /// A database linked to a hub, started without the hub's settings (a copy served elsewhere,
    /// `event.yaml` without its `hub:` lines): its changes wait in the outbox and its links stay on
    /// the hub's base, which the hub only opens once they are sent, so the start says so (on the
    /// terminal and in the log; the breaker saw nothing said).
    func warnIfLinkedWithoutHub() async {
        guard let status = try? await store.hubLinkStatus(), status.linked else { return }
        let warning =
            "kiosk: warning: cơ sở dữ liệu này đã liên kết với máy chủ quốc gia nhưng cấu hình không có `hub:` "
            + "(hoặc KIOSK_HUB_URL, KIOSK_HUB_TOKEN): \(status.backlog) thay đổi đang chờ và chỉ được gửi khi có lại các thiết lập đó. "
            + "· this database is linked to a national hub but the configuration has no `hub:` lines (or "
            + "KIOSK_HUB_URL, KIOSK_HUB_TOKEN): \(status.backlog) changes wait in its outbox until those settings are back.\n"
        FileHandle.standardError.write(Data(warning.utf8))
        logger.warning(
            "database linked to a hub, started without the hub settings", metadata: ["hub.backlog": "\(status.backlog)"]
        )
    }

    /// Phones at the venue reach the service (it listens beyond this machine) but its certificate
    /// links point to this machine (a hub started with its default base, 127.0.0.1): every QR
    /// would open the phone itself. Said once the service listens (the trial saw nothing said).
    func warnIfLinksOnLoopback() {
        guard parts.links.pointToLoopback, !CertificateLinks.isLoopback(host: host) else { return }
        let warning =
            "kiosk: warning: liên kết giấy chứng nhận và mã QR trỏ tới \(parts.links.domain), tức chính máy quét: "
            + "điện thoại không mở được. Hãy đặt địa chỉ mà điện thoại tới được (máy chủ quốc gia: --certificate-base-url, "
            + "HUB_BASE=… make hub; hoặc service.publicBaseURL trong event.yaml). "
            + "· certificate links and QR codes point to \(parts.links.domain), the scanning phone itself: phones "
            + "cannot open them. Set an address phones reach (the hub's --certificate-base-url, HUB_BASE=… make hub; "
            + "or service.publicBaseURL in event.yaml).\n"
        FileHandle.standardError.write(Data(warning.utf8))
        logger.warning("certificate links point to loopback", metadata: ["links.domain": "\(parts.links.domain)"])
    }

    /// The longest the first start of an event linked to a hub waits for the hub's certificate base.
    static let firstContactLimit = Duration.seconds(3)
}
