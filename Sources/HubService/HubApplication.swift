import CertificateWeb
import Certificates
import Foundation
import HTTPTypes
import HubCore
import Hummingbird
import HummingbirdCore
import KioskHTTP
import KioskPages
import LiveWeb
import Logging
import NIOCore
import PledgeKit
import PledgeWeb
import ServerHardening

/// Everything the national hub's HTTP service needs, made once at start-up (`kiosk hub serve`).
public struct HubServiceParts: Sendable {
    /// The hub's store (PostgreSQL, `HubStore`).
    public var records: any HubRecords
    /// The hub's public base of certificate links, e.g. `https://khongmotminh.vn`: every QR of a
    /// linked event points here, and every page names its domain as the one to check.
    public var links: CertificateLinks
    /// The campaign's pledge text, safety resources and templates (the `Kiosk/` folder's
    /// configuration); each certificate shows its own event's name, place and date over it.
    public var campaign: EventConfiguration
    public var pages: PageTemplates
    /// Renders certificate documents (`/c/{code}.svg|png|pdf`); nil: those routes answer 404.
    public var certificates: CertificateRenderer?
    /// The clock of erasures made at the hub.
    public var now: @Sendable () -> Date
    /// Tells when a pledge or an event already at the hub may have changed (the store's
    /// `HubStore.changeStamp()` while it listens), so a certificate opened again, or shared to
    /// many viewers, reads its pledge once, not once per request; nil: every request reads the store.
    public var changes: (any ChangeStamping)?
    /// 404s on code lookups each client address may draw: `burst`, then `perMinute` (then 429).
    public var notFoundLimit = EventConfiguration.RateLimit(perMinute: 300, burst: 300)
    /// The most bytes of certificate pages and QR images, and of rendered documents, kept in memory.
    public var pageCacheCapacity = 16 << 20
    public var documentCacheCapacity = 64 << 20
    /// Pledges made at the hub through the web pledge flow (`GET /p/{presence}`, `POST /p`:
    /// ``HubPledgeFlow``); nil: the hub serves no flow.
    public var webPledges: (any HubWebPledges)? = nil
    /// Organizer accounts, their audit log and scoped reads (``HubOrganizerRoutes``); nil: the hub
    /// serves no organizer API.
    public var organizers: (any HubOrganizerRecords)? = nil
    /// The national live counter (`GET /live`, `/live/events`, `/live/live.js`), over
    /// ``HubLiveTotals``; its refreshes come from the store's count notifications
    /// (`HubStore.observeCounts`), so every hub process on the database pushes the same totals.
    /// nil: no live routes.
    public var live: LiveCounter? = nil
    /// The addresses of the reverse proxies in front of the hub (nginx) whose `X-Forwarded-For`
    /// names the client that the per-address limits count (``ForwardedClientMiddleware``); empty:
    /// every request is its connection's.
    public var trustedProxies: [String] = []

    public init(
        records: any HubRecords, links: CertificateLinks, campaign: EventConfiguration, pages: PageTemplates,
        certificates: CertificateRenderer? = nil, now: @escaping @Sendable () -> Date = Date.init,
        changes: (any ChangeStamping)? = nil
    ) {
        self.records = records
        self.links = links
        self.campaign = campaign
        self.pages = pages
        self.certificates = certificates
        self.now = now
        self.changes = changes
    }
}

/// The hub's router: `POST /api/sync/batches` (``SyncRoutes``), `GET /api/counts[?event=ID]` and
/// `GET /api/public/counts?by=…[&event=ID]` (``HubCountsRoutes``),
/// the certificate routes of every event (`GET /c/{code}`, its QR images and documents, `GET /v`),
/// `GET /resources`, `GET|POST /c/{code}/erase` (the same routes, pages and templates as the event
/// service's, over the hub's store), the web pledge flow `GET /p/{presence}`, `POST /p` with
/// ``HubServiceParts/webPledges`` (``HubPledgeFlow``), the organizer API `GET /api/organizer/…` with
/// ``HubServiceParts/organizers`` (``HubOrganizerRoutes``), the national live counter `GET /live`,
/// `/live/events`, `/live/live.js` with ``HubServiceParts/live``, `GET /livez`, `GET /readyz`. Every GET also answers HEAD;
/// another method gets 405 with `Allow`; every error is a problem detail.
public func buildHubRouter(_ parts: HubServiceParts) -> Router<KioskRequestContext> {
    let router = Router(context: KioskRequestContext.self, options: .autoGenerateHeadEndpoints)
    // First: every limit after it counts the forwarded client, not the proxy.
    router.add(middleware: ForwardedClientMiddleware(trustedProxies: parts.trustedProxies))
    router.add(middleware: ProblemDetailsMiddleware())
    router.add(middleware: HostFieldMiddleware())
    router.add(middleware: NotFoundLimiter(perMinute: parts.notFoundLimit.perMinute, burst: parts.notFoundLimit.burst))
    let records = parts.records
    router.get("/livez") { _, _ in try jsonResponse(["status": "ok"]) }
    router.get("/readyz") { _, _ in
        do throws(HubError) { _ = try await records.counts(event: nil) } catch { throw ProblemDetails(error) }
        return try jsonResponse(["status": "ok"])
    }
    router.get("/") { _, _ in Response(status: .seeOther, headers: [.location: "/resources"]) }
    SyncRoutes(records: records, certificateBaseURL: parts.links.baseURL).add(to: router)
    HubCountsRoutes(records: records).add(to: router)
    let hubCertificates = HubCertificates(
        records: records, campaign: parts.campaign, changes: parts.changes, now: parts.now)
    let site = CertificateSite(
        lookup: hubCertificates, changes: parts.changes, events: hubCertificates, links: parts.links,
        pages: parts.pages,
        renderer: parts.certificates, pageCacheCapacity: parts.pageCacheCapacity,
        documentCacheCapacity: parts.documentCacheCapacity)
    site.add(to: router)
    ResourcesRoutes(configuration: parts.campaign, pages: parts.pages).add(to: router)
    ErasureRoutes(lookup: hubCertificates, erasure: hubCertificates, site: site).add(to: router)
    if let organizers = parts.organizers {
        HubOrganizerRoutes(organizers: organizers, now: parts.now).add(to: router)
    }
    if let web = parts.webPledges {
        let flow = HubPledgeFlow(
            web: web, certificates: hubCertificates, campaign: parts.campaign, links: parts.links, now: parts.now)
        PhonePledgeRoutes(site: flow, now: parts.now).add(to: router)
    }
    if let live = parts.live {
        LiveRoutes(live: live, configuration: parts.campaign, heading: LiveRoutes.nationalHeading).add(to: router)
    }
    router.add(middleware: AllowedMethodsMiddleware(routes: router.routes))
    return router
}

/// The hub as a Hummingbird application on `host:port` (port 0: any free port), hardened as the
/// event service is (``hardenedApplication(router:host:port:serverName:logger:idleTimeout:requestDeadlines:answers:connections:services:onServerRunning:)``:
/// idle timeout, request deadlines with 408, pipelining back-pressure, heap trimming).
/// `onServerRunning` receives the port actually bound.
public func buildHubApplication(
    _ parts: HubServiceParts, host: String, port: Int, logger: Logger,
    idleTimeout: Duration = .seconds(30), requestDeadlines: RequestDeadlines = .standard,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    hardenedApplication(
        router: buildHubRouter(parts), host: host, port: port, serverName: "khong-mot-minh-hub", logger: logger,
        idleTimeout: idleTimeout, requestDeadlines: requestDeadlines, answers: .problemDetails,
        onServerRunning: onServerRunning)
}
