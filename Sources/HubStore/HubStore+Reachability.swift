import Foundation
import HubCore
import NIOCore
import NIOPosix
import Synchronization

/// Whether the database's address accepts a connection at all: a bare TCP (or Unix socket)
/// connect, closed at once, with no PostgreSQL message.
///
/// A call still waiting after ``askAfter`` asks it, so that while the server is down (connection
/// refused) the call fails in a fraction of a second with ``HubStore/unreachable`` (503) instead
/// of waiting out its deadline while the pool retries its connection (postgres-nio's pool queues
/// calls until its circuit breaker trips, 60 s). A server that accepts, however slow, leaves the
/// call to its deadline.
///
/// One probe runs at a time and its answer serves every call for ``freshFor``: the calls a busy
/// pool keeps waiting would otherwise each open a connection, and PostgreSQL starts a process for
/// each one it accepts.
final class DatabaseReachability: Sendable {
    enum Answer: Sendable, Equatable {
        /// The address accepted a connection.
        case accepts
        /// The connection failed at once: refused, no such socket, no route, no such host.
        case refused
        /// The connect took longer than its timeout: a slow or silent network, left to the deadline.
        case unknown
    }

    /// How long a call waits before it asks (a call that ends sooner never asks).
    static let askAfter = Duration.milliseconds(100)
    /// How long an answer serves later calls.
    static let freshFor = Duration.milliseconds(500)

    private struct State {
        var last: (at: ContinuousClock.Instant, answer: Answer)?
        var asking: Task<Answer, Never>?
    }

    private let configuration: HubStoreConfiguration
    private let state = Mutex(State())

    init(_ configuration: HubStoreConfiguration) {
        self.configuration = configuration
    }

    /// The latest answer when fresh, else the answer of the probe in flight or of a new one.
    func answer() async -> Answer {
        switch current() {
        case .fresh(let answer): return answer
        case .asking(let task): return await task.value
        }
    }

    private enum Current {
        case fresh(Answer)
        case asking(Task<Answer, Never>)
    }

    private func current() -> Current {
        let clock = ContinuousClock()
        return state.withLock { state in
            if let last = state.last, last.at.duration(to: clock.now) < Self.freshFor { return .fresh(last.answer) }
            if let asking = state.asking { return .asking(asking) }
            let configuration = configuration
            let task = Task { [weak self] in
                let answer = await Self.connect(configuration)
                self?.record(answer, at: clock.now)
                return answer
            }
            state.asking = task
            return .asking(task)
        }
    }

    private func record(_ answer: Answer, at instant: ContinuousClock.Instant) {
        state.withLock { state in
            state.last = (instant, answer)
            state.asking = nil
        }
    }

    /// Connects to the configuration's socket or host and port, within its connect timeout.
    static func connect(_ configuration: HubStoreConfiguration) async -> Answer {
        let (seconds, attoseconds) = configuration.connectTimeout.components
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        do {
            let channel: any Channel
            if let socketPath = configuration.socketPath {
                channel = try await bootstrap.connect(unixDomainSocketPath: socketPath).get()
            } else {
                channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
            }
            try? await channel.close()
            return .accepts
        } catch ChannelError.connectTimeout {
            return .unknown
        } catch {
            return .refused
        }
    }
}

/// The database's address refused a connection while a call waited (``DatabaseReachability``).
struct DatabaseRefused: Error {}

extension HubStore {
    /// A call's error while the database's address refuses connections: 503 at once.
    static let unreachable = HubError(
        .unavailable,
        vi: "Hub hiện không kết nối được tới cơ sở dữ liệu của mình. Vui lòng thử lại sau.",
        en: "The hub cannot reach its database at the moment. Please try again later.")
}
