import HubRelay
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

    /// Before the service listens, when no certificate base of the hub is cached yet (the event's
    /// first start linked to it): the relay's first round, for at most ``firstContactLimit``, so
    /// the first signers' links are on the hub's base and not the LAN's. A hub out of reach only
    /// delays the start by that much; links then use the event's own base until it answers.
    func firstHubContact(_ relay: HubRelay) async {
        guard (try? await store.hubLinkStatus())?.certificateBaseURL == nil else { return }
        let first = Task { _ = await relay.round() }
        let limit = Task {
            try? await Task.sleep(for: Self.firstContactLimit)
            first.cancel()
        }
        await first.value
        limit.cancel()
    }

    /// The longest the first start of an event linked to a hub waits for the hub's certificate base.
    static let firstContactLimit = Duration.seconds(3)
}
