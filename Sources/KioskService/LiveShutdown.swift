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

/// Runs the application until SIGTERM or SIGINT, closing the live counter's streams first so
/// the shutdown is prompt however many viewers are connected.
public func runUntilSignalled(_ app: some ApplicationProtocol, parts: KioskServiceParts, logger: Logger) async throws {
    var services: [any Service] = [app]
    // A service group shuts down in reverse order: the streams close before the server drains.
    if let live = parts.live { services.append(LiveShutdown(live: live)) }
    let group = ServiceGroup(
        configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
}
