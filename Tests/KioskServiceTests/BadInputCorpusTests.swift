import Foundation
import KioskTestSupport
import PledgeKit
import PledgeStore
import Testing

/// One request nobody should send, as raw bytes on a socket.
struct BadInput: Sendable, CustomStringConvertible {
    let label: String
    let request: Data

    var description: String { label }

    /// - Parameter hosts: a `Host` line for each (none: no `Host`).
    init(
        _ label: String, method: String = "GET", path: String, version: String = "HTTP/1.1",
        hosts: [String] = ["127.0.0.1"], headers: [String] = [], body: Data? = nil
    ) {
        self.label = label
        var head = "\(method) \(path) \(version)\r\n"
        for host in hosts { head += "Host: \(host)\r\n" }
        head += "Connection: close\r\n"
        for header in headers { head += header + "\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        var bytes = Data((head + "\r\n").utf8)
        if let body { bytes.append(body) }
        request = bytes
    }

    /// A pledge POST with `body`, a fresh idempotency key unless `headers` names one.
    static func pledge(_ label: String, _ body: Data, headers: [String]? = nil) -> BadInput {
        BadInput(
            label, method: "POST", path: "/api/pledges",
            headers: headers ?? ["Content-Type: application/json", "Idempotency-Key: bad-\(UUID().uuidString)"],
            body: body)
    }

    static func pledge(_ label: String, json: String, headers: [String]? = nil) -> BadInput {
        pledge(label, Data(json.utf8), headers: headers)
    }
}

/// The corpus: at least 200 bad requests over every route family.
enum BadInputCorpus {
    static let valid: [String: String] = [
        "name": #""Nguyễn Văn An""#, "ageBand": #""18-24""#, "province": #""Hà Nội""#, "school": "null",
        "guardianConsent": "true",
    ]

