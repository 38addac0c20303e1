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

    /// How long ago `date` was, Vietnamese then English: `28 giây trước / 28 s ago`; none: never.
    static func ago(_ date: Date?, now: Date) -> String {
        guard let date else { return "chưa bao giờ / never" }
        let seconds = Int(now.timeIntervalSince(date).rounded())
        return "\(seconds) giây trước / \(seconds) s ago"
    }

    /// A kiosk's state as its heartbeat said it (``KioskState``), Vietnamese then English; one no
    /// heartbeat told (the web flow's `phone`, a tablet): unknown.
    static func stateLabel(_ state: String) -> String {
        switch KioskState(rawValue: state) {
        case .ready: "sẵn sàng / ready"
        case .paused: "tạm dừng / paused"
        case .stopped: "đã dừng / stopped"
        case nil: "không rõ / unknown"
        }
    }

    /// The hub link in a few lines: linked or not, backlog, last contact, last error, held rows.
    static func hubLines(_ hub: HubLinkStatus, now: Date) -> [String] {
        guard hub.linked else {
            return ["Trung tâm quốc gia / national hub: chưa liên kết / not linked"]
        }
        let contact = ago(hub.lastContact, now: now)
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
                let seen = Self.ago(kiosk.lastSeen, now: now)
                print("\(kiosk.id)  \(Self.stateLabel(kiosk.state))  \(seen)  \(kiosk.pledgesToday)  \(kiosk.waiting)")
            }
            for line in Self.hubLines(hub, now: now) { print(line) }
        }
    }
}
