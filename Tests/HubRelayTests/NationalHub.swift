import Foundation
import HubCore
import HubRelay
import HubStore
import HubTestSupport
import Hummingbird
import HummingbirdTesting
import KioskAPI
import KioskHTTP
import KioskTestSupport
import Logging
import PledgeKit
import PledgeStore

/// Three events in two provinces, each with its own event service's store (real SQLite), synced
/// by its relay over loopback HTTP to one hub (HubService over HubStore on a fresh PostgreSQL
/// database, listening for count notifications as `kiosk hub serve` does, so public answers
/// across events are kept per count stamp): the national picture of issue 15.
struct NationalHub: Sendable {
    struct Event: Sendable {
        var hubEvent: HubEvent
        var token: SyncToken
        /// The event service's store.
        var store: PledgeStore
        var pledges: Int
        /// The pledge provinces this event's signers mostly give.
        var home: String
        var id: String { hubEvent.id.rawValue }
    }

    let hub: HubStore
    let database: TestPostgres
    let client: any TestClientProtocol
    let events: [Event]

    /// Event id, event province, pledges: two events in Huế, one in Hà Nội.
    static let plan: [(id: String, province: String, pledges: Int)] = [
        ("hue-2026", "Huế", 23), ("phong-dien-2026", "Huế", 17), ("ha-noi-2026", "Hà Nội", 31),
    ]

    /// Runs `body` with the hub served on loopback and the three events' pledges recorded at their
    /// services (kiosks `kiosk-1`, `kiosk-2` and phones, every age band, several provinces and
    /// none, over the last four days at any hour, so Vietnam days differ from UTC ones) but not
    /// yet synced (``sync(_:)``).
    static func with(_ body: @Sendable (NationalHub) async throws -> Void) async throws {
        try await TestPostgres.withDatabase { database in
            let configuration = try HubStoreConfiguration(url: database.url, environment: [:])
            try await withHubStore(configuration, logger: Logger(label: "national-counts-test"), listen: true) { hub in
                var events: [Event] = []
                var generator = SplitMix64(seed: 15)
                let folder = temporaryDirectory("national-counts")
                for (index, planned) in plan.enumerated() {
                    let token = SyncToken.random(tag: CertificateCode.randomTag())
                    let event = HubEvent(
                        id: EventID(planned.id)!, name: "Ngày hội \(planned.province)",
                        province: Province(matching: planned.province)!,
                        date: CivilDate(year: 2026, month: 12, day: 5), place: "Nhà văn hóa", codeTag: token.codeTag,
                        codeKey: token.codeKey, retainPersonalDataUntil: nil)
                    try await hub.addEvent(event, tokenHash: token.storageHash)
                    let store = try PledgeStore(
                        path: folder.appendingPathComponent("\(planned.id).sqlite").path, eventID: planned.id,
                        defaultKioskID: "kiosk-1", links: TestHubService.links,
                        codeIssuer: CodeIssuer(tag: token.codeTag, key: token.codeKey), feedsHub: true)
                    for number in 0..<planned.pledges {
                        let band = AgeBand.allCases.randomElement(using: &generator)!
                        let provinces: [String?] = [
                            planned.province, planned.province, planned.province, "Cần Thơ", nil,
                        ]
                        let signedAt = Date().addingTimeInterval(
                            -Double(Int.random(in: 0..<(4 * 86_400), using: &generator)))
                        let draft = PledgeDraft(
                            name: number % 3 == 0 ? nil : "Người ký \(index)-\(number)", ageBand: band,
                            province: provinces.randomElement(using: &generator)!.flatMap { Province(matching: $0) },
                            guardianConsent: band.needsGuardianConsent, signedAt: signedAt)
                        _ = try await store.record(
                            draft, idempotencyKey: try IdempotencyKey("n-\(index)-\(number)"),
                            kioskID: ["kiosk-1", "kiosk-2", "phone"].randomElement(using: &generator)!)
                    }
                    events.append(
                        Event(
                            hubEvent: event, token: token, store: store, pledges: planned.pledges,
                            home: planned.province))
                }
                let synced = events
                defer { for event in synced { try? event.store.close() } }
                let app = Application(
                    router: try TestHubService.router(hub),
                    configuration: .init(address: .hostname("127.0.0.1", port: 0)))
                try await app.test(.live) { client in
                    try await body(NationalHub(hub: hub, database: database, client: client, events: synced))
                }
            }
        }
    }

