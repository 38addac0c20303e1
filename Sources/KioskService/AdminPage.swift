import Foundation
import PledgeKit

/// The organizer page: the total, one table per dimension (each with its total and its
/// "unknown" bucket), kiosk status, and pledges per hour as an SVG chart drawn here on the
/// server, so the page needs no JavaScript.
struct AdminPage {
    let breakdowns: [Breakdown]
    let hours: Breakdown
    let kiosks: [KioskActivity]
    let eventName: String

    static let titles: [CountDimension: String] = [
        .event: "Theo sự kiện · by event", .kiosk: "Theo kiosk · by kiosk", .day: "Theo ngày · by day",
        .hour: "Theo giờ · by hour", .ageBand: "Theo độ tuổi · by age band", .province: "Theo tỉnh · by province",
    ]

    var html: String {
        let total = hours.total
        let tables = breakdowns.map(table).joined(separator: "\n")
        let kioskRows = kiosks.map {
            "<tr><td>\(HTML.escape($0.eventID))</td><td>\(HTML.escape($0.kioskID))</td>"
                + "<td class=\"n\">\(VietnameseText.number($0.pledges))</td>"
                + "<td>\(CertificatePage.vietnameseDateTime($0.lastPledgeAt))</td></tr>"
        }.joined()
        return """
            <!doctype html>
            <html lang="vi">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Ban tổ chức – Không một mình</title>
            <style>
              body { font-family: "Noto Sans", system-ui, sans-serif; margin: 1rem auto; max-width: 60rem; padding: 0 1rem; color: #1d1d1b; }
              h1 { color: #0b4f6c; } .en { color: #555; }
              .total { font-size: 3rem; font-weight: 800; margin: 0; }
              table { border-collapse: collapse; margin: .5rem 0 1.5rem; min-width: 20rem; }
              td, th { border-bottom: 1px solid #ddd; padding: .25rem .75rem; text-align: left; }
              .n { text-align: right; font-variant-numeric: tabular-nums; }
              tfoot td { font-weight: 700; border-top: 2px solid #0b4f6c; }
              section { display: inline-block; vertical-align: top; margin-right: 2rem; }
            </style>
            </head>
            <body>
            <h1>Không một mình · <span class="en" lang="en">organizers</span></h1>
            <p>\(HTML.escape(eventName))</p>
            <p class="total">\(VietnameseText.number(total))</p>
            <p>lời cam kết · <span class="en" lang="en">pledges</span></p>
            <h2>Số cam kết mỗi giờ (giờ Việt Nam) · <span class="en" lang="en">pledges per hour (Vietnam time)</span></h2>
            \(HourChart(hours: hours).svg)
            \(tables)
            <h2>Kiosk</h2>
            <table><thead><tr><th>sự kiện · event</th><th>kiosk</th><th class="n">cam kết · pledges</th><th>lần cuối · last</th></tr></thead>
            <tbody>\(kioskRows)</tbody></table>
            </body>
            </html>
            """
    }

    func table(_ breakdown: Breakdown) -> String {
        let dimension = breakdown.dimensions.first ?? .event
        let rows = breakdown.buckets.map {
            "<tr><td>\(Self.label($0.values.first ?? "", dimension: dimension))</td>"
                + "<td class=\"n\">\(VietnameseText.number($0.count))</td></tr>"
        }.joined()
        return """
            <section><h2>\(Self.titles[dimension] ?? dimension.rawValue)</h2>
            <table><tbody>\(rows)</tbody>
            <tfoot><tr><td>Tổng · total</td><td class="n">\(VietnameseText.number(breakdown.total))</td></tr></tfoot></table></section>
            """
    }
}

extension AdminPage {
    /// A bucket value as people read it, as HTML: age bands as their labels ("12–15 tuổi"),
    /// "unknown" and "other" in words, days as Vietnamese write them (10/10/2025); English second,
    /// like the rest of the page. Province names, events and kiosks are shown as they are.
    static func label(_ value: String, dimension: CountDimension) -> String {
        func both(_ vi: String, _ en: String) -> String {
            "\(HTML.escape(vi)) · <span class=\"en\" lang=\"en\">\(HTML.escape(en))</span>"
        }
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
            return HTML.escape("\(parts[2])/\(parts[1])/\(parts[0])")
        default: break
        }
        return HTML.escape(value)
    }
}

/// Pledges per hour as an SVG bar chart, one bar per hour from the first to the last hour with
/// pledges (at most the last 72), labelled in Vietnam time.
struct HourChart {
    let hours: Breakdown

    var svg: String {
        let counts = Dictionary(hours.buckets.map { ($0.values[0], $0.count) }, uniquingKeysWith: +)
        let labels = Self.hourRange(counts.keys.sorted()).suffix(72)
        guard !labels.isEmpty else {
            return "<p>Chưa có lời cam kết nào. · <span lang=\"en\">No pledges yet.</span></p>"
        }
        let width = 900.0
        let height = 240.0
        let bottom = 200.0
        let barWidth = width / Double(labels.count)
        let maximum = max(1, labels.map { counts[$0] ?? 0 }.max() ?? 1)
        var parts: [String] = []
        for (index, label) in labels.enumerated() {
            let count = counts[label] ?? 0
            let barHeight = (bottom - 20) * Double(count) / Double(maximum)
            let x = Double(index) * barWidth
            parts.append(
                String(
                    format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#0b4f6c\">",
                    x + 1, bottom - barHeight, max(1, barWidth - 2), barHeight)
                    + "<title>\(HTML.escape(label)): \(count)</title></rect>")
            if label.hasSuffix("T00:00") || index == 0 {
                parts.append(
                    String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">", x + 1, bottom + 16)
                        + "\(HTML.escape(String(label.prefix(10))))</text>")
            }
        }
        parts.append("<text x=\"0\" y=\"12\" font-size=\"11\">\(VietnameseText.number(maximum))</text>")
        parts.append("<line x1=\"0\" y1=\"\(bottom)\" x2=\"\(width)\" y2=\"\(bottom)\" stroke=\"#333\"/>")
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" width="100%" role="img" aria-label="Số cam kết mỗi giờ">\(parts.joined())</svg>
            """
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
