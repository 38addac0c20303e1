import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1.1 child channel with ``RequestDeadlines`` enforced on every connection:
/// ``InboundBytesObserver`` goes first in the pipeline (raw bytes), ``RequestDeadlineHandler``
/// right after NIO's request decoder (parsed request parts, response parts before encoding).
/// ``InputClosedWatcher`` right after it (each connection's ``ConnectionClosure``),
/// ``PipeliningBackPressureHandler`` after that, and NIO's `BackPressureHandler` at the
/// front, so that a connection holds about one response at a time however many requests its
/// client pipelines without reading the answers.
/// Hummingbird's `additionalChannelHandlers` would come after its own codec instead, where the
/// raw bytes of a request not yet parsed are out of sight.
public struct DeadlineHTTP1Channel: ServerChildChannel {
    public typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let deadlines: RequestDeadlines
    let answers: DeadlineAnswers
    let connections: (any ConnectionCounter)?

    /// - Parameters:
    ///   - answers: what the deadline handler writes when it answers by itself.
    ///   - connections: told of every connection opened and closed; nil: nobody.
    public init(
        base: HTTP1Channel, deadlines: RequestDeadlines, answers: DeadlineAnswers,
        connections: (any ConnectionCounter)? = nil
    ) {
        self.base = base
        self.deadlines = deadlines
        self.answers = answers
        self.connections = connections
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let (deadlines, answers) = (deadlines, answers)
        if let connections {
            connections.connectionOpened()
            channel.closeFuture.whenComplete { _ in connections.connectionClosed() }
        }
        let closure = ConnectionClosure.register(channel)
        return base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            let deadline = RequestDeadlineHandler(deadlines, answers: answers)
            try pipeline.addHandler(deadline, position: .after(decoder))
            let watcher = InputClosedWatcher(closure)
            try pipeline.addHandler(watcher, position: .after(deadline))
            try pipeline.addHandler(PipeliningBackPressureHandler(), position: .after(watcher))
            try pipeline.addHandler(BackPressureHandler(), position: .first)
            try pipeline.addHandler(InboundBytesObserver(deadline), position: .first)
            return value
        }
    }

    public func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// Counts open connections (the service's `/metrics`); called on the event loop, so each call
/// should cost about one atomic add.
public protocol ConnectionCounter: Sendable {
    func connectionOpened()
    func connectionClosed()
}
