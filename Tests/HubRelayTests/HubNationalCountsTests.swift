import Foundation
import HubCore
import HubStore
import Hummingbird
import HummingbirdTesting
import KioskAPI
import KioskTestSupport
import PledgeKit
import PledgeStore
import Testing

/// National counts at the hub (issue 15, item 1), with three events in two provinces synced by
/// their relays (``NationalHub``): the counters answer every combination of event, day, age band,
/// province and channel as `count(*)` over the pledges does; each event's public numbers at the
/// hub equal its own service's; public answers show no named group below 5; a replayed batch
/// counts nothing; reconciliation finds drift made by hand and repairs it.
@Suite("National counts at the hub: counters, the event service's public rule, reconciliation")
struct HubNationalCountsTests {
    @Test("Counts by every dimension and combination equal the rows, nationally and per event")
    func countersEqualTheRows() async throws {
        try await NationalHub.with { national in
            for event in national.events { try await national.sync(event) }
            #expect(Int(try await national.database.psql("SELECT count(*) FROM hub_pledge").trimmed) == 71)
            let scopes: [String?] = [nil] + national.events.map(\.id)
            for dimensions in [[]] + NationalHub.combinations(of: HubCountDimensions.all) {
                for scope in scopes {
                    let tally = try await national.hub.tally(
                        by: dimensions, event: scope.flatMap { EventID($0) }, withholding: false)
                    #expect(
                        tally.exact == (try await national.counted(by: dimensions, event: scope)),
                        "\(dimensions.map(\.rawValue)) \(scope ?? "national")")
                }
            }
            // The shape the event service answers: totals by age band and province from the counters.
            let counts = try await national.hub.counts(event: nil)
            #expect(counts.total == 71)
            #expect(counts.byProvince.values.reduce(0, +) == 71)
        }
    }

    @Test("Each event's public numbers at the hub equal its own service's; no named public group below 5")
    func publicNumbersMatchTheEvents() async throws {
        try await NationalHub.with { national in
            for event in national.events { try await national.sync(event) }
            let allowed = NationalHub.combinations(of: HubCountDimensions.all).filter {
                CountDimension.publicCombinationError($0) == nil
            }
            // The rule has work to do here: kiosks whose newest pledges are withheld, groups merged.
            let withheld = try await national.hub.tally(by: [.ageBand], event: nil, withholding: true).withheld
            #expect(!withheld.isEmpty)
            let merged = try await national.get(Breakdown.self, "/api/public/counts?by=event,age-band,channel")
            #expect(merged.buckets.contains { $0.values.first == Breakdown.other })
            for event in national.events {
                for dimensions in [[]] + allowed {
                    let by = dimensions.map(\.rawValue).joined(separator: ",")
                    let atHub = try await national.get(Breakdown.self, "/api/public/counts?by=\(by)&event=\(event.id)")
                    let own = try await event.store.publicBreakdown(by: dimensions).answered
                    #expect(atHub == own, "\(event.id) by \(by)")
                    Self.expectNoSmallGroup(atHub, "\(event.id) by \(by)")
                }
                // `/api/counts?event=` in the event service's shape, its numbers the event's own.
                let counts = try await national.get(PledgeCounts.self, "/api/counts?event=\(event.id)")
                #expect(counts == (try await event.store.publicCounts()), "\(event.id)")
            }
            // Nationally, every allowed combination: nothing named below k, and the parts add up.
            for dimensions in allowed {
                let by = dimensions.map(\.rawValue).joined(separator: ",")
                let answer = try await national.get(Breakdown.self, "/api/public/counts?by=\(by)")
                #expect(answer.total == 71 && answer.addsUp && answer.minimumGroupSize == 5, "\(by)")
                Self.expectNoSmallGroup(answer, by)
            }
            // What the hub does not count by, or may not show, is a clear 400 with field `by`.
            for refused in ["kiosk", "hour", "day,province", "day,age-band", "nation"] {
                let response = try await national.client.executeRequest(
                    uri: "/api/public/counts?by=\(refused)", method: .get, headers: [:], body: nil)
                #expect(response.status == .badRequest, "\(refused)")
                let problem = try JSONDecoder().decode(Problem.self, from: Data(response.body.readableBytesView))
                #expect(problem.field == "by" && problem.messages.vi != problem.messages.en, "\(refused)")
            }
            // An event the hub does not have is 404, not zeros (which would read as an event with none).
            for uri in ["/api/public/counts?event=no-such-event", "/api/counts?event=no-such-event"] {
                let response = try await national.client.executeRequest(uri: uri, method: .get, headers: [:], body: nil)
                #expect(response.status == .notFound, "\(uri)")
            }
        }
    }

    @Test("The national page shows the public counts' answers (total, per day, by province) and no name")
    func nationalPage() async throws {
        try await NationalHub.with { national in
            for event in national.events { try await national.sync(event) }
            let response = try await national.client.executeRequest(
                uri: "/national", method: .get, headers: [:], body: nil)
            #expect(response.status == .ok)
            let html = String(decoding: response.body.readableBytesView, as: UTF8.self)
            let total = try await national.get(Breakdown.self, "/api/public/counts").total
            #expect(html.contains("<p class=\"total\">\(VietnameseText.number(total))</p>"))
            let provinces = try await national.get(Breakdown.self, "/api/public/counts?by=province")
            #expect(!provinces.buckets.isEmpty)
            for bucket in provinces.buckets {
                let label =
                    switch bucket.values[0] {
                    case Breakdown.other: "Khác"
                    case Breakdown.unknown: "Không rõ"
                    default: bucket.values[0]
                    }
                // The name, then its bar, then its number: one row of the chart.
                let row = try #require(html.range(of: ">\(label)</text><rect"), "\(label)")
                #expect(html[row.upperBound...].contains(">\(VietnameseText.number(bucket.count))</text>"), "\(label)")
            }
            let days = try await national.get(Breakdown.self, "/api/public/counts?by=day")
            for bucket in days.buckets where bucket.values[0] != Breakdown.other {
                let day = try #require(CivilDate(bucket.values[0]))
                #expect(html.contains("<title>\(day.displayText.vi): \(VietnameseText.number(bucket.count))</title>"))
            }
            #expect(!html.contains("Người ký"))
            // Readable on a phone and on a projector: no horizontal scrolling in headless Chromium.
            let output = RepositoryPaths.root.appendingPathComponent(".build/test-output")
            try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
            let script = RepositoryPaths.root.appendingPathComponent("scripts/page-check.py").path
            for (width, height) in [(390, 844), (1920, 1080)] {
                let screenshot = output.appendingPathComponent("national-page-\(width)x\(height).png").path
                let url = "http://127.0.0.1:\(national.client.port!)/national"
                // Off the cooperative pool: the hub answering Chromium runs on it, in this process.
                let result = try await withCheckedThrowingContinuation { continuation in
                    DispatchQueue.global().async {
                        continuation.resume(
                            with: Result {
                                try ProcessRunner.run("python3", [script, url, "\(width)", "\(height)", screenshot])
                            })
                    }
                }
                try #require(result.status == 0, "page-check: \(result.stderr)")
                let measure = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
                let scrollWidth = try #require(measure?["scrollWidth"] as? Int)
                #expect(measure?["clientWidth"] as? Int == width)
                #expect(scrollWidth <= width, "horizontal scrolling at \(width): \(scrollWidth)")
                #expect(measure?["lang"] as? String == "vi")
            }
        }
    }

    @Test("A duplicated or replayed batch changes no counter")
    func replaysCountNothing() async throws {
        try await NationalHub.with { national in
            let first = national.events[0]
            let (rows, seen, _) = try await first.store.hubBatch(limit: 200)
            for event in national.events { try await national.sync(event) }
            let before = try await national.counters()
            let batch = SyncBatch(event: first.id, rows: rows, erasuresSeen: seen)
            // Twice over HTTP (the relay's lost acknowledgement), then straight to the store.
            for _ in 0..<2 {
                let response = try await national.client.executeRequest(
                    uri: "/\(APIPath.syncBatches)", method: .post,
                    headers: [.contentType: "application/json", .authorization: "Bearer \(first.token.text)"],
                    body: ByteBuffer(bytes: Array(try WireJSON.encode(batch))))
                #expect(response.status == .ok)
            }
            _ = try await national.hub.apply(batch, from: first.hubEvent)
            #expect(try await national.counters() == before)
            #expect(try await national.hub.reconcile(repair: false)?.drift == [])
        }
    }

    @Test("Reconciliation finds drift made by hand, leaves it without --repair, repairs it with")
    func reconciliationFindsAndRepairsDrift() async throws {
        try await NationalHub.with { national in
            for event in national.events { try await national.sync(event) }
            let clean = try #require(try await national.hub.reconcile(repair: false))
            #expect(clean.drift.isEmpty && clean.keys > 0)
            let counters = try await national.counters()
            // One counter too high, one kiosk's counter gone, one key counted that has no pledge.
            let key = try await national.database.psql(
                """
                UPDATE hub_tally SET count = count + 2
                WHERE (event_id, day, age_band, province, channel) = (
                    SELECT event_id, day, age_band, province, channel FROM hub_tally WHERE event_id = 'ha-noi-2026'
                    ORDER BY count DESC, day, age_band, province, channel LIMIT 1)
                RETURNING event_id, to_char(day, 'YYYY-MM-DD'), age_band, province, channel, count
                """
            ).trimmed.split(separator: "|").map(String.init)
            let kiosk = try await national.database.psql(
                "DELETE FROM hub_kiosk_tally WHERE event_id = 'hue-2026' AND kiosk_id = 'kiosk-2' RETURNING count"
            ).trimmed
            _ = try await national.database.psql(
                """
                INSERT INTO hub_tally (event_id, day, age_band, province, channel, count)
                VALUES ('phong-dien-2026', '2026-01-01', '25-plus', 'Huế', 'phone', 4)
                """)
            // The rollup by event and province (schema v7) one too low.
            let rollup = try await national.database.psql(
                """
                UPDATE hub_province_tally SET count = count - 1 WHERE event_id = 'hue-2026' AND province = 'Huế'
                RETURNING count
                """
            ).trimmed
            let found = try #require(try await national.hub.reconcile(repair: false))
            #expect(
                Set(found.drift) == [
                    HubCountDrift(
                        counter: "hub_tally",
                        key: [
                            "event=\(key[0])", "day=\(key[1])", "age-band=\(key[2])", "province=\(key[3])",
                            "channel=\(key[4])",
                        ], counted: Int(key[5])!, rows: Int(key[5])! - 2),
                    HubCountDrift(
                        counter: "hub_kiosk_tally", key: ["event=hue-2026", "kiosk=kiosk-2"], counted: 0,
                        rows: Int(kiosk)!),
                    HubCountDrift(
                        counter: "hub_tally",
                        key: [
                            "event=phong-dien-2026", "day=2026-01-01", "age-band=25-plus", "province=Huế",
                            "channel=phone",
                        ], counted: 4, rows: 0),
                    HubCountDrift(
                        counter: "hub_province_tally", key: ["event=hue-2026", "province=Huế"],
                        counted: Int(rollup)!, rows: Int(rollup)! + 1),
                ])
            #expect(!found.repaired)
            // Reported, not repaired: a second look finds the same.
            #expect(try await national.hub.reconcile(repair: false)?.drift.count == 4)
            let repaired = try #require(try await national.hub.reconcile(repair: true))
            #expect(repaired.repaired && repaired.drift.count == 4)
            #expect(try await national.hub.reconcile(repair: false)?.drift == [])
            #expect(try await national.counters() == counters)
            for dimensions in NationalHub.combinations(of: HubCountDimensions.all) {
                let tally = try await national.hub.tally(by: dimensions, event: nil, withholding: false)
                #expect(tally.exact == (try await national.counted(by: dimensions, event: nil)))
            }
        }
    }

    /// Every group of a public answer but `other` holds at least k = 5 pledges.
    static func expectNoSmallGroup(_ breakdown: Breakdown, _ what: String) {
        let other = breakdown.dimensions.map { _ in Breakdown.other }
        for bucket in breakdown.buckets where !breakdown.dimensions.isEmpty && bucket.values != other {
            #expect(bucket.count >= 5, "\(what): \(bucket.values) \(bucket.count)")
        }
    }
}

/// A problem detail's members the tests read.
struct Problem: Decodable {
    var field: String?
    var messages: Localized<String>
}
