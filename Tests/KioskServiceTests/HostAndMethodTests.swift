import HTTPTypes
import Hummingbird
import KioskHTTP
import KioskTestSupport
import Testing

@testable import KioskService
@testable import ServerHardening

/// `Host` is required and single (RFC 9112, 3.2); a method a path does not take gets 405 with
/// `Allow` made from the router's routes (the socket-level cases are in the bad-input corpus).
@Suite("Host field and allowed methods")
struct HostAndMethodTests {
    @Test(
        "Host values",
        arguments: [
            ("127.0.0.1", true), ("127.0.0.1:8080", true), ("kiosk.example.vn", true), ("[::1]:8080", true),
            ("[fe80::1]", true), ("", true), ("xn--h-nhi-9ua.vn", true), ("a b", false), ("a/b", false),
            ("x@y", false), ("host:port", false), ("[::1", false), ("hà-nội.vn", false), ("[]", false),
            ("a:65535", true), ("a:", true), ("a:65536", false), ("a:99999999999", false), ("[::1]:123456", false),
        ])
    func hostValues(_ host: String, _ valid: Bool) {
        #expect(HostFieldMiddleware<KioskRequestContext>.isValid(host) == valid)
    }

    @Test func allowedMethodsComeFromTheRoutes() async throws {
        try await TestService.with { server in
            let allowed = AllowedMethodsMiddleware<KioskRequestContext>(routes: buildRouter(server.parts).routes)
            #expect(allowed.allowed("/api/pledges") == [.post])
            #expect(allowed.allowed("/api/counts") == [.get, .head])
            #expect(allowed.allowed("/c/7KQ2MX4P9TZAB3CD") == [.get, .head])
            #expect(allowed.allowed("/c/7KQ2MX4P9TZAB3CD/erase") == [.get, .head, .post])
            #expect(allowed.allowed("/api/kiosks/k1/heartbeat") == [.post])
            #expect(allowed.allowed("/nowhere") == nil)
            // Every route's own method is allowed on its path, so the middleware never hides a route.
            for route in buildRouter(server.parts).routes {
                let path = route.path.description.replacing(/\{[a-z]+\}|:[a-z]+/, with: "7KQ2MX4P9TZAB3CD")
                #expect(allowed.allowed(path)?.contains(route.method) == true, "\(route)")
            }
        }
    }

    @Test func aRequestWithoutOrWithTwoHostsGets400AndAWrongMethod405() async throws {
        try await TestService.with { server in
            let answer = try await server.request("PATCH", "/api/counts")
            #expect(answer.status == 405)
            #expect(answer.headers["allow"] == "GET, HEAD")
            #expect(try answer.json()["code"] as? String == "method-not-allowed")
            // HEAD still answers every GET route.
            #expect(try await server.request("HEAD", "/api/counts").status == 200)
            #expect(try await server.get("/nowhere").status == 404)
        }
    }
}
