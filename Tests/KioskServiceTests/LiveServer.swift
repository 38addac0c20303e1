import Certificates
import Foundation
import Hummingbird
import KioskConfiguration
import KioskPages
import KioskService
import KioskTestSupport
import Logging
import PledgeKit
import PledgeStore
import ServerHardening
import ServiceLifecycle

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The kiosk service on a real loopback port, with a real SQLite file, for one test.
struct LiveServer: Sendable {
    let port: Int
    let store: PledgeStore
    let links: CertificateLinks
    let parts: KioskServiceParts

    /// Every (method, path) the service's router has.
    func routes() -> [(String, String)] {
        buildRouter(parts).routes.map { ($0.method.rawValue, "\($0.path)") }
    }

    static let baseURL = "http://kiosk.example.vn"
    static let organizerToken = "test-organizer-token-0123456789"

    /// Starts the service on 127.0.0.1 with a free port, runs `body`, then stops the service.
    static func with<T: Sendable>(
        idleTimeout: Duration = .seconds(30), requestDeadlines: RequestDeadlines = .standard,
        organizerToken: String? = LiveServer.organizerToken,
        configure: (inout EventConfiguration) -> Void = { _ in },
        notFoundLimit: EventConfiguration.RateLimit = .init(perMinute: 300, burst: 300),
        _ body: @Sendable (LiveServer) async throws -> T
    ) async throws -> T {
        var configuration = try EventConfiguration.load(from: RepositoryPaths.defaultConfiguration)
        configure(&configuration)
        let links = try CertificateLinks(baseURL: baseURL)
        let file = temporaryDirectory("service").appendingPathComponent("pledges.sqlite").path
        let metrics = ServiceMetrics()
        let store = try PledgeStore(
            path: file, eventID: "test-event", defaultKioskID: "kiosk-test", links: links, metrics: metrics.factory)
        var parts = KioskServiceParts(
            pledges: store, recordedKeys: store, changes: store, configuration: configuration, links: links,
            pages: try PageTemplates(folder: configuration.templatesFolder),
            certificates: CertificateRenderer(
                templates: try CertificateTemplates(folder: configuration.certificateTemplatesFolder)),
            kiosks: store, organizer: store, organizerToken: organizerToken, metrics: metrics, readiness: store)
        parts.notFoundLimit = notFoundLimit
        let builtParts = parts
        var logger = Logger(label: "kiosk-test")
        logger.logLevel = .error
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = buildApplication(
            parts, host: "127.0.0.1", port: 0, logger: logger, idleTimeout: idleTimeout,
            requestDeadlines: requestDeadlines
        ) {
            port in
            continuation.yield(port)
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
                result = try await body(LiveServer(port: port, store: store, links: links, parts: builtParts))
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return result
        }
    }

    struct Answer: Sendable {
        let status: Int
        let headers: [String: String]
        let body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        var contentType: String { headers["content-type"] ?? "" }
        func json() throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: body) as? [String: Any] ?? [:]
        }
    }

    func request(
        _ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:]
    ) async throws -> Answer {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            fields[String(describing: name).lowercased()] = String(describing: value)
        }
        return Answer(status: http.statusCode, headers: fields, body: data)
    }

    func get(_ path: String) async throws -> Answer { try await request("GET", path) }

    /// Posts a pledge body (JSON text or raw bytes) with an idempotency key.
    func postPledge(_ body: String, key: String = UUID().uuidString) async throws -> Answer {
        try await postPledge(Data(body.utf8), key: key)
    }

    func postPledge(_ body: Data, key: String = UUID().uuidString) async throws -> Answer {
        try await request(
            "POST", "/api/pledges", body: body,
            headers: ["Content-Type": "application/json", "Idempotency-Key": key])
    }
}
