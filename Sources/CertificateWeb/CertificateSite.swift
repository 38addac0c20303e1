import Certificates
import Hummingbird
import KioskHTTP
import KioskPages
import PledgeKit

/// The certificate routes as one collection, for any service that can find pledges by code: the
/// kiosk service over its SQLite store, and a service over another store (the national hub).
///
/// Adds `GET /c/{code}` (the page; `/C/…` too), `/c/{code}/qr.svg`, `/c/{code}/qr.png`,
/// `/c/{code}.svg|.png|.pdf` (with a renderer; without one they answer 404) and `GET /v` (the
/// code typed by hand). Pages, QR images and documents are answered with strong ETags (304 on
/// `If-None-Match`) from two bounded caches whose keys start with `CODE/`, so
/// ``forget(_:)`` drops every copy of one code (after an erasure). Put a ``NotFoundLimiter`` on
/// the router to slow down code guessing.
public struct CertificateSite: Sendable {
    let routes: CertificateRoutes
    let documents: CertificateDocumentRoutes?
    let verify: VerifyRoutes
    /// Certificate pages and QR images (a page is about 15 KB, a QR PNG under 1 KB).
    public let pageCache: DocumentCache
    /// Rendered documents (a PNG is about 100–250 KB).
    public let documentCache: DocumentCache

    /// The certificates of one event (the event service).
    /// - Parameters:
    ///   - lookup: finds a pledge by its certificate code (the store).
    ///   - changes: tells when a pledge read may have changed, so a pledge is read once per
    ///     commit, not once per request; nil: it is read on every request.
    ///   - configuration: the event every pledge was made at.
    ///   - pages: the event's page templates (certificate, verify, not found).
    ///   - renderer: renders the documents; nil: `/c/{code}.svg|.png|.pdf` answer 404.
    ///   - pageCacheCapacity, documentCacheCapacity: the most bytes each cache keeps.
    public init(
        lookup: any PledgeLookup, changes: (any ChangeStamping)?, configuration: EventConfiguration,
        links: CertificateLinks, pages: PageTemplates, renderer: CertificateRenderer?,
        pageCacheCapacity: Int = 16 << 20, documentCacheCapacity: Int = 64 << 20
    ) {
        self.init(
            lookup: lookup, changes: changes, events: OneEvent(configuration), links: links, pages: pages,
            renderer: renderer, pageCacheCapacity: pageCacheCapacity, documentCacheCapacity: documentCacheCapacity)
    }

    /// The certificates of pledges made at many events (the national hub): each page shows its
    /// pledge's event (``CertificateEvents/configuration(for:)``), and a code an event issued
    /// whose pledge has not arrived gets the page "issued at EVENT, on its way"
    /// (``CertificateEvents/eventAwaited(code:)``), 200, never "not genuine".
    public init(
        lookup: any PledgeLookup, changes: (any ChangeStamping)?, events: any CertificateEvents,
        links: CertificateLinks, pages: PageTemplates, renderer: CertificateRenderer?,
        pageCacheCapacity: Int = 16 << 20, documentCacheCapacity: Int = 64 << 20
    ) {
        let pageCache = DocumentCache(capacity: pageCacheCapacity)
        let documentCache = DocumentCache(capacity: documentCacheCapacity)
        let routes = CertificateRoutes(
            lookup: lookup, stamps: changes, events: events, links: links, pages: pages,
            renderer: renderer, cache: pageCache, recent: RecentPledges())
        self.pageCache = pageCache
        self.documentCache = documentCache
        self.routes = routes
        documents = renderer.map { CertificateDocumentRoutes(routes: routes, renderer: $0, cache: documentCache) }
        verify = VerifyRoutes(lookup: lookup, events: events, pages: pages)
    }

    /// Adds the routes to `router`.
    public func add(to router: Router<KioskRequestContext>) {
        routes.add(to: router)
        documents?.add(to: router)
        verify.add(to: router)
    }

    /// Drops every cached page, QR image and document of `code`: after its name was erased, no
    /// copy of it stays in memory. Returns how many there were.
    @discardableResult
    public func forget(_ code: CertificateCode) -> Int {
        pageCache.removeDocuments(withPrefix: "\(code.rawValue)/")
            + documentCache.removeDocuments(withPrefix: "\(code.rawValue)/")
    }
}
