import ArgumentParser
import Foundation
import KioskAPI
import PledgeExport
import PledgeKit
import PledgeStore

/// `kiosk counts`: pledge counts of the configured event, for organizers.
struct Counts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print pledge counts: total, by age band and by province, or by any dimensions (--by).",
        discussion: """
            --by groups every event in the database by any of event, kiosk, day, hour, age-band, \
            province (day and hour in Vietnam time). Every breakdown ends with its total; the parts \
            add up to it, pledges without a province in "unknown". --public merges groups below k \
            into "other", for figures that leave the organizers' hands.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

    @OptionGroup var store: StoreOptions

    @Option(help: "Output format: table, json or csv (RFC 4180).")
    var format: Format = .table

    @Option(help: "Group by these dimensions, comma-separated: event, kiosk, day, hour, age-band, province, channel.")
    var by: String?

    @Flag(help: "Merge groups smaller than k into \"other\" (for figures published outside the organizers).")
    var `public` = false

    @Option(help: "The smallest group a public breakdown shows (k-anonymity).")
    var k: Int = Breakdown.defaultMinimumGroupSize

    func validate() throws {
        if let by {
            do { _ = try CountDimension.list(by) } catch {
                throw ValidationError(error.message.vi + " · " + error.message.en)
            }
        }
        if k < 2 { throw ValidationError("--k phải từ 2 trở lên, không phải \(k) · --k must be at least 2, not \(k).") }
        if `public` && by == nil {
            throw ValidationError(
                "--public cần --by (nhóm theo gì) · --public needs --by (the dimensions to group by).")
        }
    }

    func run() async throws {
        let configuration = try store.loadConfiguration()
        let pledges = try store.openExistingStore(configuration)
        if let by {
            var breakdown = try await pledges.breakdown(by: try CountDimension.list(by))
            if `public` { breakdown = breakdown.anonymized(minimumGroupSize: k) }
            print(BreakdownReport(breakdown: breakdown).render(format), terminator: "")
            return
        }
        let counts = try await pledges.counts()
        print(CountsReport(counts: counts, eventID: configuration.eventID).render(format), terminator: "")
    }
}

/// Counts as a table, JSON or CSV. Rows follow a fixed order: age bands youngest first, then
/// provinces in the order of the 2025 resolution, then "unknown".
struct CountsReport {
    let counts: PledgeCounts
    let eventID: String

    var rows: [(dimension: String, bucket: String, count: Int)] {
        var rows: [(String, String, Int)] = [("total", "", counts.total)]
        for band in AgeBand.allCases {
            rows.append(("ageBand", band.rawValue, counts.byAgeBand[band.rawValue] ?? 0))
        }
        for province in Province.all where counts.byProvince[province.name] != nil {
            rows.append(("province", province.name, counts.byProvince[province.name]!))
        }
        rows.append(("province", "unknown", counts.byProvince["unknown"] ?? 0))
        return rows
    }

    func render(_ format: Counts.Format) -> String {
        switch format {
        case .json:
            return String(decoding: (try? WireJSON.encode(counts, pretty: true)) ?? Data(), as: UTF8.self) + "\n"
        case .csv:
            // RFC 4180: CRLF line ends; fields quoted, with inner quotes doubled.
            func field(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            return
                (["event,dimension,bucket,count"]
                + rows.map { "\(field(eventID)),\(field($0.dimension)),\(field($0.bucket)),\($0.count)" })
                .joined(separator: "\r\n") + "\r\n"
        case .table:
            // For people: each row's dimension and bucket Vietnamese first (trial: `ageBand under-12`).
            let labels = rows.map { row in
                let dimension = ExportTable.heading(row.dimension)
                let bucket = row.bucket == "unknown" ? "không rõ · unknown" : row.bucket
                return bucket.isEmpty ? dimension : "\(dimension): \(bucket)"
            }
            let width = labels.map(\.count).max() ?? 10
            return "Sự kiện / event: \(eventID)\n"
                + zip(labels, rows).map { label, row in
                    label.padding(toLength: width + 2, withPad: " ", startingAt: 0) + VietnameseText.number(row.count)
                }.joined(separator: "\n") + "\n"
        }
    }
}
