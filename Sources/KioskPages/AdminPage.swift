import Foundation
import PledgeKit

/// The organizer page: the total, one table per dimension (each with its total and its
/// "unknown" bucket), kiosk status, and pledges per hour as an SVG chart drawn here on the
/// server, so the page needs no JavaScript (template `Templates/admin.mustache`).
public struct AdminPage: Sendable {
    let breakdowns: [Breakdown]
    let hours: Breakdown
    let kiosks: [KioskActivity]
    let eventName: String
    let hub: HubLinkStatus?

    /// - Parameters:
    ///   - breakdowns: one table each, in this order (a breakdown by one dimension).
    ///   - hours: the breakdown by hour (`yyyy-MM-ddTHH:00`, Vietnam time) the chart and the total come from.
    ///   - hub: the link to the national hub (linked or not, backlog, held rows, last contact); nil: not shown.
    public init(
        breakdowns: [Breakdown], hours: Breakdown, kiosks: [KioskActivity], eventName: String,
        hub: HubLinkStatus? = nil
    ) {
        self.breakdowns = breakdowns
        self.hours = hours
        self.kiosks = kiosks
        self.eventName = eventName
        self.hub = hub
    }

    static let titles: [CountDimension: String] = [
        .event: "Theo sự kiện · by event", .kiosk: "Theo kiosk · by kiosk", .day: "Theo ngày · by day",
        .hour: "Theo giờ · by hour", .ageBand: "Theo độ tuổi · by age band", .province: "Theo tỉnh · by province",
        .channel: "Theo kênh · by channel",
    ]

    /// The page, UTF-8 HTML.
    public var html: String {
        BuiltInPages.render("admin", context)
    }

    var context: [String: Any] {
        [
            "eventName": eventName,
            "total": VietnameseText.number(hours.total),
            "chart": HourChart(hours: hours).context ?? false,
            "tables": breakdowns.map(Self.table),
            "kiosks": kiosks.map {
                [
                    "eventID": $0.eventID, "kioskID": $0.kioskID, "pledges": VietnameseText.number($0.pledges),
                    "last": CertificatePage.vietnameseDateTime($0.lastPledgeAt),
                ]
            },
            "hub": hub.map(Self.hubContext) ?? false,
        ]
    }

    /// The hub section's values: held rows with their reasons, times in Vietnam time.
    static func hubContext(_ hub: HubLinkStatus) -> [String: Any] {
        [
            "linked": hub.linked, "backlog": VietnameseText.number(hub.backlog),
            "acknowledged": String(hub.acknowledged), "base": hub.certificateBaseURL ?? false,
            "lastContact": hub.lastContact.map(CertificatePage.vietnameseDateTime) ?? false,
            "lastError": hub.lastError ?? false,
            "lastErrorAt": hub.lastErrorAt.map(CertificatePage.vietnameseDateTime) ?? "",
            "hasHeld": !hub.held.isEmpty,
            "heldCount": VietnameseText.number(max(hub.heldCount, hub.held.count)),
            "held": hub.held.map {
                [
                    "sequence": String($0.sequence), "kind": $0.kind, "number": $0.number.map(String.init) ?? "",
                    "reason": $0.reason,
                ]
            },
        ]
    }

    /// A breakdown by one dimension as a table's values (title, rows, total); the hub's
    /// organizer page shows its tables the same way.
    static func table(_ breakdown: Breakdown) -> [String: Any] {
        let dimension = breakdown.dimensions.first ?? .event
        return [
            "title": Self.titles[dimension] ?? dimension.rawValue,
            "rows": breakdown.buckets.map { bucket -> [String: Any] in
                var row = Self.label(bucket.values.first ?? "", dimension: dimension)
                row["count"] = VietnameseText.number(bucket.count)
                return row
            },
            "total": VietnameseText.number(breakdown.total),
        ]
    }
}

