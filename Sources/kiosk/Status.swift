import ArgumentParser
import Foundation
import KioskAPI
import PledgeKit
import PledgeStore

/// `kiosk status`: every kiosk of the event with its last heartbeat, state and pledges today.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the kiosks: last seen, state, pledges today, pledges waiting in their outbox."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @OptionGroup var store: StoreOptions

    @Option(help: "Output format: table or json.")
    var format: Format = .table

    func run() async throws {
        let configuration = try store.loadConfiguration()
        let pledges = try store.openExistingStore(configuration)
        defer { try? pledges.close() }
        let now = Date()
        let kiosks = try await pledges.kiosks(now: now)
        switch format {
        case .json:
            let json = try WireJSON.encode(["kiosks": kiosks], iso8601Dates: true, pretty: true)
            print(String(decoding: json, as: UTF8.self))
        case .table:
            print("Kiosk · trạng thái / status · lần cuối / last seen · hôm nay / today · chờ / waiting")
            for kiosk in kiosks {
                let seen = kiosk.lastSeen.map { "\(Int(now.timeIntervalSince($0).rounded())) s ago" } ?? "never"
                print("\(kiosk.id)  \(kiosk.state)  \(seen)  \(kiosk.pledgesToday)  \(kiosk.waiting)")
            }
        }
    }
}
