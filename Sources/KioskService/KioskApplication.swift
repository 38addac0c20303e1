import CertificateWeb
import Certificates
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import KioskHTTP
import KioskPages
import LiveWeb
import Logging
import NIOCore
import PledgeExport
import PledgeKit
import PledgeWeb
import ServerHardening
import ServiceLifecycle

/// Everything the HTTP service needs, made once at start-up.
public struct KioskServiceParts: Sendable {
    /// Records pledges (the HTTP API's, and the terminal front's in `kiosk run`): the store's
    /// recorder with its observers, the live counter's among them.
    public var recorder: any PledgeRecorder
    public var lookup: any PledgeLookup
    public var counter: any PledgeCounter
    /// Tells a retry of a recorded pledge, which the rate limit lets through; nil: none is told.
    public var recordedKeys: (any RecordedKeys)?
    /// When a pledge read may have changed, for the certificate routes' copies; nil: none kept.
    public var changes: (any ChangeStamping)?
    public var configuration: EventConfiguration
    public var links: CertificateLinks
    public var pages: PageTemplates
    /// Renders certificate documents (`/c/{code}.svg|png|pdf`); nil: those routes answer 404.
    public var certificates: CertificateRenderer?
    /// The most bytes of rendered documents kept in memory.
    public var documentCacheCapacity: Int
    /// The most bytes of certificate pages and QR images kept in memory (a page is about 15 KB,
    /// a QR PNG under 1 KB).
    public var pageCacheCapacity = 16 << 20
    /// Where heartbeats go; nil: kiosks are not tracked.
    public var kiosks: (any KioskRegistry)?
    /// Counts, exports and erasure for organizers; nil: no organizer routes, no live counter.
    public var organizer: (any ExportSource)?
    public var organizerAccess: OrganizerAccess
    /// Who may post pledges and heartbeats: from ``EventConfiguration/kioskToken``.
    public var kioskAccess: KioskAccess
    /// The live counter; when there is one, it observes ``recorder``.
    public var live: LiveCounter?
    /// 404s on code lookups each client address may draw: `burst`, then `perMinute` (then 429).
    public var notFoundLimit = EventConfiguration.RateLimit(perMinute: 300, burst: 300)
    /// What `/metrics` serves; the store should count into its factory too.
    public var metrics: ServiceMetrics
    /// What `/readyz` asks (the store); nil: `/readyz` reads the counts.
    public var readiness: (any StorageReadiness)?
    /// Runs after each erasure through `POST /c/{code}/erase` commits: brings the service's copies
    /// of the database in line (scheduled backups); nil: it keeps none.
    public var afterErasure: (@Sendable () async -> ErasureCopies)? = nil
    /// The event's code issuer when it has a hub (the one the store makes codes with), told to
    /// fronts with the kiosk token so they issue the same form offline; nil: the first form.
    public var codeIssuer: CodeIssuer? = nil
    /// The link to the national hub, shown on `/admin` (the store); nil: no hub section.
    public var hub: (any HubLinkReporting)? = nil
    /// The event's presence codes: with them, the web pledge flow for phones (`/p/…`) and the
    /// presence page that opens it (`/presence`); nil: neither. With a ``codeIssuer`` (linked to a
    /// hub) they must be ``PresenceCodes/init(linkedTo:)``'s, which the hub's flow takes too.
    public var presence: PresenceCodes? = nil
    /// Finds this event's signers by name for a front's attendant (`POST /api/pledges/search`,
    /// the store); nil, or no kiosk token configured: no such route.
    public var signers: (any SignerFinder)? = nil
    /// The idle, countdown and done times of the tablet kiosk mode (`/tablet`): the terminal
    /// front's (``KioskTimeouts``); tests make them short.
    public var tabletTimeouts = KioskTimeouts()