extension AdminPage {
    /// A bucket value as people read it: `label`, and `labelEn` when English differs. Age bands
    /// as their labels ("12–15 tuổi"), "unknown" and "other" in words, days as Vietnamese write
    /// them (10/10/2025), channels in words ("Tại kiosk"); English second, like the rest of the page. Province names, events and
    /// kiosks are shown as they are.
    static func label(_ value: String, dimension: CountDimension) -> [String: Any] {
        func both(_ vi: String, _ en: String) -> [String: Any] { ["label": vi, "labelEn": en] }
        switch value {
        case Breakdown.unknown: return both("Không rõ", "unknown")
        case Breakdown.other: return both("Khác", "other")
        default: break
        }
        switch dimension {
        case .ageBand:
            guard let band = AgeBand(rawValue: value) else { break }
            let en = band.label.en
            // "12–15" alone reads as a range of anything: "ages 12–15".
            return both(band.label.vi, en.contains(" ") ? en : "ages \(en)")
        case .day:
            let parts = value.split(separator: "-")
            guard parts.count == 3 else { break }
            return ["label": "\(parts[2])/\(parts[1])/\(parts[0])"]
        case .channel:
            guard let channel = PledgeChannel(rawValue: value) else { break }
            return both(channel.label.vi, channel.label.en)
        default: break
        }
        return ["label": value]
    }
}

/// Pledges per hour as an SVG bar chart, one bar per hour from the first to the last hour with
/// pledges (at most the last 72), labelled in Vietnam time; drawn by `Templates/admin.mustache`.
struct HourChart {
    let hours: Breakdown

    static let width = 900.0
    static let height = 240.0
    static let bottom = 200.0

    /// The chart's values for the template (coordinates in SVG user units, one decimal); nil
    /// when there is no pledge yet.
    var context: [String: Any]? {
        let counts = Dictionary(hours.buckets.map { ($0.values[0], $0.count) }, uniquingKeysWith: +)
        let labels = Self.hourRange(counts.keys.sorted()).suffix(72)
        guard !labels.isEmpty else { return nil }
        let (width, bottom) = (Self.width, Self.bottom)
        let barWidth = width / Double(labels.count)
        let maximum = max(1, labels.map { counts[$0] ?? 0 }.max() ?? 1)
        var bars: [[String: Any]] = []
        for (index, label) in labels.enumerated() {
            let count = counts[label] ?? 0
            let barHeight = (bottom - 20) * Double(count) / Double(maximum)
            let x = Double(index) * barWidth
            var bar: [String: Any] = [
                "x": Self.decimal(x + 1), "y": Self.decimal(bottom - barHeight),
                "barWidth": Self.decimal(max(1, barWidth - 2)), "barHeight": Self.decimal(barHeight),
                "hour": label, "count": String(count),
            ]
            if label.hasSuffix("T00:00") || index == 0 {
                bar["day"] = String(label.prefix(10))
                bar["dayY"] = Self.decimal(bottom + 16)
            }
            bars.append(bar)
        }
        return [
            "viewWidth": String(Int(width)), "viewHeight": String(Int(Self.height)), "bars": bars,
            "maximum": VietnameseText.number(maximum), "bottom": "\(bottom)", "width": "\(width)",
        ]
    }

    static func decimal(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    /// Every hour label from the first to the last (`yyyy-MM-ddTHH:00`), gaps included.
    static func hourRange(_ sorted: [String]) -> [String] {
        guard let first = sorted.first, let last = sorted.last, let start = date(first), let end = date(last)
        else { return sorted }
        var labels: [String] = []
        var hour = start
        while hour <= end, labels.count < 10_000 {
            labels.append(label(hour))
            hour += 3600
        }
        return labels
    }

    static let vietnam = VietnamTime.zone

    static func date(_ label: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = vietnam
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.date(from: label)
    }

    static func label(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = vietnam
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.string(from: date)
    }
}
