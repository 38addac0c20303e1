import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// A service that waits for the graceful shutdown (SIGTERM, SIGINT) and then closes the live
/// counter's streams, so the HTTP server's drain is not held up by open `/live/events` viewers.
struct LiveShutdown: Service {
    let live: LiveCounter

    func run() async throws {
        try? await gracefulShutdown()
        await live.close()
    }
}

/// The services that must run beside the HTTP application so that a graceful shutdown is prompt:
/// with a live counter, one that closes its streams so open `/live/events` viewers do not hold up
/// the server's drain. Put them after the application in a `ServiceGroup` (it stops in reverse).
public func shutdownCompanions(for parts: KioskServiceParts) -> [any Service] {
    parts.live.map { [LiveShutdown(live: $0)] } ?? []
}
