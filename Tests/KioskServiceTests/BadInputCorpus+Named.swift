import Foundation

extension BadInputCorpus {
    /// The cases of issue 11, each with the status and problem `code` it must get, and for 405
    /// the `Allow` it must list.
    static var named: [(input: BadInput, status: Int, code: String, allow: String?)] {
        let pledge = #"{"ageBand":"18-24","name":null}"#
        let beat = { (json: String) in
            BadInput(
                "heartbeat \(json)", method: "POST", path: "/api/kiosks/k1/heartbeat",
                headers: ["Content-Type: application/json"], body: Data(json.utf8))
        }
        return [
            (.pledge("JSON: trailing comma", json: #"{"ageBand":"18-24",}"#), 400, "malformed-json", nil),
            (
                .pledge("JSON: trailing comma in name", json: #"{"ageBand":"18-24","name":"An",}"#), 400,
                "malformed-json", nil
            ),
            (
                .pledge("JSON: duplicate key", json: #"{"ageBand":"18-24","ageBand":"bogus"}"#), 400, "malformed-json",
                nil
            ),
            (
                .pledge("JSON: duplicate key, escaped", json: #"{"ageBand":"18-24","\u0061geBand":"12-15"}"#), 400,
                "malformed-json", nil
            ),
            (.pledge("JSON: BOM", Data([0xEF, 0xBB, 0xBF]) + Data(pledge.utf8)), 400, "malformed-json", nil),
            (.pledge("JSON: single quotes", json: "{'ageBand':'18-24'}"), 400, "malformed-json", nil),
            (
                .pledge("JSON: unknown member", json: #"{"ageBand":"18-24","provnce":"Huế"}"#), 400, "invalid-request",
                nil
            ),
            (beat(#"{"state":"ready","waiting":01}"#), 400, "malformed-json", nil),
            (beat(#"{"state":"ready","waiting":1,}"#), 400, "malformed-json", nil),
            (beat(#"{"state":"ready","waiting":1,"waiting":2}"#), 400, "malformed-json", nil),
            (beat(#"{"state":"ready","waiting":1,"admin":true}"#), 400, "invalid-request", nil),
            (BadInput("Host: missing", path: "/healthz", hosts: []), 400, "invalid-host", nil),
            (
                BadInput("Host: missing, HTTP/1.0", path: "/healthz", version: "HTTP/1.0", hosts: []), 400,
                "invalid-host", nil
            ),
            (BadInput("Host: doubled", path: "/healthz", hosts: ["127.0.0.1", "127.0.0.1"]), 400, "invalid-host", nil),
            (
                BadInput("Host: two names", path: "/api/counts", hosts: ["127.0.0.1", "evil.example"]), 400,
                "invalid-host", nil
            ),
            (BadInput("Host: not a host", path: "/healthz", hosts: ["a/b@c"]), 400, "invalid-host", nil),
            (
                BadInput(
                    "Host: missing on a pledge", method: "POST", path: "/api/pledges", hosts: [],
                    headers: ["Content-Type: application/json", "Idempotency-Key: no-host-\(UUID())"],
                    body: Data(pledge.utf8)),
                400, "invalid-host", nil
            ),
            (BadInput("method: GET /api/pledges", path: "/api/pledges"), 405, "method-not-allowed", "POST"),
            (
                BadInput("method: PUT /api/pledges", method: "PUT", path: "/api/pledges"), 405, "method-not-allowed",
                "POST"
            ),
            (
                BadInput("method: POST /api/counts", method: "POST", path: "/api/counts"), 405, "method-not-allowed",
                "GET, HEAD"
            ),
            (
                BadInput("method: DELETE /c/{code}", method: "DELETE", path: "/c/7KQ2MX4P9TZAB3CD"), 405,
                "method-not-allowed", "GET, HEAD"
            ),
            (
                BadInput("method: PUT /c/{code}/erase", method: "PUT", path: "/c/7KQ2MX4P9TZAB3CD/erase"), 405,
                "method-not-allowed", "GET, HEAD, POST"
            ),
            (
                BadInput("method: GET heartbeat", path: "/api/kiosks/k1/heartbeat"), 405, "method-not-allowed",
                "POST"
            ),
            (
                BadInput("method: OPTIONS /healthz", method: "OPTIONS", path: "/healthz"), 405, "method-not-allowed",
                "GET, HEAD"
            ),
            (BadInput("method: POST to no route", method: "POST", path: "/nowhere"), 404, "not-found", nil),
        ]
    }
}
