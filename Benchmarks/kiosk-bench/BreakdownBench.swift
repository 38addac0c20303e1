// `kiosk-bench breakdown`: the organizer's breakdowns (`PledgeStore.breakdown(by:)`, read from
// the aggregate tables) against a plain GROUP BY over the pledges table computing the same
// counts, both in process through GRDB on the same file. Checks both give the same buckets.
// Prints one Markdown table row (the slowest breakdown and the smallest speed-up) and appends a
// table of every breakdown to --notes.
//
//   kiosk-bench breakdown --database FILE [--event ID] [--repeat N] [--baseline-repeat M] [--notes FILE]
import ArgumentParser
import Foundation
import GRDB
import PledgeKit
import PledgeStore

struct BreakdownOptions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "breakdown", abstract: "B5: breakdowns against GROUP BY.")

    func run() async throws { try await breakdownBench(self) }

    @Option(help: "The seeded database (kiosk-bench seed).") var database: String?
    @Option(name: .customLong("event")) var eventID = "bench-event"
    @Option(name: .customLong("repeat"), help: "Breakdowns per dimension.") var repeats = 200
    @Option(name: .customLong("baseline-repeat"), help: "GROUP BY runs per dimension.") var baselineRepeats = 3
    @Option(help: "Markdown file the notes go to.") var notes: String?
}

/// The plain GROUP BY over `pledge` that computes the same buckets as a breakdown: the same
/// expressions the store applies to its aggregate (Vietnam time is UTC+7).
func scanExpression(_ dimension: CountDimension) -> String {
    switch dimension {
    case .event: "event_id"
    case .kiosk: "kiosk_id"
    case .day: "date(created_at, '+7 hours')"
    case .hour: "strftime('%Y-%m-%dT%H:00', created_at, '+7 hours')"
    case .ageBand: "age_band"
    case .province: "coalesce(province, '\(Breakdown.unknown)')"
    case .channel: "CASE kiosk_id WHEN 'phone' THEN 'phone' ELSE 'kiosk' END"
    }
}

func breakdownBench(_ options: BreakdownOptions) async throws {
    guard let path = options.database else {
        log("kiosk-bench breakdown: --database FILE is required")
        exit(2)
    }
    let store = try PledgeStore(
        path: path, eventID: options.eventID, defaultKioskID: "kiosk-01",
        links: try CertificateLinks(baseURL: "https://khongmotminh.example.vn"))
    var configuration = Configuration()
    configuration.readonly = true
    let scan = try DatabaseQueue(path: path, configuration: configuration)

    let cases: [[CountDimension]] = [
        [.ageBand], [.province], [.kiosk], [.day], [.hour], [.event], [.event, .ageBand, .province],
    ]
    var results: [(name: String, ours: Double, baseline: Double, buckets: Int, runs: Int)] = []
    for dimensions in cases {
        let name = dimensions.map(\.rawValue).joined(separator: ",")
        var breakdown = try await store.breakdown(by: dimensions)  // Warm: pages in the cache.
        var times: [Double] = []
        // Up to --repeat times, but at most about a second per breakdown (at least 5 times):
        // combinations that group pledge_count take hundreds of milliseconds each.
        for _ in 0..<options.repeats where times.count < 5 || times.reduce(0, +) < 1 {
            let start = DispatchTime.now().uptimeNanoseconds
            breakdown = try await store.breakdown(by: dimensions)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let columns = dimensions.map(scanExpression).joined(separator: ", ")
        let groups = (1...dimensions.count).map(String.init).joined(separator: ", ")
        let sql = "SELECT \(columns), count(*) FROM pledge GROUP BY \(groups)"
        var scanned: [Breakdown.Bucket] = []
        var baselineTimes: [Double] = []
        for _ in 0..<options.baselineRepeats {
            let start = DispatchTime.now().uptimeNanoseconds
            scanned = try await scan.read { db in
                try Row.fetchAll(db, sql: sql).map { row in
                    Breakdown.Bucket(
                        values: (0..<dimensions.count).map { row[$0] as String }, count: row[dimensions.count])
                }
            }
            baselineTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        guard Set(scanned) == Set(breakdown.buckets), breakdown.addsUp else {
            log("breakdown by \(name): the aggregate and the scan disagree")
            exit(1)
        }
        results.append((name, median(times), median(baselineTimes), breakdown.buckets.count, times.count))
        log("by \(name): \(f(median(times) * 1000, 3)) ms vs \(f(median(baselineTimes) * 1000)) ms")
    }
    try store.close()
    let total = try await scan.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM pledge") ?? 0 }

    // The goal is about the organizer's breakdowns by one dimension, which read pledge_tally;
    // combinations group pledge_count and are reported beside it.
    let single = results.filter { !$0.name.contains(",") }
    let slowest = single.max { $0.ours < $1.ours }!
    let weakest = single.min { $0.baseline / $0.ours < $1.baseline / $1.ours }!
    let met = slowest.ours < 0.005 && weakest.baseline / weakest.ours >= 50
    print(
        "| B5 breakdown of \(VietnameseText.number(total)) pledges by one dimension (\(single.count) breakdowns, median of "
            + "\(options.repeats)) | slowest: **\(f(slowest.ours * 1000, 3)) ms** (by \(slowest.name)) "
            + "| GROUP BY over pledge: \(f(weakest.baseline * 1000)) ms (by \(weakest.name)) "
            + "| **\(f(weakest.baseline / weakest.ours, 0))×** faster at least (by \(weakest.name)) "
            + "| < 5 ms and ≥ 50×: \(met ? "met" : "not met") |")
    if let notes = options.notes {
        var text =
            "\nB5, each breakdown (`PledgeStore.breakdown(by:)`, median of up to \(options.repeats), at most ~1 s each) against "
        text +=
            "`SELECT …, count(*) FROM pledge GROUP BY …` (median of \(options.baselineRepeats)), same buckets checked:\n\n"
        text += "| by | buckets | breakdown | GROUP BY over pledge | speed-up |\n| --- | --- | --- | --- | --- |\n"
        for result in results {
            let source = result.name.contains(",") ? " (pledge_count; not in the goal)" : ""
            text +=
                "| \(result.name)\(source) | \(result.buckets) | \(f(result.ours * 1000, 3)) ms (\(result.runs) runs) "
            text += "| \(f(result.baseline * 1000)) ms | \(f(result.baseline / result.ours, 0))× |\n"
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: notes))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
}
