import Foundation
import HTTPTypes
import HubCore
import HubStore
import HubTestSupport
import Hummingbird
import HummingbirdTesting
import KioskAPI
import KioskTestSupport
import Logging
import NIOCore
import PledgeExport
import PledgeKit
import Testing

/// Scoped organizers at the hub (issue 15, item 2, and the CSV and JSON Lines of item 4), over
/// real HTTP on loopback and the throw-away PostgreSQL: three events in two provinces synced; a
/// provincial account's counts, events and exports hold only its province's events, a national
/// one's all, an event's one; asking outside the scope and a bad token are refused; every call is
/// in the audit log, which holds no personal data.
@Suite("Hub organizers")
struct HubOrganizerTests {
    /// The signers' names sent in the batches: none may appear in an export or the audit log.
    static let names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung"]

    /// The three events, their provinces and how many pledges each syncs.
    static let events: [(id: String, province: String, pledges: Int)] = [
        ("ha-noi-dong-da", "Hà Nội", 3), ("ha-noi-cau-giay", "Hà Nội", 2), ("hue-phu-xuan", "Huế", 4),
    ]

    /// A hub on its own database with the three events synced through `POST /api/sync/batches`.
    static func withSyncedHub(
        _ body: @Sendable (HubStore, TestPostgres, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await TestPostgres.withDatabase { database in
            let configuration = try HubStoreConfiguration(url: database.url, environment: [:])
            try await withHubStore(configuration, logger: Logger(label: "hub-organizer-test")) { store in
                let router = try TestHubService.router(store)
                try await Application(router: router).test(.live) { client in
                    for event in events {
                        let token = try await TestHubService.addEvent(
                            event.id, name: "Ngày hội \(event.id)", province: event.province, to: store)
                        let rows = (1...event.pledges).map {
                            HubFixture.pledgeRow($0, token: token, number: $0, name: names[$0 % names.count])
                        }
                        let synced = try await HubFixture.post(
                            client, SyncBatch(event: event.id, rows: rows, erasuresSeen: 0), token: token)
                        #expect(synced.status == .ok)
                    }
                    try await body(store, database, client)
                }
            }
        }
    }

    /// Counts the organizer requests a test makes, to match them with the audit log.
    final class Calls: @unchecked Sendable {
        var made: [(status: Int, organizer: Int?)] = []
    }

    static func get(
        _ client: any TestClientProtocol, _ uri: String, token: String?, calls: Calls, organizer: Int?
    ) async throws -> TestResponse {
        let headers: HTTPFields = token.map { [.authorization: "Bearer \($0)"] } ?? [:]
        let response = try await client.executeRequest(uri: uri, method: .get, headers: headers, body: nil)
        calls.made.append((Int(response.status.code), organizer))
        return response
    }

    static func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
        try JSONDecoder().decode(type, from: Data(response.body.readableBytesView))
    }

    struct Events: Decodable {
        var scope: String
        var events: [HubEventStatus]
    }

