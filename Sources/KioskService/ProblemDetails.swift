import Foundation
import HTTPTypes
import Hummingbird
import PledgeKit

/// An error answer in the format of RFC 9457 ("Problem Details for HTTP APIs"), served as
/// `application/problem+json`.
///
/// Members: `type` (a URI naming the problem; `about:blank` plus a `code` extension here), `title`,
/// `status`, `detail` (Vietnamese first), and the extensions `code` (stable, for programs),
/// `field` (the request member at fault) and `messages` (`vi` and `en`).
public struct ProblemDetails: HTTPResponseError, Codable, Sendable {
    public var type: String
    public var title: String
    /// The HTTP status code, repeated in the body (RFC 9457, 3.1.2).
    public var statusCode: Int
    public var detail: String
    public var code: String
    public var field: String?
    public var messages: Localized<String>
    /// Response headers that go with the problem (`Allow` for 405, `Retry-After` for 503); not in the body.
    public var headers: HTTPFields = [:]
    /// The `WWW-Authenticate` challenge of a 401 (RFC 9110, 11.6.1); not part of the body.
    public var challenge: String? = nil

    public init(status: HTTPResponse.Status, code: String, field: String? = nil, vi: String, en: String) {
        self.type = "about:blank"
        self.title = status.reasonPhrase
        self.statusCode = status.code
        self.detail = vi
        self.code = code
        self.field = field
        self.messages = Localized(vi: vi, en: en)
    }

    /// The answer to a refused pledge; the status follows from the reason.
    public init(_ error: PledgeError) {
        let status: HTTPResponse.Status =
            switch error.code {
            case .idempotencyKeyReused, .certificateCodeTaken: .conflict
            case .rateLimited: .tooManyRequests
            case .notFound: .notFound
            case .unavailable, .databaseGone: .serviceUnavailable
            case .guardianConsentRequired, .unknownAgeBand, .unknownProvince, .nameEmpty, .nameTooLong,
                .forbiddenCharacter, .schoolEmpty, .schoolTooLong:
                .unprocessableContent
            default: .badRequest
            }
        self.init(
            status: status, code: error.code.rawValue, field: error.field, vi: error.message.vi, en: error.message.en)
    }

    enum CodingKeys: String, CodingKey {
        case type, title, detail, code, field, messages
        case statusCode = "status"
    }

    public var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: responseHeaders, body: .init(byteBuffer: ByteBuffer(bytes: try body())))
    }

    /// The JSON body: members in sorted order, slashes unescaped.
    func body() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// ``headers`` with the content type, the languages, and `Retry-After` or `WWW-Authenticate`
    /// where they belong.
    var responseHeaders: HTTPFields {
        var headers = self.headers
        headers[.contentType] = "application/problem+json; charset=utf-8"
        if status == .serviceUnavailable, headers[.retryAfter] == nil {
            headers[.retryAfter] = "5"
        }
        headers[.contentLanguage] = "vi, en"
        if let challenge { headers[.wwwAuthenticate] = challenge }
        return headers
    }
}

extension ProblemDetails {
    static let notFound = ProblemDetails(
        status: .notFound, code: "not-found",
        vi: "Không tìm thấy trang này.", en: "This page was not found."
    )

    /// 413, and the connection is closed after it: the rest of the body is never read.
    static let bodyTooLarge = ProblemDetails(
        status: .contentTooLarge, code: "body-too-large",
        vi: "Nội dung gửi lên quá lớn.", en: "The request body is too large."
    ).closingConnection()

    /// 405 with the methods a route has (RFC 9110, 15.5.6).
    static func methodNotAllowed(allow: String) -> ProblemDetails {
        var problem = ProblemDetails(
            status: .methodNotAllowed, code: "method-not-allowed",
            vi: "Địa chỉ này không nhận phương thức đó. Dùng: \(allow).",
            en: "This address does not take that method. Use: \(allow)."
        )
        problem.headers[.allow] = allow
        return problem
    }

    static let badRequest = ProblemDetails(
        status: .badRequest, code: "malformed-request",
        vi: "Yêu cầu HTTP không đúng định dạng.", en: "The HTTP request is malformed."
    )

    static let internalError = ProblemDetails(
        status: .internalServerError, code: "internal-error",
        vi: "Đã có lỗi ở máy chủ. Vui lòng thử lại.", en: "Something went wrong on the server. Please try again."
    )
}
