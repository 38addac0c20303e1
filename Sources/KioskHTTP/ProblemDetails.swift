import Foundation
import HTTPTypes
import Hummingbird
import KioskAPI
import KioskPages
import PledgeKit

/// An error answer in the format of RFC 9457 ("Problem Details for HTTP APIs"): its body is
/// KioskAPI's ``Problem`` (the one shape, which a front's client reads too), served as
/// `application/problem+json` with the headers that go with it.
public struct ProblemDetails: HTTPResponseError, Sendable {
    public var body: Problem
    /// Response headers that go with the problem (`Allow` for 405, `Retry-After` for 503); not in the body.
    public var headers: HTTPFields = [:]
    /// The `WWW-Authenticate` challenge of a 401 (RFC 9110, 11.6.1); not part of the body.
    public var challenge: String? = nil

    public init(status: HTTPResponse.Status, code: String, field: String? = nil, vi: String, en: String) {
        body = Problem(status: status.code, title: status.reasonPhrase, code: code, field: field, vi: vi, en: en)
    }

    /// The answer to a refused pledge; the status follows from the reason (``Problem/status(for:)``).
    public init(_ error: PledgeError) {
        let wire = error.statedOnTheWire
        let code = Problem.status(for: wire.code)
        // The named statuses, for their reason phrases (the body's `title`).
        let named: [HTTPResponse.Status] = [
            .badRequest, .forbidden, .notFound, .conflict, .unsupportedMediaType, .unprocessableContent,
            .tooManyRequests,
            .serviceUnavailable,
        ]
        self.init(
            status: named.first { $0.code == code } ?? .badRequest, code: wire.code.rawValue, field: wire.field,
            vi: wire.message.vi, en: wire.message.en)
    }

    public var code: String { body.code }
    public var field: String? { body.field }
    public var messages: Localized<String> { body.messages }
    public var statusCode: Int { body.status }
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: body.status) }

    /// The problem as JSON; to a browser asking for a page that is not there (404 to a GET or HEAD
    /// that accepts `text/html`: a link mistyped or cut short), a page in both languages instead
    /// (``ProblemPage``), with the same status.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        if status == .notFound, request.method == .get || request.method == .head, request.acceptsHTML {
            var headers = htmlHeaders(cacheControl: "no-store")
            headers[.contentLanguage] = "vi, en"
            let html = ProblemPage.html(vi: body.messages.vi, en: body.messages.en)
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        }
        return Response(
            status: status, headers: responseHeaders, body: .init(byteBuffer: ByteBuffer(bytes: try encoded())))
    }

    /// The JSON body (``WireJSON``: members sorted, slashes unescaped).
    public func encoded() throws -> Data { try WireJSON.encode(body) }

    /// This problem with `Retry-After: seconds` (RFC 9110, 10.2.3): a 429 or 503 to try again.
    public func retrying(after seconds: Int) -> ProblemDetails {
        var problem = self
        problem.headers[.retryAfter] = "\(seconds)"
        return problem
    }

    /// ``headers`` with the content type, the languages, and `Retry-After` or `WWW-Authenticate`
    /// where they belong.
    public var responseHeaders: HTTPFields {
        var headers = self.headers
        headers[.contentType] = MediaType.problemJSON
        if status == .serviceUnavailable, headers[.retryAfter] == nil {
            headers[.retryAfter] = "5"
        }
        headers[.contentLanguage] = "vi, en"
        if let challenge { headers[.wwwAuthenticate] = challenge }
        return headers
    }
}

extension ProblemDetails {
    public static let notFound = ProblemDetails(
        status: .notFound, code: "not-found",
        vi: "Không tìm thấy trang này.", en: "This page was not found."
    )

    /// 413, and the connection is closed after it: the rest of the body is never read.
    public static let bodyTooLarge = ProblemDetails(
        status: .contentTooLarge, code: "body-too-large",
        vi: "Nội dung gửi lên quá lớn.", en: "The request body is too large."
    ).closingConnection()

    /// 405 with the methods a route has (RFC 9110, 15.5.6).
    public static func methodNotAllowed(allow: String) -> ProblemDetails {
        var problem = ProblemDetails(
            status: .methodNotAllowed, code: "method-not-allowed",
            vi: "Địa chỉ này không nhận phương thức đó. Dùng: \(allow).",
            en: "This address does not take that method. Use: \(allow)."
        )
        problem.headers[.allow] = allow
        return problem
    }

    public static let badRequest = ProblemDetails(
        status: .badRequest, code: "malformed-request",
        vi: "Yêu cầu HTTP không đúng định dạng.", en: "The HTTP request is malformed."
    )

    public static let internalError = ProblemDetails(
        status: .internalServerError, code: "internal-error",
        vi: "Đã có lỗi ở máy chủ. Vui lòng thử lại.", en: "Something went wrong on the server. Please try again."
    )
}
