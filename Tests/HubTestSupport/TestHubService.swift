import Certificates
import Foundation
import HubCore
import HubService
import HubStore
import Hummingbird
import KioskConfiguration
import KioskHTTP
import KioskPages
import KioskTestSupport
import LiveWeb
import Logging
import PledgeKit

/// The real hub for tests: its store on a fresh PostgreSQL database (``TestPostgres``), its
/// router with the repository's campaign configuration, and events registered as
/// `kiosk hub add-event` registers them. Shared by the hub's service tests and the relay's.
public enum TestHubService {
    /// The hub's public base of certificate links in tests.
    public static let links = try! CertificateLinks(baseURL: "https://khongmotminh.vn")

    /// Runs `body` with a hub store on a database of its own, dropped afterwards; listening for
    /// changes, with its change stamp, as `kiosk hub serve` runs it.
    /// - Throws: ``TestPostgres/Unavailable`` when no PostgreSQL is reachable (run inside
    ///   `pg_virtualenv`, as `make test` does), and what `body` throws.
    public static func withStore(_ body: (HubStore) async throws -> Void) async throws {
        try await TestPostgres.withDatabase { database in
            let configuration = try HubStoreConfiguration(url: database.url, environment: [:])
            try await withHubStore(configuration, logger: Logger(label: "hub-test"), listen: true) { store in
                try await body(store)
            }
        }
    }

    /// The hub's router over `store` (``buildHubRouter(_:)``) with its change stamp, the
    /// repository's campaign configuration, page templates and certificate renderer; `records`
    /// stands in for the store's reads and writes when given (a test counting them); with `live`
    /// (``liveCounter(_:)``), the live counter's routes; `trustedProxies`: the reverse proxies
    /// whose `X-Forwarded-For` is believed.
    public static func router(
        _ store: HubStore, records: (any HubRecords)? = nil, live: LiveCounter? = nil, trustedProxies: [String] = []
    ) throws -> Router<KioskRequestContext> {
        buildHubRouter(try parts(store, records: records, live: live, trustedProxies: trustedProxies))
    }

    /// The parts ``router(_:records:live:trustedProxies:)`` builds the hub's router of, for a whole hub
    /// application (`buildHubApplication`, hardened as `kiosk hub serve` runs it).
    public static func parts(
        _ store: HubStore, records: (any HubRecords)? = nil, live: LiveCounter? = nil, trustedProxies: [String] = []
    ) throws -> HubServiceParts {
        let campaign = try EventConfiguration.load(from: RepositoryPaths.defaultConfiguration)
        var parts = HubServiceParts(
            records: records ?? store, links: links, campaign: campaign,
            pages: try PageTemplates(folder: campaign.templatesFolder),
            certificates: CertificateRenderer(
                templates: try CertificateTemplates(folder: campaign.certificateTemplatesFolder)),
            changes: store)
        parts.webPledges = store
        parts.organizers = store
        parts.live = live
        parts.trustedProxies = trustedProxies
        return parts
    }

    /// The national live counter of `store`'s hub process, as `kiosk hub serve` makes it: it reads
    /// ``HubLiveTotals`` and refreshes on the store's count notifications (the store must listen).
    public static func liveCounter(_ store: HubStore) -> LiveCounter {
        let live = LiveCounter(source: HubLiveTotals(records: store))
        store.observeCounts { live.pledgeCommitted() }
        return live
    }

    /// Registers event `id` at the hub as `kiosk hub add-event` does, in `province`, with `token`
    /// (a new one when nil); returns the token.
    @discardableResult
    public static func addEvent(
        _ id: String, name: String, place: String = "Đà Nẵng", province: String = "Đà Nẵng",
        date: CivilDate = CivilDate(year: 2026, month: 3, day: 26), token: SyncToken? = nil, to store: HubStore
    ) async throws -> SyncToken {
        let token = token ?? SyncToken.random(tag: CertificateCode.randomTag())
        let event = HubEvent(
            id: EventID(id)!, name: name, province: Province(matching: province)!, date: date, place: place,
            codeTag: token.codeTag, codeKey: token.codeKey, retainPersonalDataUntil: nil)
        try await store.addEvent(event, tokenHash: token.storageHash)
        return token
    }
}
