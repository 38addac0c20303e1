import NIOCore
import NIOHTTP1
import Synchronization

/// Whether the client of one HTTP/1.1 connection has gone: its input closed (it sent FIN; with
/// half-closure allowed, as Hummingbird sets it, the channel itself stays open until a write
/// fails) or the connection ended. ``DeadlineHTTP1Channel`` keeps one for each connection
/// (``of(_:)``), so a long piece of work for a request (a whole XLSX file built before it is
/// sent) can stop when nobody is left to receive it, without reading the request stream itself
/// (Hummingbird's `consumeWithCancellationOnInboundClose` does, and ends the connection with the
/// response).
public final class ConnectionClosure: Sendable {
    private struct State {
        var closed = false
        var lastWaiter = 0
        var waiters: [Int: AsyncStream<Void>.Continuation] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Whether the input has closed.
    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Marks the input closed and wakes every waiter; later calls do nothing.
    public func close() {
        let waiters = state.withLock { state -> [AsyncStream<Void>.Continuation] in
            guard !state.closed else { return [] }
            state.closed = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.finish() }
    }

    /// What `operation` returns, or `CancellationError` once the input closes first: `operation`
    /// is then cancelled, and awaited (its clean-up done) before this returns.
    public func cancellingOnClose<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T
    {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                await self.waitUntilClosed()
                return nil
            }
            while let outcome = try await group.next() {
                if let value = outcome {
                    group.cancelAll()
                    return value
                }
                if isClosed {
                    group.cancelAll()
                    throw CancellationError()
                }
            }
            throw CancellationError()
        }
    }

    /// Returns once the input has closed, or at once when the calling task is cancelled.
    func waitUntilClosed() async {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
        let id: Int? = state.withLock { state in
            guard !state.closed else { return nil }
            state.lastWaiter += 1
            state.waiters[state.lastWaiter] = continuation
            return state.lastWaiter
        }
        guard let id else { return }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.waiters.removeValue(forKey: id) }
        }
        for await _ in stream {}
    }
}

extension ConnectionClosure {
    /// The open connections' closures, by channel: registered by ``DeadlineHTTP1Channel`` when a
    /// connection starts, removed when it ends.
    private static let open = Mutex<[ObjectIdentifier: ConnectionClosure]>([:])

    /// The closure of `channel`'s connection; nil for a channel ``DeadlineHTTP1Channel`` did not
    /// set up (a test transport without a socket).
    public static func of(_ channel: any Channel) -> ConnectionClosure? {
        open.withLock { $0[ObjectIdentifier(channel)] }
    }

    static func register(_ channel: any Channel) -> ConnectionClosure {
        let closure = ConnectionClosure()
        let key = ObjectIdentifier(channel)
        open.withLock { $0[key] = closure }
        channel.closeFuture.whenComplete { _ in
            closure.close()
            _ = open.withLock { $0.removeValue(forKey: key) }
        }
        return closure
    }
}

/// Tells a connection's ``ConnectionClosure`` when its input closes (`ChannelEvent.inputClosed`)
/// or it ends; passes everything on. It sits right after ``RequestDeadlineHandler``, before
/// ``PipeliningBackPressureHandler``, which holds an input close behind a pipelined request.
final class InputClosedWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart

    let closure: ConnectionClosure

    init(_ closure: ConnectionClosure) { self.closure = closure }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { closure.close() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closure.close()
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension InputClosedWatcher: Sendable {}
