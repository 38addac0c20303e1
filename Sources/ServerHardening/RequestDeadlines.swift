import HTTPTypes
import Hummingbird

/// How long a client may take to send a request, so that slow clients ("slowloris") cannot hold
/// connections open. Past either deadline the client gets `408 Request Timeout` as a problem
/// detail with `Connection: close`, and the connection closes; a request that timed out is never
/// handed to the store, so it leaves no record.
///
/// Enforced per connection by ``RequestDeadlineHandler``; the service's idle timeout (30 s,
/// `KioskService.buildApplication`) still applies on top.
public struct RequestDeadlines: Sendable, Hashable {
    /// From the connection's start, or from the end of the previous response, until the request's
    /// whole header block has arrived. A connection on which no byte of a next request has
    /// arrived by then is idle: it is closed without an answer (a 408 there could be read by the
    /// client as the answer to a request it is just sending, RFC 9112, 9.5).
    public var headers: Duration
    /// From the end of the header block until the whole body has arrived (a pledge is a few
    /// hundred bytes, and bodies over 16 KiB are refused with 413 anyway).
    public var body: Duration

    public init(headers: Duration = .seconds(10), body: Duration = .seconds(10)) {
        self.headers = headers
        self.body = body
    }

    /// 10 s for the headers, 10 s for the body.
    public static let standard = RequestDeadlines()
}

/// Thrown into a request's body stream when its body missed ``RequestDeadlines/body``: the route
/// reading the body fails with it, and the router's error middleware answers 408
/// (``DeadlineAnswers/requestTimeout``).
public struct RequestBodyTimeout: Error {}

/// Thrown into a request's body stream when the service stops before the body has arrived: the
/// route reading it fails with it, and the router's error middleware answers 503
/// (``DeadlineAnswers/serviceStopping``).
public struct ServiceStopping: Error {}