    /// - Parameters:
    ///   - pledges: records, finds and counts pledges (the store).
    ///   - observers: told about every pledge ``recorder`` records or refuses (the log); the
    ///     live counter, when there is one, is added.
    ///   - recordedKeys: tells retries of recorded pledges (the store); nil: none is told.
    ///   - changes: the store's change stamp, so certificate pages read a pledge once; nil: always read.
    ///   - organizer: enables `/admin`, `/api/organizer/…`, `/api/public/counts`, `/live` and erasure.
    ///   - organizerToken: the bearer token of the organizer routes (nil: the configuration's;
    ///     none there either: they answer 403).
    ///   - metrics: the numbers of `/metrics` (give its ``ServiceMetrics/factory`` to the store).
    ///   - readiness: what `/readyz` asks, the store.
    public init(
        pledges: some PledgeRecorder & PledgeLookup & PledgeCounter, observers: [any PledgeObserver] = [],
        recordedKeys: (any RecordedKeys)? = nil, changes: (any ChangeStamping)? = nil,
        configuration: EventConfiguration, links: CertificateLinks, pages: PageTemplates,
        certificates: CertificateRenderer? = nil, documentCacheCapacity: Int = 64 << 20,
        kiosks: (any KioskRegistry)? = nil, organizer: (any ExportSource)? = nil, organizerToken: String? = nil,
        metrics: ServiceMetrics = ServiceMetrics(), readiness: (any StorageReadiness)? = nil
    ) {
        let live = organizer.map { LiveCounter(organizer: $0) }
        let observers = observers + (live.map { [$0] } ?? [])
        self.recorder = observers.isEmpty ? pledges : ObservedRecorder(pledges, observers: observers)
        self.lookup = pledges
        self.counter = pledges
        self.recordedKeys = recordedKeys
        self.changes = changes
        self.configuration = configuration
        self.links = links
        self.pages = pages
        self.certificates = certificates
        self.documentCacheCapacity = documentCacheCapacity
        self.kiosks = kiosks
        self.organizer = organizer
        self.organizerAccess = OrganizerAccess(token: organizerToken ?? configuration.organizerToken)
        self.kioskAccess = KioskAccess(token: configuration.kioskToken)
        self.live = live
        self.metrics = metrics
        self.readiness = readiness
    }
}

extension KioskServiceParts {
    /// The presence page, QR and poster of `presence` (``PresenceRoutes``): linked to the hub when
    /// the event is (its code tag and link state), the poster from the event's certificate template
    /// folder. One value, so the page, the fronts' welcome screens and the heartbeat answer show the
    /// same link (``PresenceRoutes/currentLink(at:)``).
    public func presenceRoutes(_ presence: PresenceCodes) -> PresenceRoutes {
        var linked: PresenceRoutes.Linked? = nil
        if let issuer = codeIssuer, let hub { linked = .init(codeTag: issuer.tag, status: hub) }
        return PresenceRoutes(
            presence: presence, links: links, eventName: configuration.name, linked: linked,
            posterTemplates: (
                configuration.certificateTemplatesFolder, "\(configuration.place) · \(configuration.displayDate.vi)"
            ))
    }
}

