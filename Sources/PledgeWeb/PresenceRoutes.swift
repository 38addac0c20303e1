import Certificates
import Foundation
import Hummingbird
import KioskHTTP
import KioskPages
import PledgeKit
import QRCode
import Synchronization

/// `GET /presence`: the page a projector or an entrance screen shows so phones can pledge
/// (``PresencePage``), and `GET /presence/qr.svg`, the QR of the flow's link with the presence
/// code of the moment: `BASE/P/CODE` on the event's own base (its LAN address, where phones at
/// the venue reach it), in capitals so the whole link is in QR's alphanumeric mode.
///
/// `GET /presence/poster.pdf`: the printable poster (``PledgePoster``, from the event's certificate
/// template folder) with the QR of the flow's entry, which asks for the code; drawn once, on the
/// first request.
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
    let poster: PosterFile?
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
    ///   - posterTemplates: the certificate template folder that holds `pledge-poster.svg`, and
    ///     the event's place and date as the poster writes them; nil: no poster route.
    public init(
        presence: PresenceCodes, links: CertificateLinks, eventName: String, linked: Linked? = nil,
        posterTemplates: (folder: URL, eventDetails: String)? = nil, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.presence = presence
        self.links = links.ownBase
        self.eventName = eventName
        self.linked = linked
        self.now = now
        self.poster = posterTemplates.map {
            PosterFile(
                folder: $0.folder, link: PresenceCodes.entryLink(on: links), eventName: eventName,
                eventDetails: $0.eventDetails)
        }
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

    /// ``currentLink(at:)`` at the routes' clock, for the screens and pages that show the same QR
    /// (a front's welcome screen, `/live`).
    public var linkSource: @Sendable () async -> String? {
        { [self] in await currentLink(at: now()) }
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
        if let poster {
            router.get("/presence/poster.pdf") { _, _ in
                let bytes = try poster.bytes()
                var headers = imageHeaders(contentType: "application/pdf")
                headers[.contentDisposition] = #"inline; filename="pledge-poster.pdf""#
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
        }
    }
}

/// The poster's PDF, drawn on the first request and kept: it changes only with the service's base.
final class PosterFile: Sendable {
    let folder: URL
    let link: (qr: String, shown: String)
    let eventName: String
    let eventDetails: String
    private let drawn = Mutex<[UInt8]?>(nil)

    init(folder: URL, link: (qr: String, shown: String), eventName: String, eventDetails: String) {
        self.folder = folder
        self.link = link
        self.eventName = eventName
        self.eventDetails = eventDetails
    }

    /// The PDF's bytes.
    /// - Throws: ``ProblemDetails`` 500 naming the template's problem (a folder without
    ///   `pledge-poster.svg`, say) in words an organizer can act on.
    func bytes() throws -> [UInt8] {
        if let bytes = drawn.withLock({ $0 }) { return bytes }
        let bytes: [UInt8]
        do {
            bytes = try PledgePoster(folder: folder).pdf(link: link, eventName: eventName, eventDetails: eventDetails)
        } catch {
            // The template's own problem names a path on the server: the organizer's words instead.
            throw ProblemDetails(
                status: .internalServerError, code: "poster-unavailable",
                vi: "Không vẽ được áp phích: thư mục mẫu giấy chứng nhận của sự kiện thiếu tệp "
                    + "pledge-poster.svg hoặc tệp bị lỗi.",
                en: "The poster cannot be drawn: the event's certificate template folder has no usable "
                    + "pledge-poster.svg.")
        }
        drawn.withLock { $0 = bytes }
        return bytes
    }
}
