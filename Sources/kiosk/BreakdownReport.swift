import Foundation
import KioskAPI
import PledgeExport
import PledgeKit

/// A breakdown as a table, JSON or CSV; the last row is always the total.
struct BreakdownReport {
    let breakdown: Breakdown

    func render(_ format: Counts.Format) -> String {
        switch format {
        case .json:
            return String(decoding: (try? WireJSON.encode(breakdown, pretty: true)) ?? Data(), as: UTF8.self) + "\n"
        case .csv:
            // RFC 4180 without the BOM: this goes to a terminal or a pipe, not to Excel.
            let encoder = CSVEncoder()
            let columns = ExportTable.countColumns(breakdown)
            var bytes = encoder.line(columns.map(ExportCell.text))
            for row in ExportTable.countRows(breakdown, forPeople: false) { bytes += encoder.row(columns, row) }
            return String(decoding: bytes, as: UTF8.self)
        case .table:
            let header =
                breakdown.dimensions.isEmpty ? ["", "count"] : breakdown.dimensions.map(\.rawValue) + ["count"]
            var rows = breakdown.buckets.map { $0.values + [VietnameseText.number($0.count)] }
            rows.append(
                ["Tổng · total"] + breakdown.dimensions.dropFirst().map { _ in "" }
                    + [VietnameseText.number(breakdown.total)])
            let all = [header] + rows
            let widths = (0..<header.count).map { column in all.map { $0[column].count }.max() ?? 0 }
            var text = all.map { row in
                row.enumerated().map { column, cell in
                    column == row.count - 1
                        ? String(repeating: " ", count: widths[column] - cell.count) + cell
                        : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                }.joined(separator: "  ")
            }.joined(separator: "\n")
            if let k = breakdown.minimumGroupSize {
                text += "\nNhóm nhỏ hơn \(k) gộp vào “other”. · Groups below \(k) merged into “other”."
            }
            return text + "\n"
        }
    }
}
