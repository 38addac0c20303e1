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
    /// 431 (RFC 6585, 5): a header field, or the header block, past ``HeaderLimits``, refused by
    /// NIO's parser before any route sees the request; nil: Hummingbird's bare 400.
    public var headersTooLarge: CannedResponse?
    /// 400 (RFC 9110, 15.5.1): a request NIO's parser cannot read (RFC 9112's grammar: a control
    /// character in a header field, a broken request line); nil: Hummingbird's bare 400.
    public var malformedRequest: CannedResponse?

    public init(
        requestTimeout: CannedResponse, serviceStopping: CannedResponse, headersTooLarge: CannedResponse? = nil,
        malformedRequest: CannedResponse? = nil
    ) {
        self.requestTimeout = requestTimeout
        self.serviceStopping = serviceStopping
        self.headersTooLarge = headersTooLarge
        self.malformedRequest = malformedRequest
    }
}

/// The most header bytes a request may send (NIO's decoder limits, of every service of the
/// project): 16 KiB a field (an organizer token is 50 characters; nginx's default is 8 KiB a
/// line), 64 KiB and 100 fields in all (browsers send about 20). Past them,
/// ``DeadlineAnswers/headersTooLarge``.
public enum HeaderLimits {
    public static let fieldBytes = 16 * 1024
    public static let totalBytes = 64 * 1024
    public static let fields = 100
}
