import ServiceLifecycle
import UnixSignals

/// A service that waits for the graceful shutdown (SIGTERM, SIGINT) and then closes the live
/// counter's streams, so the HTTP server's drain is not held up by open `/live/events` viewers.
public struct LiveShutdown: Service {
    let live: LiveCounter

    public init(live: LiveCounter) { self.live = live }

    public func run() async throws {
        try? await gracefulShutdown()
        await live.close()
    }
}