    /// Sends `event`'s outbox to the hub through its relay (the real transport) until it is empty.
    func sync(_ event: Event) async throws {
        let link = EventConfiguration.HubLink(url: "http://127.0.0.1:\(client.port!)", token: event.token.text)
        var logger = Logger(label: "national-counts-relay")
        logger.logLevel = .critical
        let relay = HubRelay(
            store: event.store, eventID: event.id, transport: try HTTPHubTransport(hub: link, timeout: 30),
            clock: ManualClock(), logger: logger)
        for _ in 0..<50 where !(try await event.store.hubBatch(limit: 1).rows.isEmpty) {
            _ = await relay.round()
        }
    }

    /// `GET uri` at the hub, decoded.
    func get<T: Decodable>(_ type: T.Type, _ uri: String) async throws -> T {
        let response = try await client.executeRequest(uri: uri, method: .get, headers: [:], body: nil)
        guard response.status == .ok else { throw Unexpected(uri: uri, status: response.status.code) }
        return try JSONDecoder().decode(T.self, from: Data(response.body.readableBytesView))
    }

    struct Unexpected: Error {
        var uri: String
        var status: Int
    }

    /// The breakdown by `dimensions` counted from the pledges themselves (`count(*) … GROUP BY`),
    /// written here from the rules (Vietnam day UTC+7, `unknown` for no province, the kiosk id
    /// `phone` for phones), not from the hub's SQL.
    func counted(by dimensions: [CountDimension], event: String?) async throws -> Breakdown {
        let filter = event.map { "WHERE event_id = '\($0)'" } ?? ""
        guard !dimensions.isEmpty else {
            let total = Int(try await database.psql("SELECT count(*) FROM hub_pledge \(filter)").trimmed)!
            return Breakdown(dimensions: [], total: total, buckets: [])
        }
        let columns = dimensions.map { dimension -> String in
            switch dimension {
            case .event: "event_id"
            case .day: "to_char((created_at AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM-DD')"
            case .ageBand: "age_band"
            case .province: "coalesce(province, 'unknown')"
            case .channel: "CASE WHEN kiosk_id = 'phone' THEN 'phone' ELSE 'kiosk' END"
            case .kiosk: "kiosk_id"
            case .hour: "NULL"
            }
        }
        let groups = dimensions.indices.map { String($0 + 1) }.joined(separator: ", ")
        let text = try await database.psql(
            "SELECT \(columns.joined(separator: ", ")), count(*) FROM hub_pledge \(filter) GROUP BY \(groups)")
        var buckets = text.split(separator: "\n").map { line in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            return Breakdown.Bucket(values: Array(fields.dropLast()), count: Int(fields.last!)!)
        }
        buckets.sort(by: BucketOrder(dimensions: dimensions).precedes)
        // Every pledge is in exactly one group: the groups add up to count(*).
        return Breakdown(dimensions: dimensions, total: buckets.reduce(0) { $0 + $1.count }, buckets: buckets)
    }

    /// Both counter tables, as the database holds them.
    func counters() async throws -> String {
        try await database.psql(
            """
            SELECT 'tally', event_id, day, age_band, province, channel, count FROM hub_tally
            UNION ALL SELECT 'kiosk', event_id, NULL, kiosk_id, NULL, NULL, count FROM hub_kiosk_tally
            ORDER BY 1, 2, 3, 4, 5, 6
            """)
    }

    /// Every non-empty combination of `dimensions`, in their order.
    static func combinations(of dimensions: [CountDimension]) -> [[CountDimension]] {
        (1..<(1 << dimensions.count)).map { mask in
            dimensions.indices.filter { mask & (1 << $0) != 0 }.map { dimensions[$0] }
        }
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
