import HTTPTypes
import Hummingbird
import KioskAPI
import NIOCore

/// A 200 with an HTML page and its headers (``htmlHeaders(cacheControl:scripts:)``).
public func htmlResponse(_ html: String, cacheControl: String, scripts: Bool = false) -> Response {
    Response(
        status: .ok, headers: htmlHeaders(cacheControl: cacheControl, scripts: scripts),
        body: .init(byteBuffer: ByteBuffer(string: html)))
}

/// The headers of an HTML page: UTF-8, `cacheControl`, `nosniff`, a Content-Security-Policy that
/// allows images and forms of this origin only (and its scripts when `scripts`), no referrer, no indexing.
public func htmlHeaders(cacheControl: String, scripts: Bool = false) -> HTTPFields {
    var headers = HTTPFields()
    headers[.contentType] = "text/html; charset=utf-8"
    headers[.cacheControl] = cacheControl
    headers[.xContentTypeOptions] = "nosniff"
    headers[.contentSecurityPolicy] =
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        + (scripts ? "; script-src 'self'; connect-src 'self'" : "")
    headers[.referrerPolicy] = "no-referrer"
    headers[.init("X-Robots-Tag")!] = "noindex"
    return headers
}

/// The headers of an image (a QR code): `contentType`, public for a day, `nosniff`, no active content.
public func imageHeaders(contentType: String) -> HTTPFields {
    var headers = HTTPFields()
    headers[.contentType] = contentType
    headers[.cacheControl] = "public, max-age=86400"
    headers[.xContentTypeOptions] = "nosniff"
    headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'"
    return headers
}

extension HTTPField.Name {
    /// `Referrer-Policy` (W3C Referrer Policy); `X-Content-Type-Options` is HTTPTypes'.
    public static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}

/// A JSON answer (``WireJSON``: members sorted, slashes unescaped), not to be cached.
public func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok, iso8601Dates: Bool = false) throws
    -> Response
{
    var headers = HTTPFields()
    headers[.contentType] = MediaType.jsonUTF8
    headers[.cacheControl] = "no-store"
    let body = ByteBuffer(bytes: try WireJSON.encode(value, iso8601Dates: iso8601Dates))
    return Response(status: status, headers: headers, body: .init(byteBuffer: body))
}

extension Request {
    /// Whether the client asks for HTML (a browser), as opposed to an API client: such a client
    /// gets a page where another gets a problem detail.
    public var acceptsHTML: Bool { headers[.accept]?.contains("text/html") ?? false }
}
