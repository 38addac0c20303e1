import Certificates
import Foundation
import HTTPTypes
import Hummingbird
import KioskHTTP
import KioskPages
import Logging
import PledgeKit
import QRCode

/// `GET /c/{code}` (the certificate page) and its QR images, `/c/{code}/qr.svg` and `/qr.png`.
/// `/C/…` is routed the same, because the link in the QR is written in capitals; codes are read
/// in any case, with or without dashes.
///
/// Pages and QR images are made once and then served from `cache` (keys start with `CODE/`),
/// with a strong ETag; `If-None-Match` gets 304. The pledge is read through ``RecentPledges``
/// (from the store, or a copy read since its last commit), and a page's key holds the pledge's
/// name and school (``pageKey(_:)``): a name erased by any process (`POST /c/{code}/erase`, `kiosk erase`,
/// `kiosk purge`) makes a new key at once, so a cached page never shows personal data the store
/// no longer has.
struct CertificateRoutes: Sendable {
    let lookup: any PledgeLookup
    /// Tells when a pledge kept in ``recent`` may have changed; nil: none is kept.
    let stamps: (any ChangeStamping)?
    /// The event each pledge was made at, and codes issued whose pledge has not arrived.
    let events: any CertificateEvents
    let links: CertificateLinks
    let pages: PageTemplates
    let renderer: CertificateRenderer?
    let cache: DocumentCache
    let recent: RecentPledges

    func add(to router: Router<KioskRequestContext>) {
        for prefix in ["c", "C"] {
            router.get("/\(prefix)/:code", use: page)
            router.get("/\(prefix)/:code/qr.svg") { request, context in
                try await qrImage(request, context, format: "svg", contentType: "image/svg+xml") { code in
                    Array(code.svg().utf8)
                }
            }
            router.get("/\(prefix)/:code/qr.png") { request, context in
                try await qrImage(request, context, format: "png", contentType: "image/png") { code in
                    try code.png()
                }
            }
        }
    }

    /// The QR of the pledge's certificate link: it shows only the code, so it is cached per code.
    func qrImage(
        _ request: Request, _ context: KioskRequestContext, format: String, contentType: String,
        render: @escaping @Sendable (QRCode) throws -> [UInt8]
    ) async throws -> Response {
        let pledge = try await pledge(context)
        let text = links.certificateURL(for: pledge.code)
        let document: DocumentCache.Document
        do {
            // The link's base is in the key: it changes when the event learns the hub's base.
            document = try await cache.document(for: "\(pledge.code.rawValue)/qr.\(format)/\(text)") {
                try render(try QRCode(encoding: text))
            }
        } catch {
            context.logger.error("QR image failed", metadata: ["pledge.id": "\(pledge.id)"])
            throw ProblemDetails.internalError
        }
        return conditionalResponse(
            request, document, headers: format == "png" ? Self.pngHeaders : imageHeaders(contentType: contentType))
    }

    /// The configuration `pledge`'s certificate shows (its event's).
    func configuration(for pledge: Pledge) async throws -> EventConfiguration {
        do { return try await events.configuration(for: pledge) } catch { throw ProblemDetails(error) }
    }

    /// The pledge the path names. Anything that is not a stored code is the same 404, so the
    /// answer says nothing about which codes exist.
    func pledge(_ context: KioskRequestContext) async throws -> Pledge {
        guard let code = context.certificateCode else { throw ProblemDetails.notFound }
        let found: Pledge?
        do { found = try await recent.pledge(code: code, from: lookup, stamps: stamps) } catch {
            throw ProblemDetails(error)
        }
        guard let found else { throw ProblemDetails.notFound }
        return found
    }

    // Made once: building these fields checks every byte of the policy, on every warm page.
    static let pageHeaders = htmlHeaders(cacheControl: "private, no-cache")
    static let pngHeaders = imageHeaders(contentType: "image/png")

    @Sendable func page(_ request: Request, context: KioskRequestContext) async throws -> Response {
        let pledge: Pledge
        do {
            pledge = try await self.pledge(context)
        } catch let problem as ProblemDetails where problem.status == .notFound {
            if let code = context.certificateCode, let awaited = try await eventAwaited(code) {
                // Genuine, made while its event was offline: never "not genuine" (issue 14).
                let page = AwaitedCertificatePage(code: code, configuration: awaited, links: links)
                return htmlResponse(AwaitedCertificatePage.html(page), cacheControl: "no-store")
            }
            // A person who scanned or typed a wrong code gets a page, not JSON.
            guard request.acceptsHTML else { throw problem }
            var response = htmlResponse(pages.notFound(), cacheControl: "no-store")
            response.status = .notFound
            return response
        }
        let certificate = CertificatePage(
            pledge: pledge, configuration: try await configuration(for: pledge), links: links, renderer: renderer)
        let pages = pages
        let document: DocumentCache.Document
        do {
            document = try await cache.document(for: Self.pageKey(pledge) + "/\(links.qrBaseURL)", inline: true) {
                pages.certificate(certificate)
            }
        } catch {
            throw ProblemDetails.internalError
        }
        return conditionalResponse(request, document, headers: Self.pageHeaders)
    }
}

extension CertificateRoutes {
    /// The event that issued `code` when its pledge has not arrived (``CertificateEvents``).
    func eventAwaited(_ code: CertificateCode) async throws -> EventConfiguration? {
        do { return try await events.eventAwaited(code: code) } catch { throw ProblemDetails(error) }
    }

    /// The cache key of a pledge's page: its code, its id, and the only fields that change after
    /// it is recorded (the name and school, which an erasure removes), written out in full, so
    /// two pages that differ never share a key (a hash of them could collide).
    static func pageKey(_ pledge: Pledge) -> String {
        let personal = "\(pledge.name ?? "\u{0}")\u{1F}\(pledge.school ?? "\u{0}")"
        return "\(pledge.code.rawValue)/page/\(pledge.id.uuidString)/\(personal)"
    }

}

extension KioskRequestContext {
    /// The certificate code the path names (`:code`), in any spelling ``CertificateCode`` reads;
    /// a code typed with spaces arrives as %20, so the segment is percent-decoded first.
    public var certificateCode: CertificateCode? {
        // Foundation's decoding costs more than the rest of a warm page: only when there is a %.
        guard let raw = parameters.get("code"),
            let text = raw.utf8.contains(UInt8(ascii: "%")) ? raw.removingPercentEncoding : raw
        else { return nil }
        return CertificateCode(parsing: text)
    }
}
