import Foundation
import HubCore
import PledgeKit

/// The hub's organizer page for one account's scope (issue 15, item 3): its events with their
/// last sync, acknowledged sequence and held rows; exact counts by province, event, age band, day
/// and channel as tables; links to the scope's exports (template `Templates/hub-organizer.mustache`).
/// Every number is an answer of the organizer API for the same scope (`/api/organizer/events`,
/// `/api/organizer/counts?by=…`).
public struct HubOrganizerPage: Sendable {
    let account: String
    let scope: OrganizerScope
    let events: [HubEventStatus]
    let breakdowns: [Breakdown]

    /// - Parameters:
    ///   - account: the account's name (a team's label, never a signer's).
    ///   - breakdowns: one table each, in this order (a breakdown by one dimension).
    public init(account: String, scope: OrganizerScope, events: [HubEventStatus], breakdowns: [Breakdown]) {
        self.account = account
        self.scope = scope
        self.events = events
        self.breakdowns = breakdowns
    }

    /// The dimensions of the page's tables, in order.
    public static let dimensions: [CountDimension] = [.province, .event, .ageBand, .day, .channel]

    /// The page, UTF-8 HTML.
    public var html: String { BuiltInPages.render("hub-organizer", context) }

    var context: [String: Any] {
        [
            "account": account,
            "scope": scope.description,
            "total": VietnameseText.number(breakdowns.first?.total ?? 0),
            "hasEvents": !events.isEmpty,
            "events": events.map { event -> [String: Any] in
                [
                    "event": event.event, "name": event.name, "province": event.province,
                    "date": CivilDate(event.date)?.displayText.vi ?? event.date,
                    "pledges": VietnameseText.number(event.pledges), "acknowledged": String(event.acknowledged),
                    "heldRows": VietnameseText.number(event.heldRows), "held": event.heldRows > 0,
                    "lastSync": event.lastSyncAt.flatMap(Self.vietnamTime) ?? false,
                ]
            },
            "tables": breakdowns.map(AdminPage.table),
        ]
    }

    /// An RFC 3339 time as the organizers read it (Vietnam time); nil when it is not one.
    static func vietnamTime(_ text: String) -> String? {
        guard let date = try? Date(text, strategy: .iso8601) else { return nil }
        return CertificatePage.vietnameseDateTime(date)
    }
}