/// The router with every route of the service:
/// `POST /api/pledges`, `GET /api/counts`, `GET /c/{code}`, `/c/{code}/qr.svg`, `/c/{code}/qr.png`,
/// `GET /c/{code}.svg|.png|.pdf`, `GET /v`, `GET /resources`, `GET /resources/{id}/qr.svg`, `GET /livez`, `GET /readyz`,
/// `GET /healthz`, `GET /metrics` (``HealthRoutes``),
/// `GET /api/kiosk-config`, `POST /api/kiosks/{id}/heartbeat`; with a signer finder and a kiosk
/// token, `POST /api/pledges/search` (``SignerSearchRoutes``); with presence codes the web pledge
/// flow (`/p`, `/presence`) and, with a kiosk token too, its tablet kiosk mode (`/tablet`,
/// ``TabletKioskRoutes``); with an organizer service also
/// `GET /admin`, `/api/organizer/…` (counts, kiosks, exports), `GET /api/public/counts`, `GET /live`,
/// `/live/events` and `GET|POST /c/{code}/erase`. Every GET route also answers HEAD; another
/// method on a route's path gets 405 with `Allow`; a request without exactly one `Host`, 400.
public func buildRouter(_ parts: KioskServiceParts) -> Router<KioskRequestContext> {
    // HEAD on every GET route: the GET's status and headers (its Content-Length where known), no
    // body (RFC 9110, 9.3.2); the body of a streamed GET is never produced.
    let router = Router(context: KioskRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: ProblemDetailsMiddleware())
    router.add(middleware: HostFieldMiddleware())
    router.add(middleware: NotFoundLimiter(perMinute: parts.notFoundLimit.perMinute, burst: parts.notFoundLimit.burst))
    HealthRoutes(
        readiness: parts.readiness, counter: parts.counter, metrics: parts.metrics, organizer: parts.organizerAccess,
        live: parts.live, kiosks: parts.kiosks, kioskIDsAreAuthenticated: parts.kioskAccess.isConfigured
    ).add(to: router)
    OpenAPIRoute.add(to: router)
    router.get("/") { _, _ in
        Response(status: .seeOther, headers: [.location: "/resources"])
    }
    // Per kiosk id, for the API's fronts and the tablets in kiosk mode alike.
    let kioskLimiter = KioskRateLimiter(parts.configuration.rateLimit)
    PledgeRoutes(
        recorder: parts.recorder, counter: parts.counter, limiter: kioskLimiter,
        recordedKeys: parts.recordedKeys, access: parts.kioskAccess, metrics: parts.metrics
    ).add(to: router)
    let presence = parts.presence.map(parts.presenceRoutes)
    KioskRoutes(
        registry: parts.kiosks,
        answer: {
            KioskConfigAnswer(
                certificateBaseURL: parts.links.baseURL, eventID: parts.configuration.eventID,
                codeIssuer: parts.codeIssuer, presenceLink: await presence?.currentLink(at: Date()),
                retainPersonalDataUntil: parts.configuration.retainPersonalDataUntil)
        },
        organizer: parts.organizerAccess, kiosks: parts.kioskAccess
    ).add(to: router)
    // Names only to a front that proves the kiosk token: never on a service without one.
    if let signers = parts.signers, parts.kioskAccess.isConfigured {
        SignerSearchRoutes(finder: signers, access: parts.kioskAccess).add(to: router)
    }
    let certificates = CertificateSite(
        lookup: parts.lookup, changes: parts.changes, configuration: parts.configuration, links: parts.links,
        pages: parts.pages, renderer: parts.certificates, pageCacheCapacity: parts.pageCacheCapacity,
        documentCacheCapacity: parts.documentCacheCapacity)
    certificates.add(to: router)
    ResourcesRoutes(configuration: parts.configuration, pages: parts.pages).add(to: router)
    if let organizer = parts.organizer {
        OrganizerRoutes(
            organizer: organizer, access: parts.organizerAccess, configuration: parts.configuration, hub: parts.hub
        ).add(to: router)
        ErasureRoutes(
            lookup: parts.lookup, erasure: OrganizerErasure(organizer: organizer), site: certificates,
            afterErasure: parts.afterErasure
        ).add(to: router)
    }
    if let codes = parts.presence, let presence {
        let event = EventPledgeFlow(
            recorder: parts.recorder, recordedKeys: parts.recordedKeys, presence: codes,
            configuration: parts.configuration)
        let phones = PhonePledgeRoutes(site: event)
        phones.add(to: router)
        // The tablet kiosk mode needs the kiosk token: without one, no tablet can be authorised.
        if let pass = TabletPass(kioskToken: parts.configuration.kioskToken, eventID: parts.configuration.eventID) {
            TabletKioskRoutes(
                flow: phones, event: event, pass: pass, isKioskToken: parts.kioskAccess.accepts, links: parts.links,
                timeouts: parts.tabletTimeouts, perKiosk: kioskLimiter
            ).add(to: router)
        }
        presence.add(to: router)
    }
    if let live = parts.live {
        LiveRoutes(live: live, configuration: parts.configuration, presence: presence?.linkSource).add(to: router)
    }
    // Last, after every route: in front of the not-found responder only (see the type).
    router.add(middleware: AllowedMethodsMiddleware(routes: router.routes))
    return router
}

/// The service as a Hummingbird application listening on `host:port` (port 0: any free port),
/// hardened as every service of the project is (``hardenedApplication(router:host:port:serverName:logger:idleTimeout:requestDeadlines:answers:connections:services:onServerRunning:)``:
/// idle timeout, request deadlines with 408, pipelining back-pressure, heap trimming), its
/// connections counted in its metrics. `onServerRunning` receives the port actually bound.
public func buildApplication(
    _ parts: KioskServiceParts, host: String, port: Int, logger: Logger,
    idleTimeout: Duration = .seconds(30), requestDeadlines: RequestDeadlines = .standard,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    hardenedApplication(
        router: buildRouter(parts), host: host, port: port, serverName: "khong-mot-minh-kiosk", logger: logger,
        idleTimeout: idleTimeout, requestDeadlines: requestDeadlines, answers: .problemDetails,
        connections: parts.metrics, onServerRunning: onServerRunning)
}

/// The organizer service's erasure, as the signer's erasure routes ask for it.
struct OrganizerErasure: SignerErasure {
    let organizer: any OrganizerService

    func erasePersonalData(code: CertificateCode) async throws(PledgeError) -> Bool {
        try await organizer.erasePersonalData(code: code)
    }
}

/// The services that must run beside the HTTP application so that a graceful shutdown is prompt:
/// with a live counter, one that closes its streams so open `/live/events` viewers do not hold up
/// the server's drain. Put them after the application in a `ServiceGroup` (it stops in reverse).
public func shutdownCompanions(for parts: KioskServiceParts) -> [any Service] {
    parts.live.map { [LiveShutdown(live: $0)] } ?? []
}
