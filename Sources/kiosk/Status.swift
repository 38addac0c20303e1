import ArgumentParser
import Foundation
import KioskAPI
import PledgeKit
import PledgeStore

/// `kiosk status`: every kiosk of the event with its last heartbeat, state and pledges today, and
/// the link to the national hub (``HubLinkStatus``).
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "List the kiosks (last seen, state, pledges today, pledges waiting in their outbox) and the hub link."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @OptionGroup var store: StoreOptions

    @Option(help: "Output format: table or json.")
    var format: Format = .table

    /// The JSON report: `{"kiosks": [KioskStatus], "hub": HubLinkStatus}`.
    struct Report: Encodable {
        var kiosks: [KioskStatus]
        var hub: HubLinkStatus
    }

    /// The hub link in a few lines: linked or not, backlog, last contact, last error, held rows.
    static func hubLines(_ hub: HubLinkStatus, now: Date) -> [String] {
        guard hub.linked else {
            return ["Trung tâm quốc gia / national hub: chưa liên kết / not linked"]
        }
        let contact = hub.lastContact.map { "\(Int(now.timeIntervalSince($0).rounded())) s ago" } ?? "never"
        var lines = [
            "Trung tâm quốc gia / national hub: đã liên kết / linked · chờ gửi / backlog \(hub.backlog) · "
                + "đã xác nhận / acknowledged \(hub.acknowledged) · liên lạc / last contact \(contact)"
        ]
        if let base = hub.certificateBaseURL { lines.append("  giấy chứng nhận / certificate base: \(base)") }
        if let error = hub.lastError {
            lines.append("  lỗi gần nhất / last error (\(hub.attempts) lần thử / tries): \(error)")
        }
        if hub.heldCount > hub.held.count {
            let count = hub.heldCount
            lines.append(
                "  giữ lại / held \(count) dòng / rows; \(hub.held.count) đầu tiên / the first \(hub.held.count):")
        }
        for row in hub.held {
            let pledge = row.number.map { " (pledge #\($0))" } ?? ""
            lines.append("  giữ lại / held \(row.sequence) \(row.kind)\(pledge): \(row.reason)")
        }
        return lines
    }

    func run() async throws {
        let configuration = try store.loadConfiguration()
        let pledges = try store.openExistingStore(configuration)
        defer { try? pledges.close() }
        let now = Date()
        let kiosks = try await pledges.kiosks(now: now)
        let hub = try await pledges.hubLinkStatus()
        switch format {
        case .json:
            let json = try WireJSON.encode(Report(kiosks: kiosks, hub: hub), iso8601Dates: true, pretty: true)
            print(String(decoding: json, as: UTF8.self))
        case .table:
            print("Kiosk · trạng thái / status · lần cuối / last seen · hôm nay / today · chờ / waiting")
            for kiosk in kiosks {
                let seen = kiosk.lastSeen.map { "\(Int(now.timeIntervalSince($0).rounded())) s ago" } ?? "never"
                print("\(kiosk.id)  \(kiosk.state)  \(seen)  \(kiosk.pledgesToday)  \(kiosk.waiting)")
            }
            for line in Self.hubLines(hub, now: now) { print(line) }
        }
    }
}
