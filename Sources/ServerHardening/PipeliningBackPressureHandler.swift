import NIOCore
import NIOHTTP1

/// Bounds the memory one HTTP/1.1 connection can hold to about one response: a request pipelined
/// behind another (sent before the answer to the previous one was read, RFC 9112, 9.3.2) is held
/// here, and handed on only once the previous response has been written to the socket in full.
/// While a request is held, nothing more is read from the socket.
///
/// Why: the route answers a request as soon as it gets it, and Hummingbird's writer does not wait
/// for the answer to reach the socket (its writes hop to the event loop, and it learns that the
/// connection is full only after that hop). 400 connections that each pipelined 50 requests for
/// a 175 KiB certificate image and never read the answers made the service grow by 700 MB to
/// 1.7 GB. NIO's `HTTPServerPipelineHandler` holds pipelined requests too, but hands on the next
/// one as soon as the previous response's end is *passed down*, not *written*.
///
/// It sits between ``RequestDeadlineHandler`` (which still sees every request as it arrives, so
/// no header deadline runs while a request is held) and Hummingbird's codec. Errors and
/// the client's half-close that come after a held request wait behind it, in order. A response
/// that does not end (the live counter's event stream) holds whatever is pipelined behind it
/// for as long as it runs, which is also what Hummingbird would do.
///
/// NIO's `BackPressureHandler` at the front of the pipeline adds the other half: nothing is read
/// while the connection's outbound buffer is over its high-water mark.
final class PipeliningBackPressureHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum Event {
        case part(HTTPServerRequestPart)
        case error(any Error)
        case inputClosed
    }

    /// Requests handed on whose response has not yet been written to the socket in full.
    private var unanswered = 0
    /// What arrived behind an unanswered request, in order.
    private var held = CircularBuffer<Event>()
    /// Whether a `read()` was swallowed while something was held.
    private var readPending = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if case .head = part, held.isEmpty, unanswered == 0 {
            unanswered += 1
            context.fireChannelRead(data)
        } else if held.isEmpty, !isHead(part) {
            // The body and end of the request being handed on.
            context.fireChannelRead(data)
        } else {
            held.append(.part(part))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if held.isEmpty { context.fireErrorCaught(error) } else { held.append(.error(error)) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if held.isEmpty || (event as? ChannelEvent) != .inputClosed {
            context.fireUserInboundEventTriggered(event)
        } else {
            held.append(.inputClosed)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // Nobody is left to answer.
        held.removeAll()
        context.fireChannelInactive()
    }

    func read(context: ChannelHandlerContext) {
        if held.isEmpty { context.read() } else { readPending = true }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else { return context.write(data, promise: promise) }
        // Succeeds once every byte of the response before it has gone to the socket.
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolated().whenSuccess {
            self.unanswered = max(0, self.unanswered - 1)
            self.handOnHeld(context)
        }
        written.futureResult.cascade(to: promise)
        context.write(data, promise: written)
    }

    /// Hands on what was held, up to the next request's head while a response is unanswered;
    /// reads again once nothing is held.
    private func handOnHeld(_ context: ChannelHandlerContext) {
        var handedOn = false
        while let event = held.first {
            if case .part(.head) = event, unanswered > 0 { break }
            held.removeFirst()
            switch event {
            case .part(let part):
                if case .head = part { unanswered += 1 }
                context.fireChannelRead(wrapInboundOut(part))
                handedOn = true
            case .error(let error):
                context.fireErrorCaught(error)
            case .inputClosed:
                context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            }
        }
        if handedOn { context.fireChannelReadComplete() }
        if held.isEmpty, readPending {
            readPending = false
            context.read()
        }
    }

    private func isHead(_ part: HTTPServerRequestPart) -> Bool {
        if case .head = part { return true }
        return false
    }
}

@available(*, unavailable)
extension PipeliningBackPressureHandler: Sendable {}
