import HTTPTypes
import NIOCore
import NIOHTTP1

/// Enforces ``RequestDeadlines`` on one HTTP/1.1 connection. It sits right after NIO's request
/// decoder, so it sees each request's head, body parts and end as they are parsed, and each
/// response part on its way to the encoder.
///
/// - Headers: a timer runs from the connection's start, and again from the end of each response
///   once no request is pending. If it fires, the client gets a 408 problem detail written here
///   (no request is being handled, so nothing else writes) and the connection closes; if no byte
///   of a next request had arrived, the connection just closes (an idle keep-alive connection).
/// - Body: a timer runs from a request's head to its end. If it fires, ``RequestBodyTimeout`` is
///   sent down the pipeline: the route reading the body fails with it and answers 408 through
///   the router's error middleware; the connection closes after that response (or at once, when
///   the response was already sent), and in any case after one more body deadline, with the 408
///   written here (``DeadlineAnswers/requestTimeout``) if no response has begun by then.
///
/// A response in progress (a download, the live counter's event stream) is never cut: no timer
/// runs while a request has been read and its response has not ended.
///
/// - Shutdown (`ChannelShouldQuiesceEvent`): a request whose body is still arriving is not waited
///   for: ``ServiceStopping`` is sent down the pipeline, the route reading the body fails with it
///   and answers 503 (nothing was recorded, the client sends it again), and the connection closes.
///   Should no response begin within ``stoppingGrace``, the 503 is written here. Requests whose
///   body has fully arrived (a pledge being committed) are left to finish, answered with
///   `Connection: close`.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    let deadlines: RequestDeadlines
    let answers: DeadlineAnswers
    private var timer: Scheduled<Void>?
    /// Requests whose head has been read and whose response has not ended.
    private var requestsInProgress = 0
    private var readingBody = false
    /// Whether a response head has been written and its end not yet.
    private var responding = false
    /// Whether bytes arrived since the last request ended: part of a next request.
    private var nextRequestStarted = false
    /// Set once a deadline has passed: the connection closes after the response being written.
    private var closing = false

    init(_ deadlines: RequestDeadlines, answers: DeadlineAnswers) {
        self.deadlines = deadlines
        self.answers = answers
    }

    /// How long a route has, at shutdown, to answer a request whose body stopped being awaited.
    static let stoppingGrace: Duration = .milliseconds(500)

    /// Called by ``InboundBytesObserver`` for every read, before the decoder parses it.
    func bytesArrived() {
        nextRequestStarted = true
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startHeaderTimer(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
    }

    func channelActive(context: ChannelHandlerContext) {
        startHeaderTimer(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        context.fireUserInboundEventTriggered(event)
        // Hummingbird's own handler closes idle connections and waits for requests in progress;
        // one still waiting for its body could wait up to the body deadline, holding up the exit.
        guard event is ChannelShouldQuiesceEvent, requestsInProgress > 0 else { return }
        if readingBody, !closing { stopReadingBody(context) }
        // The answer being made is the connection's last: its head says `Connection: close`.
        closing = true
    }

    /// A request NIO's parser refused (``HeaderLimits``, a control character in a field), while
    /// nothing else is answered on the connection: the problem detail of ``DeadlineAnswers`` is
    /// written here and the connection closed (the parser reads nothing more of it); Hummingbird
    /// would answer a bare 400 without a body. Other errors go on down the pipeline.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parse = error as? HTTPParserError, requestsInProgress == 0, !responding, !closing else {
            return context.fireErrorCaught(error)
        }
        let answer: CannedResponse?
        if case .headerOverflow = parse { answer = answers.headersTooLarge } else { answer = answers.malformedRequest }
        guard let answer else { return context.fireErrorCaught(error) }
        closing = true
        cancelTimer()
        answerAndClose(context, answer)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            requestsInProgress += 1
            readingBody = true
            schedule(context, after: deadlines.body) { handler, context in handler.bodyTimedOut(context) }
        case .body:
            break
        case .end:
            readingBody = false
            nextRequestStarted = false
            cancelTimer()
            // The route answered before reading the whole body: the wait for a next request starts now.
            if requestsInProgress == 0, !closing { startHeaderTimer(context) }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            responding = true
            guard closing else { return context.write(data, promise: promise) }
            head.headers.replaceOrAdd(name: "connection", value: "close")
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            responding = false
            requestsInProgress = max(0, requestsInProgress - 1)
            if closing {
                context.writeAndFlush(data, promise: promise)
                context.close(promise: nil)
                return
            }
            if requestsInProgress == 0, !readingBody { startHeaderTimer(context) }
            context.write(data, promise: promise)
        default:
            context.write(data, promise: promise)
        }
    }

    private func startHeaderTimer(_ context: ChannelHandlerContext) {
        schedule(context, after: deadlines.headers) { handler, context in handler.headersTimedOut(context) }
    }

    private func headersTimedOut(_ context: ChannelHandlerContext) {
        closing = true
        guard nextRequestStarted else {
            context.close(promise: nil)
            return
        }
        answerTimeoutAndClose(context)
    }

    /// Writes the 408 with `Connection: close`, then closes the connection.
    private func answerTimeoutAndClose(_ context: ChannelHandlerContext) {
        answerAndClose(context, answers.requestTimeout)
    }

    /// Writes `answer` with `Connection: close`, then closes the connection.
    private func answerAndClose(_ context: ChannelHandlerContext, _ answer: CannedResponse) {
        let body = answer.body
        var headers = HTTPHeaders(answer.headers.map { ($0.name.rawName, $0.value) })
        headers.replaceOrAdd(name: "content-length", value: String(body.count))
        headers.replaceOrAdd(name: "connection", value: "close")
        context.write(
            wrapOutboundOut(
                .head(
                    HTTPResponseHead(
                        version: .http1_1, status: HTTPResponseStatus(statusCode: answer.status.code),
                        headers: headers))),
            promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    private func bodyTimedOut(_ context: ChannelHandlerContext) {
        closing = true
        guard requestsInProgress > 0 else {
            // Answered already; the rest of the body was only being drained.
            context.close(promise: nil)
            return
        }
        // The last resort, should the route neither read the body nor answer in time (a busy
        // machine): the 408 from here, unless a response has begun.
        schedule(context, after: deadlines.body) { handler, context in
            if handler.responding { context.close(promise: nil) } else { handler.answerTimeoutAndClose(context) }
        }
        context.fireErrorCaught(RequestBodyTimeout())
    }

    /// Fails the body being read with ``ServiceStopping`` (the route answers 503), and writes the
    /// 503 here should no response begin within ``stoppingGrace``.
    private func stopReadingBody(_ context: ChannelHandlerContext) {
        closing = true
        schedule(context, after: Self.stoppingGrace) { handler, context in
            if handler.responding {
                context.close(promise: nil)
            } else {
                handler.answerAndClose(context, handler.answers.serviceStopping)
            }
        }
        context.fireErrorCaught(ServiceStopping())
    }

    private func schedule(
        _ context: ChannelHandlerContext, after delay: Duration,
        _ action: @escaping (RequestDeadlineHandler, ChannelHandlerContext) -> Void
    ) {
        cancelTimer()
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) {
            self.timer = nil
            action(self, context)
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }
}

/// Sits before the HTTP decoder and tells ``RequestDeadlineHandler`` when bytes arrive, so that it
/// can tell a client that started a request too slowly from a connection that is merely idle.
final class InboundBytesObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let deadline: RequestDeadlineHandler

    init(_ deadline: RequestDeadlineHandler) {
        self.deadline = deadline
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadline.bytesArrived()
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension RequestDeadlineHandler: Sendable {}

@available(*, unavailable)
extension InboundBytesObserver: Sendable {}
