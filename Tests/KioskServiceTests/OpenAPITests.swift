import Foundation
import Hummingbird
import KioskService
import KioskTestSupport
import PledgeKit
import Testing

/// `openapi.json` (OpenAPI 3.1) lists every route the router has, and the service serves it.
@Suite("OpenAPI document")
struct OpenAPITests {
    static let document = RepositoryPaths.root.appendingPathComponent("Sources/KioskService/openapi.json")

    /// "/c/:code" and "/c/{code}" as OpenAPI writes it: "/c/{code}".
    static func openAPIPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part -> String in
            if part.hasPrefix(":") { return "{\(part.dropFirst())}" }
            return String(part)
        }.joined(separator: "/")
    }

    @Test func everyRouteOfTheRouterIsDocumented() async throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.document)) as? [String: Any] ?? [:]
        #expect(json["openapi"] as? String == "3.1.0")
        let paths = (json["paths"] as? [String: [String: Any]] ?? [:]).mapValues { Set($0.keys) }
        // With a kiosk token, so the tablet kiosk mode's routes are there too.
        try await TestService.with(configure: KioskTokenTests.withToken) { server in
            let routes = server.routes()
            #expect(routes.count > 20)
            var missing: [String] = []
            for (method, path) in routes {
                let documented = paths[Self.openAPIPath(path)]?.contains(method.lowercased()) == true
                if !documented { missing.append("\(method) \(Self.openAPIPath(path))") }
            }
            #expect(missing.isEmpty, "routes missing from openapi.json: \(missing)")
        }
    }

    @Test func everyGetAlsoAnswersHeadAndEveryOperationMayTimeOut() throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.document)) as? [String: Any] ?? [:]
        let paths = json["paths"] as? [String: [String: [String: Any]]] ?? [:]
        #expect(paths.count > 20)
        for (path, operations) in paths {
            #expect((operations["get"] == nil) == (operations["head"] == nil), "GET and HEAD of \(path)")
            for (method, operation) in operations {
                let responses = operation["responses"] as? [String: Any] ?? [:]
                #expect(responses["408"] != nil, "408 of \(method) \(path)")
            }
        }
        let breakdown = (json["components"] as? [String: Any]).flatMap { $0["schemas"] as? [String: Any] }?["Breakdown"]
        #expect(breakdown != nil)
    }

    @Test func theServiceServesTheDocument() async throws {
        try await TestService.with { server in
            let answer = try await server.get("/openapi.json")
            #expect(answer.status == 200)
            #expect(answer.contentType.hasPrefix("application/json"))
            #expect(answer.body == (try Data(contentsOf: Self.document)))
        }
    }
}
