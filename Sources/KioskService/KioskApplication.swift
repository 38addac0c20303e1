import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PledgeKit

/// Everything the HTTP service needs, made once at start-up.
public struct KioskServiceParts: Sendable {
    public var service: any PledgeService
    public var configuration: EventConfiguration
    public var links: CertificateLinks
    public var pages: PageTemplates
    /// Counts, exports and erasure for organizers; nil: no organizer routes, no live counter.
    public var organizer: (any OrganizerService)?
    public var organizerAccess: OrganizerAccess
    /// The live counter; when there is one, ``service`` tells it about every committed pledge.
    public var live: LiveCounter?

    /// - Parameters:
    ///   - organizer: enables `/admin`, `/api/organizer/…`, `/api/public/counts`, `/live` and erasure.
    ///   - organizerToken: the bearer token of the organizer routes (nil: they answer 503).
    public init(
        service: any PledgeService, configuration: EventConfiguration, links: CertificateLinks, pages: PageTemplates,
        organizer: (any OrganizerService)? = nil, organizerToken: String? = nil
    ) {
        let live = organizer.map { LiveCounter(source: $0) }
        self.service = live.map { CommitNotifyingService(base: service, live: $0) } ?? service
        self.configuration = configuration
        self.links = links
        self.pages = pages
        self.organizer = organizer
        self.organizerAccess = OrganizerAccess(token: organizerToken)
        self.live = live
    }
}

/// The router with every route of the service:
/// `POST /api/pledges`, `GET /api/counts`, `GET /c/{code}`, `/c/{code}/qr.svg`, `/c/{code}/qr.png`,
/// `GET /resources`, `GET /resources/{id}/qr.svg`, `GET /healthz`; with an organizer service also
/// `GET /admin`, `/api/organizer/…`, `GET /api/public/counts`, `GET /live`, `/live/events` and
/// `GET|POST /c/{code}/erase`.
public func buildRouter(_ parts: KioskServiceParts) -> Router<KioskRequestContext> {
    let router = Router(context: KioskRequestContext.self)
    router.add(middleware: ProblemDetailsMiddleware())
    router.get("/healthz") { _, _ in
        _ = try await PledgeRoutes(service: parts.service).counts()
        return try jsonResponse(["status": "ok"])
    }
    router.get("/") { _, _ in
        Response(status: .seeOther, headers: [.location: "/resources"])
    }
    PledgeRoutes(service: parts.service).add(to: router)
    CertificateRoutes(
        service: parts.service, configuration: parts.configuration, links: parts.links, pages: parts.pages
    )
    .add(to: router)
    ResourcesPage(configuration: parts.configuration, pages: parts.pages).add(to: router)
    if let organizer = parts.organizer {
        OrganizerRoutes(organizer: organizer, access: parts.organizerAccess, configuration: parts.configuration)
            .add(to: router)
        ErasureRoutes(service: parts.service, organizer: organizer).add(to: router)
    }
    if let live = parts.live {
        LiveRoutes(live: live, configuration: parts.configuration).add(to: router)
    }
    return router
}

/// The service as a Hummingbird application listening on `host:port` (port 0: any free port).
/// `onServerRunning` receives the port actually bound.
public func buildApplication(
    _ parts: KioskServiceParts, host: String, port: Int, logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(parts),
        configuration: .init(address: .hostname(host, port: port), serverName: "khong-mot-minh-kiosk"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
        logger: logger
    )
}
