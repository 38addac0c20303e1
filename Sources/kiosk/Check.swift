import ArgumentParser
import Foundation
import PledgeStore

/// `kiosk check`: the database's start-up check on demand, or the full integrity check.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the pledge database without changing it: PRAGMA quick_check, or integrity_check with --full.",
        discussion: """
            Every start of kiosk serve and kiosk run, and every organizer command, runs the quick check \
            first and refuses an empty, non-SQLite or damaged file with its path and the problem. \
            --full also matches every index against its table (slower: it reads the whole file more \
            than once). Exits 0 when the database is whole, 1 otherwise; the file is opened read-only.
            """
    )

    @OptionGroup var store: StoreOptions

    @Flag(help: "Run PRAGMA integrity_check instead of quick_check.")
    var full = false

    func run() async throws {
        guard FileManager.default.fileExists(atPath: store.database) else {
            throw CLIError("no database at \(store.database).")
        }
        let depth: PledgeStore.CheckDepth = full ? .full : .quick
        try store.checkExistingDatabase(depth: depth)
        print("ok: \(store.database) (\(full ? "integrity_check" : "quick_check"))")
    }
}
