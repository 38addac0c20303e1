import ArgumentParser
import Foundation
import PledgeExport
import PledgeKit
import PledgeStore

/// `kiosk find TEXT`: pledges by name, ignoring case and diacritics, in Vietnamese order.
struct Find: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find pledges whose name contains TEXT, ignoring case and diacritics (đ = d).",
        discussion: "Results are in Vietnamese alphabetical order: by given name, then by the whole name."
    )

    @Argument(help: "Part of a name, e.g. \"do duc dat\".")
    var text: String

    @OptionGroup var store: StoreOptions

    @Option(help: "At most this many results.")
    var limit: Int = 200

    func run() async throws {
        let configuration = try store.loadConfiguration()
        let pledges = try store.openExistingStore(configuration)
        let found = try await pledges.find(text, limit: limit)
        for pledge in found {
            print(
                [
                    pledge.name ?? "", "#\(pledge.number)", pledge.eventID, pledge.kioskID,
                    ExportTable.vietnamTime(pledge.createdAt), pledge.code.grouped,
                ].joined(separator: "\t"))
        }
        printError("\(found.count) kết quả · results")
        try pledges.close()
    }
}
