import Foundation
import HTTPTypes
import Hummingbird
import KioskAPI

extension ProblemDetails {
    /// 415 (RFC 9110, 15.5.16) `unsupported-media-type`: a route that reads JSON was sent another
    /// media type.
    public static let bodyMustBeJSON = ProblemDetails(
        status: .unsupportedMediaType, code: "unsupported-media-type",
        vi: "Nội dung phải là JSON (Content-Type: application/json).",
        en: "The body must be JSON (Content-Type: application/json).")

    /// 415 (RFC 9110, 15.5.16 and 8.4) `unsupported-content-coding`: a body sent compressed (or in
    /// any content coding); the services read bodies as they are (the breaker's gzip was taken).
    public static let contentCodingNotSupported = ProblemDetails(
        status: .unsupportedMediaType, code: "unsupported-content-coding",
        vi: "Máy chủ không đọc nội dung nén (Content-Encoding): hãy gửi nội dung như nó là.",
        en: "The server does not read encoded bodies (Content-Encoding): send the body as it is.")
}

extension Request {
    /// Throws the 415 of a body that is not plain JSON: ``ProblemDetails/contentCodingNotSupported``
    /// for a `Content-Encoding` but `identity`, else ``ProblemDetails/bodyMustBeJSON`` unless
    /// ``MediaType/isJSON(_:)``.
    public func requireJSONBody() throws {
        try requireNoContentCoding()
        guard MediaType.isJSON(headers[.contentType]) else { throw ProblemDetails.bodyMustBeJSON }
    }

    /// Throws ``ProblemDetails/contentCodingNotSupported`` for a `Content-Encoding` but `identity`.
    public func requireNoContentCoding() throws {
        guard let coding = headers[.contentEncoding] else { return }
        let codings = coding.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard codings.allSatisfy({ $0 == "identity" || $0.isEmpty }) else {
            throw ProblemDetails.contentCodingNotSupported
        }
    }
}
