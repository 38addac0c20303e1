import PledgeKit

/// The live page for the projector: large digits, one line per event when there are several,
/// Vietnamese first (template `Templates/live.mustache`); its script connects it to the
/// counter's event stream.
public enum LivePage {
    /// - Parameters:
    ///   - total: pledges of every event.
    ///   - events: each event's pledges; listed only when there are two or more (one would just
    ///     repeat the total).
    ///   - presenceLink: the web flow's link with the presence code of the moment (`…/P/CODE`):
    ///     its QR (`/presence/qr.svg`) and code in a corner; nil: none.
    ///   - places: the hub's lines instead of events' (a province's name, `online` or `other`, and
    ///     its pledges), already published (no group below k); nil: the events' lines.
    /// - Returns: the page, UTF-8 HTML.
    public static func html(
        total: Int, events: [EventTotal], eventName: String, presenceLink: String? = nil,
        places: [(name: String, count: Int)]? = nil
    ) -> String {
        let lines =
            if let places {
                places.map { ["count": VietnameseText.number($0.count), "eventID": placeLabel($0.name)] }
            } else {
                events.count < 2
                    ? [] : events.map { ["count": VietnameseText.number($0.count), "eventID": $0.eventID] }
            }
        var context: [String: Any] = ["total": VietnameseText.number(total), "eventName": eventName, "events": lines]
        if let presenceLink {
            context["presence"] = ["code": PresenceCodes.shownCode(inLink: presenceLink)]
        }
        return BuiltInPages.render("live", context)
    }

    /// A place line's label: a province's name as it is, the merged and online buckets in
    /// Vietnamese and English (`live.js` writes the same).
    static func placeLabel(_ name: String) -> String {
        switch name {
        case "other": "Nơi khác · Elsewhere"
        case "online": "Trực tuyến · Online"
        default: name
        }
    }

    /// `live.js`: EventSource reconnects by itself (the `retry` field); numbers use "." between
    /// thousands, as ``VietnameseText/number(_:)`` writes them.
    public static let script = String(decoding: PackageResources.live_js, as: UTF8.self)
}
