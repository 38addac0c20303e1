import Foundation
import HTTPTypes
import Hummingbird

/// Answers a GET from a cached document: 304 Not Modified without a body when the request's
/// `If-None-Match` names the document's strong ETag (RFC 9110, 13.1.2: weak comparison, so a
/// `W/` prefix still matches; `*` alone matches any), else 200 with the bytes. `headers` (content type,
/// caching, security headers) go on both; the ETag is added.
func conditionalResponse(_ request: Request, _ document: DocumentCache.Document, headers: HTTPFields) -> Response {
    var headers = headers
    headers[.eTag] = document.etag
    if let match = request.headers[.ifNoneMatch] {
        // `*` is the whole field or nothing (RFC 9110, 13.1.2: "*" / #entity-tag): `W/*` or `*`
        // inside a list is no valid tag and matches nothing.
        let value = match.trimmingCharacters(in: .whitespaces)
        let tags = value.split(separator: ",").map { tag in
            let trimmed = tag.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("W/") ? String(trimmed.dropFirst(2)) : trimmed
        }
        if value == "*" || tags.contains(document.etag) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
    }
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: document.bytes)))
}
