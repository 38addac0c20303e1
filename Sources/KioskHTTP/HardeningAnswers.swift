import Foundation
import HTTPTypes
import Hummingbird
import ServerHardening

/// The service's answers for ``ServerHardening``'s checks, as problem details: the deadline
/// handler's 408 and 503, the Host check's 400 and the 405 with `Allow`.
extension ProblemDetails {
    /// 408 (RFC 9110, 15.5.9) with `Connection: close`: the server will not wait any longer.
    public static let requestTimeout = ProblemDetails(
        status: .requestTimeout, code: "request-timeout",
        vi: "Yêu cầu đến quá chậm nên máy chủ đã đóng kết nối. Vui lòng gửi lại.",
        en: "The request arrived too slowly, so the server closed the connection. Please send it again."
    ).closingConnection()

    /// 503 (RFC 9110, 15.6.4) with `Connection: close` and `Retry-After`: the service is stopping and
    /// did not wait for the rest of the request, so nothing of it was recorded.
    public static let serviceStopping = ProblemDetails(
        status: .serviceUnavailable, code: "service-stopping",
        vi: "Máy chủ đang dừng nên chưa ghi nhận yêu cầu này. Vui lòng gửi lại sau giây lát.",
        en: "The server is shutting down and did not record this request. Please send it again shortly."
    ).closingConnection()

    /// 431 (RFC 6585, 5) with `Connection: close`: a header field or the header block past
    /// ``HeaderLimits`` (a very long `Authorization`, say), refused before any route reads it.
    public static let headersTooLarge = ProblemDetails(
        status: .requestHeaderFieldsTooLarge, code: "headers-too-large",
        vi:
            "Phần đầu (header) của yêu cầu quá lớn: mỗi trường tối đa \(HeaderLimits.fieldBytes / 1024) KiB, cả phần đầu tối đa \(HeaderLimits.totalBytes / 1024) KiB. Mã truy cập chỉ dài vài chục ký tự.",
        en:
            "The request's header is too large: at most \(HeaderLimits.fieldBytes / 1024) KiB a field and \(HeaderLimits.totalBytes / 1024) KiB in all. An access token is a few dozen characters."
    ).closingConnection()

    /// 400 with `Connection: close`: a request that is not HTTP/1.1 as RFC 9112 writes it (a
    /// control character in a header field such as `Authorization`), refused before any route.
    public static let malformedRequest = ProblemDetails(
        status: .badRequest, code: "malformed-request",
        vi: "Yêu cầu không đúng cú pháp HTTP/1.1 (RFC 9112), chẳng hạn một trường header có ký tự điều khiển.",
        en: "The request is not valid HTTP/1.1 (RFC 9112), e.g. a header field holds a control character."
    ).closingConnection()

    public static let invalidHost = ProblemDetails(
        status: .badRequest, code: "invalid-host",
        vi: "Yêu cầu cần đúng một trường Host hợp lệ (RFC 9112, 3.2).",
        en: "A request needs exactly one valid Host header field (RFC 9112, 3.2)."
    )

    /// The same problem with `Connection: close`: for an answer sent before the request was read
    /// to its end, after which the connection cannot carry another request.
    public func closingConnection() -> ProblemDetails {
        var problem = self
        problem.headers[.connection] = "close"
        return problem
    }

    /// The problem as a whole response, for a connection handler that writes it itself.
    public var canned: CannedResponse {
        CannedResponse(status: status, headers: responseHeaders, body: Array((try? encoded()) ?? Data()))
    }
}

extension DeadlineAnswers {
    /// ``ProblemDetails/requestTimeout``, ``ProblemDetails/serviceStopping``,
    /// ``ProblemDetails/headersTooLarge`` and ``ProblemDetails/malformedRequest``.
    public static let problemDetails = DeadlineAnswers(
        requestTimeout: ProblemDetails.requestTimeout.canned, serviceStopping: ProblemDetails.serviceStopping.canned,
        headersTooLarge: ProblemDetails.headersTooLarge.canned, malformedRequest: ProblemDetails.malformedRequest.canned
    )
}

extension HostFieldMiddleware {
    /// Refuses with ``ProblemDetails/invalidHost``.
    public init() { self.init(refusal: ProblemDetails.invalidHost) }
}

extension AllowedMethodsMiddleware {
    /// Refuses with ``ProblemDetails/methodNotAllowed(allow:)``.
    public init(routes: [Router<Context>.RouteDescription]) {
        self.init(routes: routes) { ProblemDetails.methodNotAllowed(allow: $0) }
    }
}