    /// The `event` column of a CSV export's data rows (after the BOM and the header).
    static func csvEvents(_ response: TestResponse) -> [String] {
        let text = String(decoding: response.body.readableBytesView, as: UTF8.self)
        let lines = text.split(separator: "\r\n").map(String.init)
        return lines.dropFirst().map { line in
            String(line.split(separator: ",")[1]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
    }

    /// Each event id repeated its count of times, in order.
    static func repeated(_ events: (String, Int)...) -> [String] {
        events.flatMap { Array(repeating: $0.0, count: $0.1) }
    }

    /// Creates an account as `kiosk hub add-organizer` does; returns its id and token.
    static func add(_ scope: String, to store: HubStore) async throws -> (id: Int, token: String) {
        let token = OrganizerToken.random()
        let account = try await store.addOrganizer(
            name: "Ban tổ chức \(scope)", scope: try OrganizerScope(parsing: scope), tokenHash: token.storageHash)
        return (account.id, token.text)
    }

    @Test("Each account sees and exports its scope only; outside it is 403, a bad token 401; all audited")
    func scopes() async throws {
        try await Self.withSyncedHub { store, database, client in
            let calls = Calls()
            let national = try await Self.add("national", to: store)
            // The spellings the event service accepts: "ha noi" is Hà Nội.
            let hanoi = try await Self.add("province:ha noi", to: store)
            let hue = try await Self.add("event:hue-phu-xuan", to: store)
            func get(_ uri: String, _ account: (id: Int, token: String)?) async throws -> TestResponse {
                try await Self.get(client, uri, token: account?.token, calls: calls, organizer: account?.id)
            }

            // National: every event, every pledge.
            let all = try Self.decode(Breakdown.self, try await get("/api/organizer/counts?by=event", national))
            #expect(all.total == 9)
            #expect(all.buckets.map(\.values) == [["ha-noi-cau-giay"], ["ha-noi-dong-da"], ["hue-phu-xuan"]])
            #expect(all.buckets.map(\.count) == [2, 3, 4])
            let allEvents = try Self.decode(Events.self, try await get("/api/organizer/events", national))
            #expect(allEvents.scope == "national")
            // Hà Nội, then Huế: the resolution's order, as breakdowns list provinces.
            #expect(allEvents.events.map(\.event) == ["ha-noi-cau-giay", "ha-noi-dong-da", "hue-phu-xuan"])
            #expect(allEvents.events.allSatisfy { $0.lastSyncAt != nil && $0.acknowledged == $0.pledges })
            #expect(allEvents.events.map(\.heldRows) == [0, 0, 0])
            let allCSV = try await get("/api/organizer/export/pledges", national)
            #expect(allCSV.status == .ok)
            #expect(Array(allCSV.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF])
            #expect(
                Self.csvEvents(allCSV).sorted()
                    == Self.repeated(("ha-noi-cau-giay", 2), ("ha-noi-dong-da", 3), ("hue-phu-xuan", 4)))

            // Hà Nội: its two events only, in the API and both exports.
            let province = try Self.decode(
                Breakdown.self, try await get("/api/organizer/counts?by=event,age-band", hanoi))
            #expect(province.total == 5)
            #expect(Set(province.buckets.map { $0.values[0] }) == ["ha-noi-cau-giay", "ha-noi-dong-da"])
            let provinceEvents = try Self.decode(Events.self, try await get("/api/organizer/events", hanoi))
            #expect(provinceEvents.scope == "province:Hà Nội")
            #expect(provinceEvents.events.map(\.event) == ["ha-noi-cau-giay", "ha-noi-dong-da"])
            let provinceCSV = try await get("/api/organizer/export/pledges?format=csv&delimiter=,", hanoi)
            #expect(
                provinceCSV.headers[.contentDisposition]
                    == "attachment; filename=\"province-ha-noi-pledges.csv\"; filename*=UTF-8''province-H%C3%A0%20N%E1%BB%99i-pledges.csv"
            )
            #expect(
                Self.csvEvents(provinceCSV).sorted() == Self.repeated(("ha-noi-cau-giay", 2), ("ha-noi-dong-da", 3)))
            // XLSX, as at an event, read by openpyxl: the same rows as the CSV.
            let provinceXLSX = try await get("/api/organizer/export/pledges?format=xlsx", hanoi)
            #expect(
                provinceXLSX.headers[.contentDisposition]
                    == "attachment; filename=\"province-ha-noi-pledges.xlsx\"; filename*=UTF-8''province-H%C3%A0%20N%E1%BB%99i-pledges.xlsx"
            )
            let workbook = FileManager.default.temporaryDirectory.appendingPathComponent("hub-\(UUID()).xlsx")
            defer { try? FileManager.default.removeItem(at: workbook) }
            try Data(provinceXLSX.body.readableBytesView).write(to: workbook)
            let sheet = try #require(try SpreadsheetReaders.openpyxl(workbook.path).first)
            #expect(
                sheet.rows.dropFirst().map { $0[1].csvText }.sorted()
                    == Self.repeated(("ha-noi-cau-giay", 2), ("ha-noi-dong-da", 3)))
            let provinceJSON = try await get("/api/organizer/export/pledges?format=json", hanoi)
            let lines = String(decoding: provinceJSON.body.readableBytesView, as: UTF8.self).split(separator: "\n")
            #expect(lines.count == 5)
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect((object?["event"] as? String)?.hasPrefix("ha-noi-") == true)
                #expect(object?["name"] == nil)
            }
            let provinceCounts = try await get("/api/organizer/export/counts?format=csv&by=event", hanoi)
            let countsText = String(decoding: provinceCounts.body.readableBytesView, as: UTF8.self)
            #expect(!countsText.contains("hue-phu-xuan"))
            #expect(countsText.hasSuffix("\"Tổng · total\",5\r\n"))
            // Narrowed to one of its events; the other province, or its event, is outside.
            let one = try Self.decode(
                Breakdown.self, try await get("/api/organizer/counts?event=ha-noi-dong-da", hanoi))
            #expect(one.total == 3)
            #expect(try await get("/api/organizer/counts?event=hue-phu-xuan", hanoi).status == .forbidden)
            let otherProvince = try await get("/api/organizer/export/pledges?province=Hu%E1%BA%BF", hanoi)
            #expect(otherProvince.status == .forbidden)
            #expect(try HubFixture.problem(otherProvince).code == "outside-scope")

            // One event: itself only; any other event or a province is outside.
            let event = try Self.decode(Breakdown.self, try await get("/api/organizer/counts?by=province", hue))
            #expect(event.total == 4)
            let eventEvents = try Self.decode(Events.self, try await get("/api/organizer/events", hue))
            #expect(eventEvents.events.map(\.event) == ["hue-phu-xuan"])
            #expect(
                Self.csvEvents(try await get("/api/organizer/export/pledges", hue))
                    == Self.repeated(("hue-phu-xuan", 4)))
            #expect(try await get("/api/organizer/events?event=ha-noi-dong-da", hue).status == .forbidden)
            #expect(try await get("/api/organizer/counts?province=Hu%E1%BA%BF", hue).status == .forbidden)

            // National narrowed to a province; an unknown event is 404 for it.
            let narrowed = try Self.decode(
                Breakdown.self, try await get("/api/organizer/counts?province=hue", national))
            #expect(narrowed.total == 4)
            #expect(try await get("/api/organizer/counts?event=no-such-event", national).status == .notFound)
            // The hub exports no personal data.
            let personal = try await get("/api/organizer/export/pledges?includePersonalData=true", national)
            #expect(personal.status == .badRequest)
            #expect(try HubFixture.problem(personal).field == "includePersonalData")

            // The scope's page, as a browser opens it (the token as a Basic password): its events
            // and numbers only, as the API answers them; without the token, a Basic challenge.
            func page(_ authorization: String?) async throws -> TestResponse {
                let headers: HTTPFields = authorization.map { [.authorization: $0] } ?? [:]
                let response = try await client.executeRequest(
                    uri: "/organizer", method: .get, headers: headers, body: nil)
                calls.made.append((Int(response.status.code), authorization == nil ? nil : hanoi.id))
                return response
            }
            let basic = "Basic " + Data("ban-to-chuc:\(hanoi.token)".utf8).base64EncodedString()
            let provincePage = try await page(basic)
            #expect(provincePage.status == .ok)
            let html = String(decoding: provincePage.body.readableBytesView, as: UTF8.self)
            #expect(html.contains("<b>province:Hà Nội</b>") && html.contains("<p class=\"total\">5</p>"))
            #expect(
                html.contains("ha-noi-cau-giay") && html.contains("ha-noi-dong-da") && !html.contains("hue-phu-xuan"))
            #expect(html.contains("/api/organizer/export/pledges?format=xlsx"))
            // Its export links open in the same browser, with the same Basic password (trial: 401).
            let linked = try await client.executeRequest(
                uri: "/api/organizer/export/counts?format=csv&by=province", method: .get,
                headers: [.authorization: basic], body: nil)
            calls.made.append((Int(linked.status.code), hanoi.id))
            #expect(linked.status == .ok)
            #expect(String(decoding: linked.body.readableBytesView, as: UTF8.self).contains("\"Tổng · total\",5"))
            let challenged = try await page(nil)
            #expect(challenged.status == .unauthorized)
            #expect(challenged.headers[.wwwAuthenticate]?.hasPrefix("Basic realm=\"hub-organizer\"") == true)

            // No token, a malformed one, one of no account, a revoked account's: 401.
            let missing = try await get("/api/organizer/counts", nil)
            #expect(missing.status == .unauthorized)
            #expect(try HubFixture.problem(missing).code == "organizer-token-required")
            #expect(missing.headers[.wwwAuthenticate] == "Bearer realm=\"hub-organizer\"")
            let garbled = try await Self.get(
                client, "/api/organizer/events", token: "not-a-token", calls: calls, organizer: nil)
            #expect(garbled.status == .unauthorized)
            let stranger = try await Self.get(
                client, "/api/organizer/export/pledges", token: OrganizerToken.random().text, calls: calls,
                organizer: nil)
            #expect(stranger.status == .unauthorized)
            #expect(stranger.headers[.wwwAuthenticate]?.contains("invalid_token") == true)
            #expect(try await store.revokeOrganizer(id: hanoi.id, at: Date()))
            #expect(try await get("/api/organizer/counts", hanoi).status == .unauthorized)

            // Every call, allowed or refused, is one row of the audit log, newest first.
            let audit = try await store.auditEntries(limit: 1000)
            #expect(audit.count == calls.made.count)
            #expect(audit.reversed().map(\.status) == calls.made.map(\.status))
            #expect(audit.reversed().map(\.organizer) == calls.made.map(\.organizer))
            #expect(audit.contains { $0.action == "GET /api/organizer/export/pledges" && $0.scope == "province:Huế" })
            #expect(audit.filter { $0.status == 403 }.count == 4)
            // No personal data anywhere in the table: no signer's name, no token, no query text.
            let table = try await database.psql("SELECT * FROM hub_audit")
            for name in Self.names { #expect(!table.contains(name)) }
            #expect(!table.contains("kmo1."))
            #expect(!table.contains("?"))
            let columns = try await database.psql(
                "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'hub_audit'"
            )
            #expect(columns.trimmingCharacters(in: .whitespacesAndNewlines) == "id,organizer_id,action,scope,status,at")
            // Nor in any export read above.
            for response in [allCSV, provinceCSV, provinceJSON] {
                let text = String(decoding: response.body.readableBytesView, as: UTF8.self)
                for name in Self.names { #expect(!text.contains(name)) }
            }
        }
    }

    @Test("Online pledges (made at the hub with no event) are in the national scope only, not in Hà Nội's")
    func onlinePledgesBelongToNoProvince() async throws {
        try await Self.withSyncedHub { store, _, client in
            _ = try await store.onlineEvent(retainUntil: nil)
            let draft = try PledgeDraft(
                name: nil, ageBand: .from18To24, province: Province(matching: "Đà Nẵng"), school: nil,
                guardianConsent: false
            ).validated()
            _ = try await store.recordWebPledge(
                draft, key: try IdempotencyKey("online-1"), event: HubEvent.onlineID, at: Date())
            let national = try await Self.add("national", to: store)
            let hanoi = try await Self.add("province:Hà Nội", to: store)
            let calls = Calls()
            func total(_ uri: String, _ account: (id: Int, token: String)) async throws -> Int {
                try Self.decode(
                    Breakdown.self, try await Self.get(client, uri, token: account.token, calls: calls, organizer: nil)
                ).total
            }
            #expect(try await total("/api/organizer/counts", national) == 10)
            #expect(try await total("/api/organizer/counts", hanoi) == 5)
            let events = try Self.decode(
                Events.self,
                try await Self.get(client, "/api/organizer/events", token: hanoi.token, calls: calls, organizer: nil))
            #expect(!events.events.contains { $0.event == HubEvent.onlineID.rawValue })
            let asked = try await Self.get(
                client, "/api/organizer/counts?event=online", token: hanoi.token, calls: calls, organizer: nil)
            #expect(asked.status == .forbidden)
            #expect(
                !Self.csvEvents(
                    try await Self.get(
                        client, "/api/organizer/export/pledges", token: hanoi.token, calls: calls, organizer: nil)
                ).contains(HubEvent.onlineID.rawValue))
        }
    }

    @Test("A flood of bad tokens from one address is cut off with 429 before the audit log")
    func badTokenFloodIsLimited() async throws {
        try await Self.withSyncedHub { store, _, client in
            var statuses: [Int] = []
            for _ in 0..<60 {
                let response = try await client.executeRequest(
                    uri: "/api/organizer/counts", method: .get,
                    headers: [.authorization: "Bearer \(OrganizerToken.random().text)"], body: nil)
                statuses.append(Int(response.status.code))
                if response.status == .tooManyRequests { #expect(response.headers[.retryAfter] != nil) }
            }
            let refused = statuses.filter { $0 == 401 }.count
            #expect(statuses.contains(429))
            #expect(refused + statuses.filter { $0 == 429 }.count == 60)
            // Each 401 has its audit row; the 429s have none.
            #expect(try await store.auditEntries(limit: 1000).count == refused)
        }
    }

    @Test("An export reads its scope page by page, each pledge once, in the order stored")
    func exportPages() async throws {
        try await Self.withSyncedHub { store, _, _ in
            let rows = store.exportRows(scope: try OrganizerScope(parsing: "province:Hà Nội"))
            var cursor: Int64? = nil
            var pages: [[String]] = []
            repeat {
                let page = try await rows.exportPage(
                    after: cursor, limit: 2, includePersonalData: false, into: [String]()
                ) { events, record in
                    events.append(String(decoding: record.eventID, as: UTF8.self))
                }
                pages.append(page.output)
                #expect(page.rows == page.output.count)
                cursor = page.next
            } while cursor != nil
            // Five pledges of Hà Nội's two events, synced in that order: pages of at most two.
            #expect(pages.map(\.count) == [2, 2, 1])
            #expect(pages.flatMap { $0 } == Self.repeated(("ha-noi-dong-da", 3), ("ha-noi-cau-giay", 2)))
        }
    }

    @Test("An event scope must name a registered event; a province scope one of the 34")
    func scopesAreChecked() async throws {
        try await HubFixture.with { hub in
            _ = try await hub.addEvent("hue-2026", name: "Ngày hội Huế")
            let unknown = await #expect(throws: HubError.self) {
                _ = try await hub.store.addOrganizer(
                    name: "Ban tổ chức", scope: .event(EventID("no-such-event")!), tokenHash: "hash-1")
            }
            #expect(unknown?.kind == .unknownEvent)
            #expect(throws: HubError.self) { _ = try OrganizerScope(parsing: "province:Hà Tây") }
            #expect(throws: HubError.self) { _ = try OrganizerScope(parsing: "region:north") }
            #expect(throws: HubError.self) { _ = try OrganizerScope(parsing: "event:bad id") }
            #expect(try OrganizerScope(parsing: "province:TP. Hồ Chí Minh").description == "province:Hồ Chí Minh")
            #expect(try await hub.store.organizers().isEmpty)
        }
    }
}
