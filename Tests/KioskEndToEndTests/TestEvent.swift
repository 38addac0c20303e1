import Foundation
import KioskTestSupport

/// An event configuration for one test, in its own folder, pointing at the repository's texts.
enum TestEvent {
    /// The kiosk token of the tests' services: in the files that `write` makes, and in
    /// `KIOSK_KIOSK_TOKEN` of every ``KioskProcess`` unless a test says otherwise.
    /// Since issue 12 a service always requires one (generated when none is set).
    static let kioskToken = "e2e-kiosk-token-3f9c2a7d51b04e86"
    /// The `Authorization` value a front sends with ``kioskToken``.
    static let bearer = "Bearer \(kioskToken)"
    /// The same as a raw HTTP/1.1 header line.
    static let authorization = "Authorization: \(bearer)\r\n"

    /// `POST /api/pledges` to a running `kiosk serve` as a front sends it: the kiosk token, an
    /// idempotency key and a kiosk id; `name` nil for an anonymous pledge.
    static func postPledge(port: Int, key: String, kiosk: String, name: String?, timeout: Int = 60) async throws
        -> HTTPAnswer
    {
        let headers = [
            "Content-Type": "application/json", "Authorization": bearer, "Idempotency-Key": key, "Kiosk-Id": kiosk,
        ]
        let nameJSON = name.map { "\"\($0)\"" } ?? "null"
        return try await LoopbackHTTP.request(
            port: port, "POST", "/api/pledges", headers: headers,
            body: Data(#"{"name":\#(nameJSON),"ageBand":"18-24","province":"Hà Nội"}"#.utf8), timeout: timeout)
    }

    /// Writes `event.yaml` into `folder` and returns its path.
    /// - Parameter kioskToken: `service.kioskToken`; nil: none (a service then generates one).
    /// - Parameter publicBaseURL: `service.publicBaseURL`; empty: the service's own address.
    /// - Parameter retainPersonalDataUntil: `event.retainPersonalDataUntil` (yyyy-mm-dd); nil: none.
    /// - Parameter eventID, name, place: `event.id`, `event.name`, `event.place`.
    static func write(
        in folder: URL, eventID: String = "e2e-event", name: String = "Lễ phát động", place: String = "Hà Nội",
        pin: String = "2468", perMinute: Int = 6000, burst: Int = 100,
        kioskToken: String? = TestEvent.kioskToken, publicBaseURL: String = "", retainPersonalDataUntil: String? = nil
    ) throws -> String {
        let kiosk = RepositoryPaths.root.appendingPathComponent("Kiosk").path
        let retention = retainPersonalDataUntil.map { ", retainPersonalDataUntil: \($0)" } ?? ""
        let yaml = """
            event: { id: \(eventID), name: "\(name)", place: "\(place)", date: 2025-10-10\(retention) }
            kiosk: { id: kiosk-local, language: vi, attendantPIN: "\(pin)" }
            service:
              host: 127.0.0.1
              port: 0
              publicBaseURL: "\(publicBaseURL)"
              rateLimit: { perMinute: \(perMinute), burst: \(burst) }
              kioskToken: "\(kioskToken ?? "")"
            files:
              pledge: \(kiosk)/pledge.yaml
              resources: \(kiosk)/resources.yaml
              templates: \(RepositoryPaths.root.appendingPathComponent("Certificates/default").path)
              front: \(kiosk)/front.yaml
            """
        let file = folder.appendingPathComponent("event.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    static func quoted(_ arguments: [String]) -> String {
        arguments.map { "'\($0)'" }.joined(separator: " ")
    }

    /// The terminal modes a shell recorded with `stty -a`, as words.
    static func sttyWords(_ file: String, timeout: TimeInterval = 60) -> Set<String> {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, (try? String(contentsOfFile: file, encoding: .utf8))?.isEmpty ?? true {
            usleep(100_000)
        }
        let modes = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        return Set(modes.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "\n" }).map(String.init))
    }
}
