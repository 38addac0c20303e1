import Foundation
import PledgeKit

/// The hub's public national page (issue 15, item 3): the total, pledges per day and a breakdown
/// by province, each chart an SVG drawn here on the server (no JavaScript), readable on a phone
/// 390 px wide and on a projector (template `Templates/national.mustache`). It shows only what
/// the public counts API answers (`/api/public/counts`, `?by=day`, `?by=province`): groups below
/// k are already merged into `other` there.
public struct NationalPage: Sendable {
    let total: Int
    let byDay: Breakdown
    let byProvince: Breakdown

    /// - Parameters:
    ///   - total: the published total.
    ///   - byDay: the published breakdown by day (`yyyy-MM-dd`, Vietnam time).
    ///   - byProvince: the published breakdown by province.
    public init(total: Int, byDay: Breakdown, byProvince: Breakdown) {
        self.total = total
        self.byDay = byDay
        self.byProvince = byProvince
    }

    /// The page, UTF-8 HTML.
    public var html: String { BuiltInPages.render("national", context) }

    var context: [String: Any] {
        let merged = byDay.buckets.first { $0.values.first == Breakdown.other }?.count ?? 0
        return [
            "total": VietnameseText.number(total),
            // "No pledges yet" only when there are none: pledges not drawn yet (groups under 5)
            // have their own note.
            "none": total == 0,
            "days": DayChart(byDay: byDay).context ?? false,
            "otherDays": merged > 0 ? VietnameseText.number(merged) : false,
            "provinces": ProvinceChart(byProvince: byProvince).context ?? false,
        ]
    }
}

/// Pledges per day as vertical bars, from the first day with pledges to the last (at most the
/// last 62), gaps included; coordinates in SVG user units of a 400-wide box, one decimal.
struct DayChart {
    let byDay: Breakdown

    static let width = 400.0
    static let bottom = 170.0

    var context: [String: Any]? {
        var counts: [CivilDate: Int] = [:]
        for bucket in byDay.buckets {
            guard let text = bucket.values.first, let day = CivilDate(text) else { continue }
            counts[day, default: 0] += bucket.count
        }
        guard let first = counts.keys.min(), let last = counts.keys.max() else { return nil }
        var days: [CivilDate] = []
        var day = last
        while day >= first, days.count < 62 {
            days.append(day)
            day = CivilDate(daysSince1970: day.daysSince1970 - 1)
        }
        days.reverse()
        let maximum = max(1, days.map { counts[$0] ?? 0 }.max() ?? 1)
        let step = Self.width / Double(days.count)
        let bars = days.enumerated().map { index, day -> [String: Any] in
            let count = counts[day] ?? 0
            let height = (Self.bottom - 20) * Double(count) / Double(maximum)
            return [
                "x": HourChart.decimal(Double(index) * step + 1), "y": HourChart.decimal(Self.bottom - height),
                "barWidth": HourChart.decimal(max(1, step - 2)), "barHeight": HourChart.decimal(height),
                "day": day.displayText.vi, "count": VietnameseText.number(count),
            ]
        }
        return [
            "bars": bars, "maximum": VietnameseText.number(maximum), "bottom": HourChart.decimal(Self.bottom),
            "labelY": HourChart.decimal(Self.bottom + 18), "first": Self.short(days[0]),
            "last": Self.short(days[days.count - 1]), "single": days.count == 1,
        ]
    }

    /// `10/10` (day/month, as Vietnamese write it).
    static func short(_ day: CivilDate) -> String { "\(day.day)/\(day.month)" }
}

/// Pledges by province as horizontal bars, most first, "unknown" and "other" last; one row of
/// 26 units each in a 400-wide box: the name, the bar, the number.
struct ProvinceChart {
    let byProvince: Breakdown

    static let rowHeight = 26.0
    static let barStart = 160.0
    static let barSpace = 170.0

    var context: [String: Any]? {
        let rows = byProvince.buckets.filter { $0.count > 0 }.sorted { a, b in
            let (x, y) = (Self.rank(a), Self.rank(b))
            return x != y ? x < y : a.count > b.count
        }
        guard !rows.isEmpty else { return nil }
        let maximum = max(1, rows.map(\.count).max() ?? 1)
        let bars = rows.enumerated().map { index, bucket -> [String: Any] in
            let top = Double(index) * Self.rowHeight
            let width = max(1, Self.barSpace * Double(bucket.count) / Double(maximum))
            let label = AdminPage.label(bucket.values.first ?? "", dimension: .province)
            return [
                "label": label["label"] as? String ?? "", "labelY": HourChart.decimal(top + 18),
                "y": HourChart.decimal(top + 5), "barWidth": HourChart.decimal(width),
                "countX": HourChart.decimal(Self.barStart + width + 6), "count": VietnameseText.number(bucket.count),
            ]
        }
        return [
            "bars": bars, "height": HourChart.decimal(Double(rows.count) * Self.rowHeight + 4),
            "barStart": HourChart.decimal(Self.barStart),
        ]
    }

    /// Provinces first, then "unknown", then "other".
    static func rank(_ bucket: Breakdown.Bucket) -> Int {
        switch bucket.values.first {
        case Breakdown.other: 2
        case Breakdown.unknown: 1
        default: 0
        }
    }
}
