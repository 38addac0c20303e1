import Foundation
import PledgeKit

/// The columns and rows of the two exports: pledges and counts.
public enum ExportTable {
    /// Columns of a pledge export: `channel` is ``PledgeChannel`` (`kiosk` or `phone`), from the
    /// kiosk id (a phone's pledges are the reserved kiosk `phone`). Personal data (name, school) and the certificate code, which
    /// opens the certificate page, come only when asked for.
    public static func pledgeColumns(includePersonalData: Bool) -> [String] {
        ["number", "event", "kiosk", "channel", "createdAt", "ageBand", "province", "guardianConsent"]
            + (includePersonalData ? ["name", "school", "code"] : [])
    }

    /// A column's heading in a spreadsheet (CSV and XLSX, at the event service and the hub):
    /// Vietnamese first, then its key after ` · `, the project's vi/en pair, e.g.
    /// `Độ tuổi · ageBand`. People read the first part; a program finds the key after the last
    /// ` · ` (JSON Lines, the machine format, names its members by the keys alone). One header
    /// row, not two: a second would be a data row to every CSV reader and to a sheet's filters.
    /// A key with no Vietnamese name (none today) is its own heading.
    public static func heading(_ key: String) -> String {
        guard let name = vietnameseNames[key] else { return key }
        return "\(name) · \(key)"
    }

    /// The Vietnamese name of each column key: the pledge columns, the count dimensions
    /// (``CountDimension``'s raw values) and `count`.
    static let vietnameseNames: [String: String] = [
        "number": "Số thứ tự", "event": "Sự kiện", "kiosk": "Kiosk", "channel": "Kênh",
        "createdAt": "Thời điểm ký", "ageBand": "Độ tuổi", "province": "Tỉnh, thành phố",
        "guardianConsent": "Cha mẹ/người giám hộ đồng ý", "name": "Họ và tên", "school": "Trường",
        "code": "Mã giấy chứng nhận",
        "day": "Ngày", "hour": "Giờ", "age-band": "Độ tuổi", "count": "Số người ký", "total": "Tổng",
    ]

    /// The cells of a record, in the order of ``pledgeColumns(includePersonalData:)`` (for
    /// encoders that take cells; the CSV encoder writes the record's bytes directly).
    public static func pledgeRow(_ record: ExportRecord, includePersonalData: Bool) -> [ExportCell] {
        func text(_ bytes: UnsafeBufferPointer<UInt8>?) -> ExportCell {
            bytes.map { .text(String(decoding: $0, as: UTF8.self)) } ?? .null
        }
        var cells: [ExportCell] = [
            .number(record.number), text(record.eventID), text(record.kioskID),
            .text(PledgeChannel(kioskIDUTF8: record.kioskID).rawValue),
            .text(vietnamTime(secondsSince1970: record.createdAt)), text(record.ageBand), text(record.province),
            .bool(record.guardianConsent),
        ]
        if includePersonalData {
            cells += [text(record.name), text(record.school), text(record.code)]
        }
        return cells
    }

    /// Columns of a counts export: one per dimension, then `count`.
    public static func countColumns(_ breakdown: Breakdown) -> [String] {
        breakdown.dimensions.map(\.rawValue) + ["count"]
    }

    /// One row per bucket: its values, then its count (the columns of ``countColumns(_:)``).
    public static func bucketRows(_ breakdown: Breakdown) -> [[ExportCell]] {
        breakdown.buckets.map { $0.values.map(ExportCell.text) + [.number($0.count)] }
    }

    /// The buckets, then a last row with the total they add up to, labelled in its first column
    /// `Tổng · total` for people (a spreadsheet: ``heading(_:)``'s pair) or `total` for programs
    /// (the CLI's CSV). JSON Lines writes the total as a line of its own member instead
    /// (``totalLine(_:)``).
    public static func countRows(_ breakdown: Breakdown, forPeople: Bool) -> [[ExportCell]] {
        let buckets = bucketRows(breakdown)
        let label = forPeople ? heading("total") : "total"
        let total: [ExportCell] =
            breakdown.dimensions.isEmpty
            ? [.number(breakdown.total)]
            : [.text(label)] + breakdown.dimensions.dropFirst().map { _ in .null } + [.number(breakdown.total)]
        return buckets + [total]
    }

    /// The total of a counts export in JSON Lines: `{"total":N}`, a member no bucket's line has
    /// (a kiosk named `total` is `{"kiosk":"total","count":…}`).
    public static func totalLine(_ breakdown: Breakdown) -> (columns: [String], cells: [ExportCell]) {
        (["total"], [.number(breakdown.total)])
    }

    /// ISO 8601 in Vietnam time (UTC+7 all year), to the second: `2025-10-10T09:30:05+07:00`.
    public static func vietnamTime(_ date: Date) -> String {
        vietnamTime(secondsSince1970: Int(date.timeIntervalSince1970.rounded(.down)))
    }

    /// ``vietnamTime(_:)`` of whole seconds since 1970-01-01T00:00:00Z.
    public static func vietnamTime(secondsSince1970 seconds: Int) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(25)
        appendVietnamTime(secondsSince1970: seconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``vietnamTime(secondsSince1970:)`` as UTF-8 without making a String (the
    /// export's hot loop).
    public static func appendVietnamTime(secondsSince1970 utc: Int, to bytes: inout [UInt8]) {
        let local = utc + VietnamTime.offsetSeconds
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
