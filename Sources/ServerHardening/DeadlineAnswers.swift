import HTTPTypes

/// A whole response written by a connection handler itself, outside any route: when a deadline
/// passes with no route answering, or at shutdown. The service gives them in its own wire format
/// (problem details), so this module knows none.
public struct CannedResponse: Sendable {
    public var status: HTTPResponse.Status
    /// The header fields; `Content-Length` and `Connection: close` are set when it is written.
    public var headers: HTTPFields
    public var body: [UInt8]

    public init(status: HTTPResponse.Status, headers: HTTPFields, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// What ``RequestDeadlineHandler`` writes when it answers by itself, each then closing the connection.
public struct DeadlineAnswers: Sendable {
    /// 408 (RFC 9110, 15.5.9): a request arrived slower than ``RequestDeadlines`` allow.
    public var requestTimeout: CannedResponse
    /// 503 (RFC 9110, 15.6.4): the service is stopping and did not wait for the rest of a request.
    public var serviceStopping: CannedResponse

    public init(requestTimeout: CannedResponse, serviceStopping: CannedResponse) {
        self.requestTimeout = requestTimeout
        self.serviceStopping = serviceStopping
    }
}
