import Certificates
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskConfiguration
import KioskPages
import KioskService
import KioskTestSupport
import Logging
import NIOCore
import PledgeKit
import PledgeStore
import ServerHardening
import ServiceLifecycle

/// The kiosk service with a real SQLite file, for one test: requests go through its router in
/// process (HummingbirdTesting, no socket), or, for what needs a connection (deadlines,
/// pipelining, Server-Sent Events, the front's own client), to a real server on a loopback port.
struct TestService: Sendable {
    /// How requests reach the service.
    enum Transport: Sendable {
        /// Straight to the router, in process (`app.test(.router)`): status, headers and body.
        case router
        /// A server on 127.0.0.1 with a free port, driven with ``LoopbackHTTP``.
        case live
    }

    private let livePort: Int?
    private let client: (any TestClientProtocol)?
    let store: PledgeStore
    let links: CertificateLinks
    let parts: KioskServiceParts

    /// The loopback port of a `.live` service.
    var port: Int {
        guard let livePort else { preconditionFailure("a socket needs TestService.with(transport: .live)") }
        return livePort
    }

    /// Every (method, path) the service's router has.
    func routes() -> [(String, String)] {
        buildRouter(parts).routes.map { ($0.method.rawValue, "\($0.path)") }
    }

    static let baseURL = "http://kiosk.example.vn"
    static let organizerToken = "test-organizer-token-0123456789"

    /// Builds the service, runs `body` with it, then stops it.
    /// - Parameters:
    ///   - codeIssuer: the codes of an event linked to the hub (store and `/api/kiosk-config`).
    ///   - tabletTimeouts: the tablet kiosk mode's idle, countdown and done times.
    static func with<T: Sendable>(
        transport: Transport = .router,
        idleTimeout: Duration = .seconds(30), requestDeadlines: RequestDeadlines = .standard,
        organizerToken: String? = TestService.organizerToken,
        configure: (inout EventConfiguration) -> Void = { _ in },
        notFoundLimit: EventConfiguration.RateLimit = .init(perMinute: 300, burst: 300),
        codeIssuer: CodeIssuer? = nil, tabletTimeouts: KioskTimeouts = KioskTimeouts(),
        _ body: @Sendable (TestService) async throws -> T
    ) async throws -> T {
        var configuration = try EventConfiguration.load(from: RepositoryPaths.defaultConfiguration)
        configure(&configuration)
        let links = try CertificateLinks(baseURL: baseURL)
        let file = temporaryDirectory("service").appendingPathComponent("pledges.sqlite").path
        let metrics = ServiceMetrics()
        let store = try PledgeStore(
            path: file, eventID: "test-event", defaultKioskID: "kiosk-test", links: links, metrics: metrics.factory,
            codeIssuer: codeIssuer, retentionDeadline: configuration.retentionDeadline)
        var parts = KioskServiceParts(
            pledges: store, recordedKeys: store, changes: store, configuration: configuration, links: links,
            pages: try PageTemplates(folder: configuration.templatesFolder),
            certificates: CertificateRenderer(
                templates: try CertificateTemplates(folder: configuration.certificateTemplatesFolder)),
            kiosks: store, organizer: store, organizerToken: organizerToken, metrics: metrics, readiness: store)
        parts.notFoundLimit = notFoundLimit
        parts.codeIssuer = codeIssuer
        parts.presence = try store.presenceCodes()
        parts.tabletTimeouts = tabletTimeouts
        parts.signers = store
        let builtParts = parts
        var logger = Logger(label: "kiosk-test")
        logger.logLevel = .error
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = buildApplication(
            parts, host: "127.0.0.1", port: 0, logger: logger, idleTimeout: idleTimeout,
            requestDeadlines: requestDeadlines
        ) { port in
            continuation.yield(port)
        }
        if transport == .router {
            return try await app.test(.router) { client in
                try await body(
                    TestService(livePort: nil, client: client, store: store, links: links, parts: builtParts))
            }
        }
        let services = ServiceGroup(
            configuration: .init(services: [app] + shutdownCompanions(for: parts), logger: logger))
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await services.run()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            let result: T
            do {
                result = try await body(
                    TestService(livePort: port, client: nil, store: store, links: links, parts: builtParts))
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return result
        }
    }

    /// One request; redirects are not followed. Header names in `headers` are as sent; in the
    /// answer they are lower-cased.
    func request(
        _ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:]
    ) async throws -> HTTPAnswer {
        guard let client else {
            return try await LoopbackHTTP.request(port: port, method, path, headers: headers, body: body)
        }
        var fields = HTTPFields()
        for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        let answer = try await client.executeRequest(
            uri: path, method: HTTPRequest.Method(method)!, headers: fields, body: body.map { ByteBuffer(bytes: $0) })
        var lowered: [String: String] = [:]
        for field in answer.headers {
            let name = field.name.canonicalName
            lowered[name] = lowered[name].map { "\($0), \(field.value)" } ?? field.value
        }
        return HTTPAnswer(status: answer.status.code, headers: lowered, body: Data(answer.body.readableBytesView))
    }

    func get(_ path: String) async throws -> HTTPAnswer { try await request("GET", path) }

    /// Posts a pledge body (JSON text or raw bytes) with an idempotency key.
    func postPledge(_ body: String, key: String = UUID().uuidString) async throws -> HTTPAnswer {
        try await postPledge(Data(body.utf8), key: key)
    }

    func postPledge(_ body: Data, key: String = UUID().uuidString) async throws -> HTTPAnswer {
        try await request(
            "POST", "/api/pledges", body: body,
            headers: ["Content-Type": "application/json", "Idempotency-Key": key])
    }
}
