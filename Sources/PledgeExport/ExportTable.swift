import Foundation
import PledgeKit

/// The columns and rows of the two exports: pledges and counts.
public enum ExportTable {
    /// Columns of a pledge export. Personal data (name, school) and the certificate code, which
    /// opens the certificate page, come only when asked for.
    public static func pledgeColumns(includePersonalData: Bool) -> [String] {
        ["number", "event", "kiosk", "createdAt", "ageBand", "province", "guardianConsent"]
            + (includePersonalData ? ["name", "school", "code"] : [])
    }

    public static func pledgeRow(_ pledge: Pledge, includePersonalData: Bool) -> [ExportCell] {
        var cells: [ExportCell] = [
            .number(pledge.number), .text(pledge.eventID), .text(pledge.kioskID),
            .text(vietnamTime(pledge.createdAt)), .text(pledge.ageBand.rawValue),
            pledge.province.map { .text($0.name) } ?? .null, .bool(pledge.guardianConsent),
        ]
        if includePersonalData {
            cells += [
                pledge.name.map(ExportCell.text) ?? .null, pledge.school.map(ExportCell.text) ?? .null,
                .text(pledge.code.rawValue),
            ]
        }
        return cells
    }

    /// Columns of a counts export: one per dimension, then `count`.
    public static func countColumns(_ breakdown: Breakdown) -> [String] {
        breakdown.dimensions.map(\.rawValue) + ["count"]
    }

    /// The buckets, then a last row "total" with the total they add up to.
    public static func countRows(_ breakdown: Breakdown) -> [[ExportCell]] {
        let buckets = breakdown.buckets.map { $0.values.map(ExportCell.text) + [.number($0.count)] }
        let total: [ExportCell] =
            breakdown.dimensions.isEmpty
            ? [.number(breakdown.total)]
            : [.text("total")] + breakdown.dimensions.dropFirst().map { _ in .null } + [.number(breakdown.total)]
        return buckets + [total]
    }

    /// ISO 8601 in Vietnam time: `2025-10-10T09:30:05+07:00`.
    public static func vietnamTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600)!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d+07:00", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}
