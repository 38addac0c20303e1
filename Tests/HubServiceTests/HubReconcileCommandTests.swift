import Foundation
import HubCore
import HubStore
import KioskAPI
import KioskTestSupport
import Logging
import PledgeKit
import Testing

extension HubCommandTests {
    /// `kiosk hub reconcile`, run as the binary: no drift is exit 0; drift made by hand is listed
    /// (counter, key, both counts, difference) with exit 1 and left as it is; `--repair` repairs it.
    @Test("reconcile reports drift with exit 1, --repair repairs it, then the counters match")
    func reconcile() async throws {
        try await TestPostgres.withDatabase { database in
            let json = try await Self.addEvent(database, id: "hue-2026", format: ["--format", "json"])
            #expect(json.status == 0, "\(json.stderr)")
            let token = try SyncToken(
                parsing: try JSONDecoder().decode(Credentials.self, from: Data(json.stdout.utf8)).token)
            let configuration = try HubStoreConfiguration(url: database.url, environment: [:])
            try await withHubStore(configuration, logger: Logger(label: "hub-command-test"), migrate: false) { store in
                let event = try #require(try await store.event(tokenHash: token.storageHash))
                let rows = (1...7).map { HubFixture.pledgeRow($0, token: token, number: $0, name: nil) }
                _ = try await store.apply(SyncBatch(event: "hue-2026", rows: rows, erasuresSeen: 0), from: event)
            }
            let arguments = ["reconcile", "--database-url", database.url]
            let clean = try await Self.kiosk(arguments)
            #expect(clean.status == 0, "\(clean.stderr)")
            // One key in each counter table: hub_tally, hub_kiosk_tally, hub_province_tally.
            #expect(clean.stdout.contains("The counters match the pledges (3 keys)"))

            _ = try await database.psql("UPDATE hub_tally SET count = count + 2")
            let drift = try await Self.kiosk(arguments)
            #expect(drift.status == 1)
            #expect(drift.stdout.contains("event=hue-2026"))
            #expect(drift.stdout.contains("age-band=18-24 province=Đà Nẵng channel=kiosk: counter 9, rows 7 (+2)"))
            #expect(drift.stdout.contains("not repaired (run again with --repair)"))
            #expect(try await database.psql("SELECT sum(count) FROM hub_tally").contains("9"))

            let repaired = try await Self.kiosk(arguments + ["--repair"])
            #expect(repaired.status == 0, "\(repaired.stderr)")
            #expect(repaired.stdout.contains("Repaired 1 drifted keys"))
            let after = try await Self.kiosk(arguments)
            #expect(after.status == 0)
            #expect(after.stdout.contains("The counters match the pledges"))
            #expect(try await database.psql("SELECT sum(count) FROM hub_tally").contains("7"))
        }
    }
}
