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

    /// ISO 8601 in Vietnam time (UTC+7 all year), to the second: `2025-10-10T09:30:05+07:00`.
    public static func vietnamTime(_ date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(25)
        appendVietnamTime(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``vietnamTime(_:)`` as UTF-8 without making a String (the export's hot loop).
    public static func appendVietnamTime(_ date: Date, to bytes: inout [UInt8]) {
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + 7 * 3600
        let (days, seconds) = local.quotientAndRemainder(dividingBy: 86400)
        // Before 1970 the remainder is negative: borrow a day.
        let civil = CivilDate(daysSince1970: seconds < 0 ? days - 1 : days)
        let time = seconds < 0 ? seconds + 86400 : seconds
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8((value / divisor) % 10))
                divisor /= 10
            }
        }
        digits(civil.year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(civil.month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(civil.day, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(time / 3600, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(time / 60 % 60, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(time % 60, 2)
        bytes.append(contentsOf: "+07:00".utf8)
    }
}
