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
public struct PresenceRoutes: Sendable {
    let presence: PresenceCodes
    let links: CertificateLinks
    let eventName: String
    let now: @Sendable () -> Date
    let poster: PosterFile?

    /// - Parameter links: the event's links; their own base is used, not the hub's.
    /// - Parameter posterTemplates: the certificate template folder that holds `pledge-poster.svg`,
    ///   and the event's place and date as the poster writes them; nil: no poster route.
    public init(
        presence: PresenceCodes, links: CertificateLinks, eventName: String,
        posterTemplates: (folder: URL, eventDetails: String)? = nil, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.presence = presence
        self.links = links.ownBase
        self.eventName = eventName
        self.now = now
        self.poster = posterTemplates.map {
            PosterFile(
                folder: $0.folder, link: PresenceCodes.entryLink(on: links), eventName: eventName,
                eventDetails: $0.eventDetails)
        }
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
            throw ProblemDetails(
                status: .internalServerError, code: "poster-unavailable",
                vi: "Không vẽ được áp phích: \(error)", en: "The poster cannot be drawn: \(error)")
        }
        drawn.withLock { $0 = bytes }
        return bytes
    }
}
