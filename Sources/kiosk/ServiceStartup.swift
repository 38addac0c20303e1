import Foundation
import KioskService
import Logging
import PledgeKit
import PledgeStore

/// The parts of a running kiosk service, opened from the command-line options.
struct ServiceStartup {
    let configuration: EventConfiguration
    let store: PledgeStore
    let parts: KioskServiceParts
    let host: String
    let port: Int

    init(_ options: ServiceOptions) throws {
        let configuration = try options.store.loadConfiguration()
        let host = options.host ?? configuration.host
        var port = options.port ?? configuration.port
        if port == 0 {
            port = try NetworkAddress.freePort(host: host)
        }
        let base = configuration.publicBaseURL ?? "http://\(NetworkAddress.reachableHost(listeningOn: host)):\(port)"
        let links: CertificateLinks
        do { links = try CertificateLinks(baseURL: base) } catch { throw CLIError(error.message.en) }
        let pages: PageTemplates
        do { pages = try PageTemplates(folder: configuration.templatesFolder) } catch {
            throw CLIError("template: \(error)")
        }
        try options.store.prepareDatabaseFolder()
        let store: PledgeStore
        do {
            store = try PledgeStore(
                path: options.store.database, eventID: configuration.eventID,
                defaultKioskID: configuration.kioskID, links: links)
        } catch {
            throw CLIError("cannot open the database \(options.store.database): \(error)")
        }
        self.configuration = configuration
        self.store = store
        self.parts = KioskServiceParts(
            service: store, configuration: configuration, links: links, pages: pages, organizer: store,
            organizerToken: configuration.organizerToken)
        self.host = host
        self.port = port
    }

    /// The line printed when the service is up; tests read the port from it.
    func listeningLine(port: Int) -> String {
        "kiosk: listening on http://\(host):\(port) · certificate links: \(parts.links.qrBaseURL)/C/…"
    }
}
