import HubRelay
import Logging
import PledgeKit
import PledgeStore

extension ServiceStartup {
    /// Starts the relay to the national hub when the event has one (`hub:` in `event.yaml`, or
    /// `KIOSK_HUB_URL` and `KIOSK_HUB_TOKEN`): it uploads the hub outbox until cancelled. Nil when
    /// the event stands alone, or when the hub's URL cannot be used (said in the log; the outbox
    /// keeps every change meanwhile).
    func startHubRelay() -> Task<Void, Never>? {
        guard let hub = configuration.hub else { return nil }
        let transport: HTTPHubTransport
        do { transport = try HTTPHubTransport(hub: hub) } catch {
            logger.error("hub relay not started", metadata: ["error": "\(error.message.en)"])
            return nil
        }
        let relay = HubRelay(
            store: store, eventID: configuration.eventID, transport: transport, logger: logger)
        logger.info("hub relay started", metadata: ["hub.url": "\(hub.url)"])
        return Task { await relay.run() }
    }
}
