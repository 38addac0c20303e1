import Certificates
import Foundation
import HTTPTypes
import Hummingbird
import KioskHTTP
import Logging
import PledgeKit

/// `GET /c/{code}.svg`, `.png` (`?size=print` for the A4 print image) and `.pdf`: the certificate
/// as documents, each rendered once and then served from a bounded cache.
///
/// Caching: the page links each document with `?v=VERSION`, a fingerprint of everything the
/// document shows; such a request is `private` (it shows a name: never kept by a shared cache) and `immutable` for a year, because a changed name (erasure)
/// or template makes a new version and so a new URL. A request without the current version gets
/// `no-cache`: it may be stored, but is revalidated with its strong ETag on every use.
struct CertificateDocumentRoutes: Sendable {
    let routes: CertificateRoutes
    let renderer: CertificateRenderer
    let cache: DocumentCache

    func add(to router: Router<KioskRequestContext>) {
        for prefix in ["c", "C"] {
            router.get("/\(prefix)/{code}.svg") { request, context in
                try await document(request, context, .svg)
            }
            router.get("/\(prefix)/{code}.png") { request, context in
                let print = request.uri.queryParameters.get("size") == "print"
                return try await document(request, context, print ? .printPNG : .png)
            }
            router.get("/\(prefix)/{code}.pdf") { request, context in
                try await document(request, context, .pdf)
            }
        }
    }

    func document(_ request: Request, _ context: KioskRequestContext, _ format: CertificateFormat) async throws
        -> Response
    {
        let pledge = try await routes.pledge(context)
        let fields = CertificateFields(
            pledge: pledge, configuration: try await routes.configuration(for: pledge), links: routes.links)
        let version = renderer.version(fields)
        let renderer = renderer
        let document: DocumentCache.Document
        do {
            document = try await cache.document(for: "\(pledge.code.rawValue)/\(format.rawValue)/\(version)") {
                try renderer.render(fields, as: format)
            }
        } catch {
            context.logger.error("certificate render failed", metadata: ["pledge.id": "\(pledge.id)"])
            throw ProblemDetails.internalError
        }
        var headers = HTTPFields()
        headers[.cacheControl] =
            request.uri.queryParameters.get("v") == version ? "private, max-age=31536000, immutable" : "no-cache"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
        headers[.contentDisposition] = DocumentFileName.contentDisposition(fields, format: format)
        headers[.contentType] = format == .svg ? "image/svg+xml; charset=utf-8" : format.contentType
        return conditionalResponse(request, document, headers: headers)
    }
}
