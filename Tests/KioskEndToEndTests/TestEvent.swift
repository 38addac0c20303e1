import Foundation
import KioskTestSupport

/// An event configuration for one test, in its own folder, pointing at the repository's texts.
enum TestEvent {
    /// Writes `event.yaml` into `folder` and returns its path.
    /// - Parameter kioskToken: `service.kioskToken`; nil: none.
    /// - Parameter retainPersonalDataUntil: `event.retainPersonalDataUntil` (yyyy-mm-dd); nil: none.
    static func write(
        in folder: URL, pin: String = "2468", perMinute: Int = 6000, burst: Int = 100, kioskToken: String? = nil,
        retainPersonalDataUntil: String? = nil
    ) throws -> String {
        let kiosk = RepositoryPaths.root.appendingPathComponent("Kiosk").path
        let retention = retainPersonalDataUntil.map { ", retainPersonalDataUntil: \($0)" } ?? ""
        let yaml = """
            event: { id: e2e-event, name: "Lễ phát động", place: "Hà Nội", date: 2025-10-10\(retention) }
            kiosk: { id: kiosk-local, language: vi, attendantPIN: "\(pin)" }
            service:
              host: 127.0.0.1
              port: 0
              publicBaseURL: ""
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
    static func sttyWords(_ file: String, timeout: TimeInterval = 20) -> Set<String> {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, (try? String(contentsOfFile: file, encoding: .utf8))?.isEmpty ?? true {
            usleep(100_000)
        }
        let modes = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        return Set(modes.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "\n" }).map(String.init))
    }
}
