import Foundation
import HTTPTypes
import Hummingbird

/// How long a client may take to send a request, so that slow clients ("slowloris") cannot hold
/// connections open. Past either deadline the client gets `408 Request Timeout` as a problem
/// detail with `Connection: close`, and the connection closes; a request that timed out is never
/// handed to the store, so it leaves no record.
///
/// Enforced per connection by ``RequestDeadlineHandler``; the 30 s idle timeout of
/// ``buildApplication(_:host:port:logger:idleTimeout:requestDeadlines:onServerRunning:)`` still
/// applies on top.
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
/// reading the body fails with it, and ``ProblemDetailsMiddleware`` answers 408.
struct RequestBodyTimeout: Error {}

/// Thrown into a request's body stream when the service stops before the body has arrived: the
/// route reading it fails with it, and ``ProblemDetailsMiddleware`` answers 503.
struct ServiceStopping: Error {}

extension ProblemDetails {
    /// 408 (RFC 9110, 15.5.9) with `Connection: close`: the server will not wait any longer.
    static let requestTimeout = ProblemDetails(
        status: .requestTimeout, code: "request-timeout",
        vi: "Yêu cầu đến quá chậm nên máy chủ đã đóng kết nối. Vui lòng gửi lại.",
        en: "The request arrived too slowly, so the server closed the connection. Please send it again."
    ).closingConnection()

    /// 503 (RFC 9110, 15.6.4) with `Connection: close` and `Retry-After`: the service is stopping and
    /// did not wait for the rest of the request, so nothing of it was recorded.
    static let serviceStopping = ProblemDetails(
        status: .serviceUnavailable, code: "service-stopping",
        vi: "Máy chủ đang dừng nên chưa ghi nhận yêu cầu này. Vui lòng gửi lại sau giây lát.",
        en: "The server is shutting down and did not record this request. Please send it again shortly."
    ).closingConnection()

    /// The same problem with `Connection: close`: for an answer sent before the request was read
    /// to its end, after which the connection cannot carry another request.
    func closingConnection() -> ProblemDetails {
        var problem = self
        problem.headers[.connection] = "close"
        return problem
    }
}
