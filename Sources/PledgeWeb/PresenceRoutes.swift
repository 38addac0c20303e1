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
///
/// An event linked to the national hub (``linked``) points the QR at the hub's official domain
/// instead, `HUB/P/TAGCODE` (its code tag, then the code: ``PresenceCodes/hubPresence(_:)``), while
/// its last upload to the hub was acknowledged: phones then pledge over mobile data too, when the
/// venue's Wi-Fi keeps them from the event's address. Until the hub has answered once, and while
/// its uploads fail (no internet at the venue), the QR stays on the event's own base.
public struct PresenceRoutes: Sendable {
    let presence: PresenceCodes
    let links: CertificateLinks
    let eventName: String
    let now: @Sendable () -> Date
    let linked: Linked?

    /// What an event linked to the hub points its QR at the hub with.
    public struct Linked: Sendable {
        /// The event's code tag (``CodeIssuer/tag``): the hub finds the event by it.
        public var codeTag: String
        /// The state of the event's link to the hub (its store): the hub's base, its last answer.
        public var status: any HubLinkReporting

        public init(codeTag: String, status: any HubLinkReporting) {
            self.codeTag = codeTag
            self.status = status
        }
    }

    /// - Parameters:
    ///   - links: the event's links; their own base is used, not the hub's.
    ///   - linked: with a hub, its code tag and link state (the presence codes must then be the
    ///     hub's too, ``PresenceCodes/init(linkedTo:)``); nil: always the event's own base.
    public init(
        presence: PresenceCodes, links: CertificateLinks, eventName: String, linked: Linked? = nil,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.presence = presence
        self.links = links.ownBase
        self.eventName = eventName
        self.linked = linked
        self.now = now
    }

    /// The flow's link with the code shown at `date`: at the hub while the hub answers the
    /// event's uploads (see the type), else on the event's own base (``link(at:)``).
    public func currentLink(at date: Date) async -> String {
        guard let linked, let status = try? await linked.status.hubLinkStatus(), status.linked,
            let contact = status.lastContact, contact >= (status.lastErrorAt ?? .distantPast),
            let base = status.certificateBaseURL, let hub = try? CertificateLinks(baseURL: base)
        else { return link(at: date) }
        return "\(hub.qrBaseURL)/P/\(linked.codeTag)\(presence.code(at: date))"
    }

    /// The flow's link with the code shown at `date`, as the QR holds it.
    public func link(at date: Date) -> String {
        "\(links.qrBaseURL)/P/\(presence.code(at: date))"
    }

    public func add(to router: Router<KioskRequestContext>) {
        router.get("/presence") { _, _ in
            let date = now()
            let seconds = Int(presence.nextChange(after: date).timeIntervalSince(date).rounded(.up))
            let html = PresencePage.html(
                code: presence.code(at: date), link: await currentLink(at: date), eventName: eventName,
                refreshSeconds: seconds)
            return htmlResponse(html, cacheControl: "no-store")
        }
        router.get("/presence/qr.svg") { _, _ in
            let svg: String
            let link = await currentLink(at: now())
            do { svg = try QRCode(encoding: link).svg() } catch { throw ProblemDetails.internalError }
            var headers = imageHeaders(contentType: "image/svg+xml")
            // The code changes every few minutes: never kept.
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: svg)))
        }
    }
}
