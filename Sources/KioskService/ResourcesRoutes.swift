import Foundation
import HTTPTypes
import Hummingbird
import KioskPages
import PledgeKit
import QRCode

/// `GET /resources`: every safety resource with its QR (hotlines as `tel:` links), and
/// `GET /resources/{id}/qr.svg`.
struct ResourcesRoutes: Sendable {
    let configuration: EventConfiguration
    let pages: PageTemplates

    func add(to router: Router<KioskRequestContext>) {
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
