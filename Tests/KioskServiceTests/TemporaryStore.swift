import Foundation
import KioskTestSupport
import PledgeKit
import PledgeStore

/// A new event store (a real SQLite file) for event `test-event` in a new temporary folder named
/// for `name`.
func temporaryStore(_ name: String) throws -> PledgeStore {
    try PledgeStore(
        path: temporaryDirectory(name).appendingPathComponent("pledges.sqlite").path, eventID: "test-event",
        defaultKioskID: "kiosk-test", links: try CertificateLinks(baseURL: "http://kiosk.example.vn"))
}