    static let badValues: [(String, String)] = [
        ("number", "1"), ("negative", "-1"), ("huge number", "1e308"), ("overflowing number", "1e999"),
        ("long integer", "123456789012345678901234567890"), ("bool", "false"), ("array", "[1,2]"),
        ("object", #"{"a":1}"#), ("empty string", #""""#), ("NUL", #""a\u0000b""#),
        ("bidi override", #""\u202Eevil""#), ("10k string", "\"" + String(repeating: "x", count: 10_000) + "\""),
        ("lone surrogate", #""\uD800""#), ("markup", #""<script>alert(1)</script>""#),
    ]

    static func body(replacing field: String, with value: String?) -> String {
        var fields = valid
        fields[field] = value
        return "{" + fields.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    }

    static var all: [BadInput] {
        var cases: [BadInput] = []
        // Wrong types and values in every field, and each field missing.
        for field in valid.keys.sorted() {
            for (name, value) in badValues {
                cases.append(.pledge("\(field): \(name)", json: body(replacing: field, with: value)))
            }
            cases.append(.pledge("\(field): missing", json: body(replacing: field, with: nil)))
        }
        for (name, value) in badValues {
            cases.append(.pledge("code: \(name)", json: body(replacing: "code", with: value)))
        }
        // Broken bodies.
        let raw: [(String, Data)] = [
            ("empty", Data()), ("null", Data("null".utf8)), ("array", Data("[]".utf8)), ("number", Data("42".utf8)),
            ("truncated", Data(#"{"name":"An","ageBand":"#.utf8)), ("trailing garbage", Data(#"{}}}"#.utf8)),
            ("invalid UTF-8", Data([0x7B, 0x22, 0x6E, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0xFF, 0x22, 0x7D])),
            (
                "invalid UTF-8 in name",
                Data(#"{"ageBand":"18-24","name":""#.utf8) + Data([0xED, 0xA0, 0x80]) + Data(#""}"#.utf8)
            ),
            ("UTF-16", Data(#"{"ageBand":"18-24"}"#.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })),
            ("NUL bytes", Data(repeating: 0, count: 512)),
            ("deep nesting", Data((String(repeating: "[", count: 100_000)).utf8)),
            ("deep objects", Data(String(repeating: #"{"a":"#, count: 20_000).utf8)),
            ("17 KiB", Data(("{\"name\":\"" + String(repeating: "a", count: 17 * 1024) + "\"}").utf8)),
            ("1 MiB", Data(repeating: 0x20, count: 1 << 20)),
            ("duplicate keys", Data(#"{"ageBand":"18-24","ageBand":"bogus"}"#.utf8)),
            ("unknown field", Data(#"{"ageBand":"18-24","admin":true,"number":1}"#.utf8)),
        ]
        for (name, data) in raw { cases.append(.pledge("body: \(name)", data)) }
        // Headers.
        let json = Data(body(replacing: "school", with: "null").utf8)
        let headerCases: [(String, [String])] = [
            ("no Idempotency-Key", ["Content-Type: application/json"]),
            ("empty Idempotency-Key", ["Content-Type: application/json", "Idempotency-Key: "]),
            (
                "8 KiB Idempotency-Key",
                ["Content-Type: application/json", "Idempotency-Key: " + String(repeating: "k", count: 8192)]
            ),
            ("Idempotency-Key with spaces", ["Content-Type: application/json", "Idempotency-Key: a b c"]),
            ("text/plain", ["Content-Type: text/plain", "Idempotency-Key: k-\(UUID())"]),
            ("charset latin1", ["Content-Type: application/json; charset=latin1", "Idempotency-Key: k-\(UUID())"]),
            (
                "bad Kiosk-Id",
                ["Content-Type: application/json", "Idempotency-Key: k-\(UUID())", "Kiosk-Id: ../../etc"]
            ),
            (
                "long Kiosk-Id",
                [
                    "Content-Type: application/json", "Idempotency-Key: k-\(UUID())",
                    "Kiosk-Id: " + String(repeating: "a", count: 65),
                ]
            ),
            ("Kiosk-Id markup", ["Content-Type: application/json", "Idempotency-Key: k-\(UUID())", "Kiosk-Id: <b>"]),
            ("header injection in key", ["Content-Type: application/json", "Idempotency-Key: a\rSet-Cookie: x=1"]),
            ("obs-fold", ["Content-Type: application/json", "Idempotency-Key: k", " folded: yes"]),
            (
                "bad Content-Length",
                ["Content-Type: application/json", "Idempotency-Key: k-\(UUID())", "Content-Length: -5"]
            ),
            (
                "huge Content-Length",
                [
                    "Content-Type: application/json", "Idempotency-Key: k-\(UUID())",
                    "Content-Length: 99999999999999999999",
                ]
            ),
            (
                "bad chunking",
                ["Content-Type: application/json", "Idempotency-Key: k-\(UUID())", "Transfer-Encoding: chunked"]
            ),
            (
                "unknown transfer coding",
                ["Content-Type: application/json", "Idempotency-Key: k-\(UUID())", "Transfer-Encoding: gzip, chunked"]
            ),
        ]
        for (name, headers) in headerCases { cases.append(.pledge("header: \(name)", json, headers: headers)) }
        // Codes and paths: traversal, encodings, sizes.
        let codes = [
            "..%2F..%2Fetc%2Fpasswd", "../../etc/passwd", "%2e%2e%2f%2e%2e%2f", "..\\..\\windows", "%00", "%FF%FE",
            "<script>", "%3Cscript%3E", String(repeating: "A", count: 4000), "0000000000000000", "IIIIIIIIIIIIIIII",
            "7KQ2-MX4P-9TZA-B3C", "7KQ2MX4P9TZAB3CDX", "-", "%20", "%0D%0ASet-Cookie:%20x=1", "%E1%BB%87",
            "7kq2mx4p9tzab3cd", "'OR'1'='1", "%27%20OR%201%3D1",
            // An issued code (27 characters) with its check character wrong, and one too short.
            "K7M20123456789ABCDEFAGMRX3X", "K7M20123456789ABCDEFAGMRX3",
        ]
        for code in codes {
            for suffix in ["", "/qr.png", "/qr.svg", ".pdf", ".png?size=huge", "/erase"] {
                cases.append(BadInput("code \(code.prefix(30))\(suffix)", path: "/c/\(code)\(suffix)"))
            }
        }
        let paths = [
            "/v?code=..%2F..%2Fetc", "/v?code=" + String(repeating: "9", count: 5000), "/v?code=%00",
            "/v?code=K7M2-0123-4567-89AB-CDEF-AGMR-X3X",
            "/resources/..%2F..%2Fetc%2Fpasswd/qr.svg", "/resources/%00/qr.svg", "/api/counts?x=%FF",
            "/api/public/counts?by=bogus", "/api/public/counts?by=" + String(repeating: "age-band,", count: 500),
            "/api/public/counts?by=%00", "/api/organizer/counts?by=event", "/api/organizer/export/../../etc",
            "/live?x=%0D%0A", "/%2e%2e/%2e%2e/etc/passwd", "/" + String(repeating: "a/", count: 2000),
            "/admin/../../etc/passwd",
        ]
        for path in paths { cases.append(BadInput("path \(path.prefix(40))", path: path)) }
        // Heartbeats: numbers and states.
        for (name, value) in [
            ("negative", "-1"), ("huge", "1e309"), ("long", "99999999999999999999"), ("text", #""x""#),
        ] {
            cases.append(
                BadInput(
                    "heartbeat waiting \(name)", method: "POST", path: "/api/kiosks/k1/heartbeat",
                    headers: ["Content-Type: application/json"],
                    body: Data(#"{"state":"ready","waiting":\#(value)}"#.utf8))
            )
        }
        cases.append(
            BadInput(
                "heartbeat bad id", method: "POST", path: "/api/kiosks/%2e%2e%2f/heartbeat",
                headers: ["Content-Type: application/json"], body: Data(#"{"state":"ready","waiting":0}"#.utf8)))
        // Methods.
        for method in ["PUT", "DELETE", "PATCH", "TRACE", "OPTIONS", "BREW"] {
            cases.append(BadInput("method \(method)", method: method, path: "/api/pledges"))
        }
        return cases + named.map(\.input)
    }
}

@Suite("Bad input never breaks the service", .serialized)
struct BadInputCorpusTests {
    /// Status, Content-Type and whether the answer was complete, from raw response bytes.
    static func parse(_ answer: String) -> (status: Int, contentType: String) {
        let lines = answer.split(separator: "\r\n", omittingEmptySubsequences: false)
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        let contentType =
            lines.first { $0.lowercased().hasPrefix("content-type:") }
            .map { $0.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces) } ?? ""
        return (status, contentType)
    }

    @Test func corpusHasAtLeast200Cases() {
        #expect(BadInputCorpus.all.count >= 200)
    }

    @Test func everyBadRequestGetsAClientErrorOrItsDocumentedOutcome() async throws {
        let corpus = BadInputCorpus.all
        try await TestService.with(transport: .live) { server in
            var created = 0
            var failures: [String] = []
            for (index, input) in corpus.enumerated() {
                let port = server.port
                let answer = (try? await LoopbackHTTP.exchange(port: port, input.request, timeout: 60)) ?? ""
                let (status, contentType) = Self.parse(answer)
                switch status {
                case 201: created += 1
                case 200..<400: break
                case 400..<500 where contentType.hasPrefix("application/problem+json"): break
                case 0,
                    400
                where contentType.isEmpty && (input.label.hasPrefix("header:") || input.label.hasPrefix("method")):
                    // Not HTTP/1.1 at all (a CR in a header, obs-fold, a bad Content-Length or chunk,
                    // an unknown method): the HTTP parser answers a bare 400 and closes.
                    break
                case 400..<500 where input.label.hasPrefix("path /v?") && contentType.hasPrefix("text/html"):
                    break  // The verify form shows itself again with the error, for a person.
                default: failures.append("\(input.label): \(status) \(contentType)")
                }
                if index % 25 == 0 {
                    let health = try await server.get("/healthz")
                    #expect(health.status == 200, "service down after \(input.label)")
                }
            }
            #expect(failures.isEmpty, "\(failures.count) bad answers: \(failures.prefix(20))")
            // The service is up and no refused request left a row or a count behind.
            #expect(try await server.get("/healthz").status == 200)
            #expect(try await server.store.counts().total == created)
        }
    }

    @Test func theNamedCasesGetTheirOwnStatus() async throws {
        try await TestService.with(transport: .live) { server in
            for (input, status, code, allow) in BadInputCorpus.named {
                let answer = try await LoopbackHTTP.exchange(port: server.port, input.request, timeout: 30)
                let parsed = Self.parse(answer)
                #expect(parsed.status == status, "\(input.label): \(answer.prefix(200))")
                #expect(parsed.contentType.hasPrefix("application/problem+json"), "\(input.label)")
                #expect(answer.contains(#""code":"\#(code)""#), "\(input.label): \(answer.suffix(300))")
                let allowLine = answer.split(separator: "\r\n").first { $0.lowercased().hasPrefix("allow:") }
                #expect(allowLine.map { $0.dropFirst("allow:".count).trimmingCharacters(in: .whitespaces) } == allow)
            }
            #expect(try await server.store.counts().total == 0)
        }
    }

    @Test func aFastProberIsSlowedDownWith429() async throws {
        try await TestService.with(notFoundLimit: .init(perMinute: 60, burst: 20)) { server in
            var statuses: [Int] = []
            var retryAfter: String?
            for _ in 0..<40 {
                var generator = SystemRandomNumberGenerator()
                let answer = try await server.get("/c/\(CertificateCode.random(using: &generator).rawValue)")
                statuses.append(answer.status)
                if answer.status == 429 { retryAfter = answer.headers["retry-after"] }
            }
            #expect(statuses.prefix(20).allSatisfy { $0 == 404 })
            #expect(statuses.suffix(15).allSatisfy { $0 == 429 })
            #expect(Int(retryAfter ?? "") ?? 0 >= 1)
            // Pledges from the same address are not limited by it.
            #expect(try await server.postPledge(#"{"name":null,"ageBand":"18-24"}"#).status == 201)
        }
    }
}
