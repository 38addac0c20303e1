import ArgumentParser
import Foundation
import HubCore
import HubStore
import Logging
import PledgeKit

/// `kiosk hub reconcile`: recounts the hub's counters from its pledges (``HubStore/reconcile(repair:)``)
/// and says what differs. Exit 0: no drift (or drift repaired with `--repair`); 1: drift left as
/// it is, another hub process reconciling, or the database unreachable.
struct HubReconcile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Recount the hub's counters from its pledges; report drift, and repair it with --repair.",
        discussion: """
            Runs under a PostgreSQL advisory lock (two hub processes never reconcile at once) on one \
            snapshot; a repair moves each drifted counter by its difference, without stopping syncs.
            """)

    @OptionGroup var database: HubDatabaseOptions

    @Flag(help: "Repair the drift found (each counter set to the pledges' count).")
    var repair = false

    func run() async throws {
        let repair = repair
        let found = try await HubDatabase.with(try database.configuration(), migrate: false) { store in
            try await store.reconcile(repair: repair)
        }
        guard let found else {
            throw CLIError(
                "Một tiến trình hub khác đang đối soát; hãy thử lại sau. · Another hub process is reconciling; try again later."
            )
        }
        print(Self.report(found))
        if !found.drift.isEmpty, !found.repaired { throw ExitCode(1) }
    }

    /// What a reconciliation found, Vietnamese first, one drifted key per line.
    static func report(_ found: HubReconciliation) -> String {
        guard !found.drift.isEmpty else {
            return
                "Bộ đếm khớp với các cam kết (\(found.keys) khóa) · The counters match the pledges (\(found.keys) keys)."
        }
        let lines = found.drift.map { "  \($0)" }.joined(separator: "\n")
        let outcome =
            found.repaired
            ? "Đã sửa \(found.drift.count) khóa lệch · Repaired \(found.drift.count) drifted keys."
            : "\(found.drift.count) khóa lệch, chưa sửa (chạy lại với --repair) · \(found.drift.count) drifted keys, not repaired (run again with --repair)."
        return "Bộ đếm lệch so với các cam kết · The counters drifted from the pledges:\n\(lines)\n\(outcome)"
    }

    /// Reconciles every `interval` inside `kiosk hub serve` (never repairing), logging the drift
    /// found: counter, key (ids, day, age band, province, channel) and difference; no personal data.
    static func periodically(_ store: HubStore, every interval: Duration, logger: Logger) async {
        while !Task.isCancelled {
            guard (try? await Task.sleep(for: interval)) != nil else { return }
            do throws(HubError) {
                guard let found = try await store.reconcile(repair: false) else { continue }
                if found.drift.isEmpty { continue }
                logger.warning(
                    "hub counters drifted from the pledges (run kiosk hub reconcile --repair)",
                    metadata: ["drifted": "\(found.drift.count)"])
                for drift in found.drift.prefix(100) {
                    logger.warning(
                        "counter drift",
                        metadata: [
                            "counter": "\(drift.counter)", "key": "\(drift.key.joined(separator: " "))",
                            "difference": "\(drift.difference)",
                        ])
                }
            } catch {
                logger.warning("counter reconciliation failed", metadata: ["error": "\(error.message.en)"])
            }
        }
    }
}
