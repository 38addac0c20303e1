import Foundation
import Hummingbird
import KioskHTTP
import KioskPages
import PledgeKit
import QRCode

/// `GET /presence`: the page a projector or an entrance screen shows so phones can pledge
/// (``PresencePage``), and `GET /presence/qr.svg`, the QR of the flow's link with the presence
/// code of the moment: `BASE/P/CODE` on the event's own base (its LAN address, where phones at
/// the venue reach it), in capitals so the whole link is in QR's alphanumeric mode.
public struct PresenceRoutes: Sendable {
    let presence: PresenceCodes
    let links: CertificateLinks
    let eventName: String
    let now: @Sendable () -> Date

    /// - Parameter links: the event's links; their own base is used, not the hub's.
    public init(
        presence: PresenceCodes, links: CertificateLinks, eventName: String,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.presence = presence
        self.links = links.ownBase
        self.eventName = eventName
        self.now = now
    }

    /// The flow's link with the code shown at `date`, as the QR holds it.
    public func link(at date: Date) -> String {
        presence.link(on: links, at: date)
    }

    public func add(to router: Router<KioskRequestContext>) {
        router.get("/presence") { _, _ in
            let date = now()
            let seconds = Int(presence.nextChange(after: date).timeIntervalSince(date).rounded(.up))
            let html = PresencePage.html(
                code: presence.code(at: date), link: link(at: date), eventName: eventName, refreshSeconds: seconds)
            return htmlResponse(html, cacheControl: "no-store")
        }
        router.get("/presence/qr.svg") { _, _ in
            let svg: String
            do { svg = try QRCode(encoding: link(at: now())).svg() } catch { throw ProblemDetails.internalError }
            var headers = imageHeaders(contentType: "image/svg+xml")
            // The code changes every few minutes: never kept.
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: svg)))
        }
    }
}
