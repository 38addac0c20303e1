import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1.1 child channel with ``RequestDeadlines`` enforced on every connection:
/// ``InboundBytesObserver`` goes first in the pipeline (raw bytes), ``RequestDeadlineHandler``
/// right after NIO's request decoder (parsed request parts, response parts before encoding).
/// ``PipeliningBackPressureHandler`` comes right after that, and NIO's `BackPressureHandler` at the
/// front, so that a connection holds about one response at a time however many requests its
/// client pipelines without reading the answers.
/// Hummingbird's `additionalChannelHandlers` would come after its own codec instead, where the
/// raw bytes of a request not yet parsed are out of sight.
struct DeadlineHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let deadlines: RequestDeadlines
    /// Counts open connections (``MetricName/openConnections``): one atomic add each way.
    var metrics: ServiceMetrics? = nil

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let deadlines = deadlines
        if let metrics {
            metrics.connectionOpened()
            channel.closeFuture.whenComplete { _ in metrics.connectionClosed() }
        }
        return base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            let deadline = RequestDeadlineHandler(deadlines)
            try pipeline.addHandler(deadline, position: .after(decoder))
            try pipeline.addHandler(PipeliningBackPressureHandler(), position: .after(deadline))
            try pipeline.addHandler(BackPressureHandler(), position: .first)
            try pipeline.addHandler(InboundBytesObserver(deadline), position: .first)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
