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
public struct ProblemDetails: HTTPResponseError, Codable, Sendable, Equatable {
    public var type: String
    public var title: String
    /// The HTTP status code, repeated in the body (RFC 9457, 3.1.2).
    public var statusCode: Int
    public var detail: String
    public var code: String
    public var field: String?
    public var messages: Localized<String>
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
            case .idempotencyKeyReused: .conflict
            case .notFound: .notFound
            case .unavailable: .serviceUnavailable
            case .guardianConsentRequired, .unknownAgeBand, .unknownProvince, .nameEmpty, .nameTooLong,
                .forbiddenCharacter, .schoolTooLong:
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

    // HTTPResponseError
    public var headers: HTTPFields {
        var fields = HTTPFields()
        if let challenge { fields[.wwwAuthenticate] = challenge }
        return fields
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(self)
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json; charset=utf-8"
        headers[.contentLanguage] = "vi, en"
        if let challenge { headers[.wwwAuthenticate] = challenge }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension ProblemDetails {
    static let notFound = ProblemDetails(
        status: .notFound, code: "not-found",
        vi: "Không tìm thấy trang này.", en: "This page was not found."
    )

    static let bodyTooLarge = ProblemDetails(
        status: .contentTooLarge, code: "body-too-large",
        vi: "Nội dung gửi lên quá lớn.", en: "The request body is too large."
    )

    static let internalError = ProblemDetails(
        status: .internalServerError, code: "internal-error",
        vi: "Đã có lỗi ở máy chủ. Vui lòng thử lại.", en: "Something went wrong on the server. Please try again."
    )
}
