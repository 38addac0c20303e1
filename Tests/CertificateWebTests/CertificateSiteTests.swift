import CertificateWeb
import Certificates
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskConfiguration
import KioskHTTP
import KioskPages
import KioskTestSupport
import NIOCore
import PledgeKit
import Testing

/// The seam the national hub needs: the certificate routes served over a store that is not the
/// kiosk's SQLite file (here a dictionary), added to a router the test builds, without the
/// kiosk service.
@Suite("Certificate routes over another store")
struct CertificateSiteTests {
    /// Pledges in memory, by code: a `PledgeLookup` that is not the SQLite store.
    struct MemoryLookup: PledgeLookup {
        let pledges: [CertificateCode: Pledge]
        func pledge(code: CertificateCode) async throws(PledgeError) -> Pledge? { pledges[code] }
    }

    static let links = try! CertificateLinks(baseURL: "https://hub.example.vn")

    static func pledge(name: String) -> Pledge {
        var generator = SystemRandomNumberGenerator()
        return Pledge(
            id: UUID(), eventID: "hub-test", kioskID: "kiosk-hub", number: 42, name: name, ageBand: .from18To24,
            province: nil, school: nil, guardianConsent: false, createdAt: Date(),
            code: CertificateCode.random(using: &generator))
    }

    /// A router with only the certificate routes (and the problem-details middleware), over `lookup`.
    static func router(_ lookup: some PledgeLookup) throws -> Router<KioskRequestContext> {
        let configuration = try EventConfiguration.load(from: RepositoryPaths.defaultConfiguration)
        let site = CertificateSite(
            lookup: lookup, changes: nil, configuration: configuration, links: links,
            pages: try PageTemplates(folder: configuration.templatesFolder),
            renderer: CertificateRenderer(
                templates: try CertificateTemplates(folder: configuration.certificateTemplatesFolder)))
        let router = Router(context: KioskRequestContext.self)
        router.add(middleware: ProblemDetailsMiddleware())
        site.add(to: router)
        return router
    }

    @Test("The page, the QR, a document, 404 for an unknown code and 304 on If-None-Match")
    func servedOverAnotherLookup() async throws {
        let pledge = Self.pledge(name: "Đỗ Hữu Nghĩa")
        let code = pledge.code.rawValue
        let app = Application(router: try Self.router(MemoryLookup(pledges: [pledge.code: pledge])))
        try await app.test(.router) { client in
            let page = try await client.executeRequest(uri: "/c/\(code)", method: .get, headers: [:], body: nil)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(String(buffer: page.body).contains("Đỗ Hữu Nghĩa"))
            let etag = try #require(page.headers[.eTag])
            let again = try await client.executeRequest(
                uri: "/c/\(code)", method: .get, headers: [.ifNoneMatch: etag], body: nil)
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)

            let qr = try await client.executeRequest(uri: "/c/\(code)/qr.png", method: .get, headers: [:], body: nil)
            #expect(qr.status == .ok)
            #expect(qr.headers[.contentType] == "image/png")
            let file = temporaryDirectory("hub-qr").appendingPathComponent("qr.png")
            try Data(qr.body.readableBytesView).write(to: file)
            #expect(try QRDecoder.zbar(imageAt: file.path) == [Self.links.certificateURL(for: pledge.code)])

            let pdf = try await client.executeRequest(uri: "/c/\(code).pdf", method: .get, headers: [:], body: nil)
            #expect(pdf.status == .ok)
            #expect(pdf.headers[.contentType] == "application/pdf")
            #expect(Array(pdf.body.readableBytesView.prefix(5)) == Array("%PDF-".utf8))

            var generator = SystemRandomNumberGenerator()
            let unknown = CertificateCode.random(using: &generator).rawValue
            for path in ["/c/\(unknown)", "/c/\(unknown)/qr.png", "/c/\(unknown).pdf"] {
                let missing = try await client.executeRequest(uri: path, method: .get, headers: [:], body: nil)
                #expect(missing.status == .notFound, "\(path)")
                #expect(missing.headers[.contentType]?.hasPrefix("application/problem+json") == true, "\(path)")
            }
            // A person who typed a wrong code in a browser gets a page.
            let browser = try await client.executeRequest(
                uri: "/c/\(unknown)", method: .get, headers: [.accept: "text/html"], body: nil)
            #expect(browser.status == .notFound)
            #expect(browser.headers[.contentType] == "text/html; charset=utf-8")
        }
    }
}
