import Foundation
import HTTPTypes
import Hummingbird
import KioskHTTP
import KioskPages
import NIOCore
import PledgeKit
import QRCode

/// `GET /resources`: every safety resource with its QR (hotlines as `tel:` links), and
/// `GET /resources/{id}/qr.svg`: the event service's, and the national hub's (the campaign's
/// resources).
public struct ResourcesRoutes: Sendable {
    let configuration: EventConfiguration
    let pages: PageTemplates

    /// - Parameters:
    ///   - configuration: whose ``EventConfiguration/resources`` are listed.
    ///   - pages: the page templates (`resources.mustache`).
    public init(configuration: EventConfiguration, pages: PageTemplates) {
        self.configuration = configuration
        self.pages = pages
    }

    /// Adds the routes to `router`.
    public func add(to router: Router<KioskRequestContext>) {
        router.get("/resources") { _, _ in
            let html = pages.resources(eventName: configuration.name, resources: configuration.resources)
            return htmlResponse(html, cacheControl: "public, max-age=300")
        }
        router.get("/resources/:id/qr.svg") { _, context in
            guard let id = context.parameters.get("id"),
                let resource = configuration.resources.first(where: { $0.id == id })
            else { throw ProblemDetails.notFound }
            return imageResponse(Array(try qrCode(resource.link).svg().utf8), contentType: "image/svg+xml")
        }
    }
}

/// The QR code of `text`; a text too long for one is the service's error (500).
func qrCode(_ text: String) throws -> QRCode {
    do {
        return try QRCode(encoding: text)
    } catch {
        throw ProblemDetails.internalError
    }
}

func imageResponse(_ bytes: [UInt8], contentType: String) -> Response {
    Response(
        status: .ok, headers: imageHeaders(contentType: contentType), body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
}
