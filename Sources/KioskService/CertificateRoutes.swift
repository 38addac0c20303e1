import Certificates
import Foundation
import HTTPTypes
import Hummingbird
import PledgeKit
import QRCode

/// `GET /c/{code}` (the certificate page) and its QR images, `/c/{code}/qr.svg` and `/qr.png`.
/// `/C/…` is routed the same, because the link in the QR is written in capitals; codes are read
/// in any case, with or without dashes.
struct CertificateRoutes: Sendable {
    let service: any PledgeService
    let configuration: EventConfiguration
    let links: CertificateLinks
    let pages: PageTemplates
    let renderer: CertificateRenderer?

    func add(to router: Router<KioskRequestContext>) {
        for prefix in ["c", "C"] {
            router.get("/\(prefix)/:code", use: page)
            router.get("/\(prefix)/:code/qr.svg") { request, context in
                let pledge = try await pledge(context)
                let code = try qrCode(links.certificateURL(for: pledge.code))
                return imageResponse(Array(code.svg().utf8), contentType: "image/svg+xml")
            }
            router.get("/\(prefix)/:code/qr.png") { request, context in
                let pledge = try await pledge(context)
                let code = try qrCode(links.certificateURL(for: pledge.code))
                do {
                    return imageResponse(try code.png(), contentType: "image/png")
                } catch {
                    throw ProblemDetails.internalError
                }
            }
        }
    }

    /// The pledge the path names. Anything that is not a stored code is the same 404, so the
    /// answer says nothing about which codes exist.
    func pledge(_ context: KioskRequestContext) async throws -> Pledge {
        // A code typed with spaces arrives as %20: decode the path segment before reading it.
        guard let raw = context.parameters.get("code"), let text = raw.removingPercentEncoding,
            let code = CertificateCode(parsing: text)
        else {
            throw ProblemDetails.notFound
        }
        let found: Pledge?
        do { found = try await service.pledge(code: code) } catch { throw ProblemDetails(error) }
        guard let found else { throw ProblemDetails.notFound }
        return found
    }

    @Sendable func page(_ request: Request, context: KioskRequestContext) async throws -> Response {
        let pledge: Pledge
        do {
            pledge = try await self.pledge(context)
        } catch let problem as ProblemDetails where problem.status == .notFound && Self.acceptsHTML(request) {
            // A person who scanned or typed a wrong code gets a page, not JSON.
            var response = htmlResponse(pages.render("not-found", [:]), cacheControl: "no-store")
            response.status = .notFound
            return response
        }
        let html = pages.render(
            "certificate",
            CertificatePage(pledge: pledge, configuration: configuration, links: links, renderer: renderer).context)
        return htmlResponse(html, cacheControl: "private, no-cache")
    }
}

extension CertificateRoutes {
    /// Whether the client asks for HTML (a browser), as opposed to an API client.
    static func acceptsHTML(_ request: Request) -> Bool {
        request.headers[.accept]?.contains("text/html") ?? false
    }
}

func qrCode(_ text: String) throws -> QRCode {
    do {
        return try QRCode(encoding: text)
    } catch {
        throw ProblemDetails.internalError
    }
}

func imageResponse(_ bytes: [UInt8], contentType: String) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = contentType
    headers[.cacheControl] = "public, max-age=86400"
    headers[.xContentTypeOptions] = "nosniff"
    headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'"
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
}

func htmlResponse(_ html: String, cacheControl: String, scripts: Bool = false) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "text/html; charset=utf-8"
    headers[.cacheControl] = cacheControl
    headers[.xContentTypeOptions] = "nosniff"
    headers[.contentSecurityPolicy] =
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        + (scripts ? "; script-src 'self'; connect-src 'self'" : "")
    headers[.referrerPolicy] = "no-referrer"
    headers[.init("X-Robots-Tag")!] = "noindex"
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
}

extension HTTPField.Name {
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
