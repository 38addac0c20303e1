import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// A Hummingbird application listening on `host:port` (port 0: any free port) with the hardening
/// every service of the project gets, the event service's and the hub's alike:
/// - a connection that sends and receives nothing for `idleTimeout` is closed, so idle sockets on
///   a venue's Wi-Fi cannot pile up;
/// - a client that sends a request slower than `requestDeadlines` allow gets 408 (written as
///   `answers` says) and is cut off;
/// - a connection holds about one response at a time however many requests it pipelines without
///   reading (``PipeliningBackPressureHandler``, inside ``DeadlineHTTP1Channel``);
/// - memory freed after a burst goes back to the system (``HeapTrimmer``, before `services`);
/// - headers past ``HeaderLimits``, or a request NIO cannot parse, get `answers`' 431 or 400.
///
/// `connections` is told of every connection opened and closed (nil: nobody); `onServerRunning`
/// receives the port actually bound.
public func hardenedApplication<Context: RequestContext>(
    router: Router<Context>, host: String, port: Int, serverName: String, logger: Logger,
    idleTimeout: Duration, requestDeadlines: RequestDeadlines, answers: DeadlineAnswers,
    connections: (any ConnectionCounter)? = nil, services: [any Service] = [],
    onServerRunning: @escaping @Sendable (Int) async -> Void
) -> some ApplicationProtocol where Context: InitializableFromSource<ApplicationRequestContextSource> {
    let configuration = HTTP1Channel.Configuration(
        idleTimeout: TimeAmount(idleTimeout),
        httpDecoderConfiguration: .init(
            maxHeaderFieldSize: HeaderLimits.fieldBytes, maxHeaderListSize: HeaderLimits.totalBytes,
            maxHeaderFieldCount: HeaderLimits.fields))
    return Application(
        router: router,
        server: HTTPServerBuilder { responder in
            DeadlineHTTP1Channel(
                base: HTTP1Channel(responder: responder, configuration: configuration), deadlines: requestDeadlines,
                answers: answers, connections: connections)
        },
        configuration: .init(address: .hostname(host, port: port), serverName: serverName),
        services: [HeapTrimmer(logger: logger)] + services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
        logger: logger
    )
}
