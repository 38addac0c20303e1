import ArgumentParser
import Foundation
import HubCore
import HubStore
import PledgeExport
import PledgeKit

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk hub export pledges|counts --scope …`: a file of the pledges or counts of the events in a
/// scope, read from PostgreSQL page by page, with the manifest `kiosk export` writes (SHA-256,
/// rows, parameters, `scope` in place of an event). No personal data: the hub exports none.
struct HubExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the pledges or counts of a scope's events as CSV, JSON Lines or XLSX, with a manifest.",
        discussion: """
            The same encoders and file handling as kiosk export: a temporary file renamed when \
            complete, FILE.manifest.json beside it. Pledges carry no name and no certificate code.
            """)

    @Argument(help: "What to export: pledges or counts.")
    var kind: Exporter.Kind

    @OptionGroup var database: HubDatabaseOptions

    @Option(help: "national, province:<name> or event:<id>.")
    var scope: String = "national"

    @Option(help: "csv, json (JSON Lines) or xlsx.")
    var format: ExportFormat = .csv

    @Option(help: "CSV delimiter: , (default) or ; (for locales whose Excel expects ;).")
    var delimiter: CSVEncoder.Delimiter = .comma

    @Option(help: "The file to write (default: hub-<kind>.<csv|jsonl|xlsx> in this folder).")
    var output: String?

    @Option(help: "Counts: group by these dimensions (event, kiosk, day, hour, age-band, province, channel).")
    var by: String = "event,age-band,province"

    @Flag(help: "Counts: merge groups smaller than k into \"other\".")
    var `public` = false

    @Option(help: "Counts: the smallest group a public export shows.")
    var k: Int = Breakdown.defaultMinimumGroupSize

    @Flag(help: "Replace the output file if it exists.")
    var overwrite = false

    func validate() throws {
        do { _ = try CountDimension.list(by) } catch {
            throw ValidationError(error.message.vi + " · " + error.message.en)
        }
        if k < 2 { throw ValidationError("--k phải từ 2 trở lên, không phải \(k) · --k must be at least 2, not \(k).") }
    }

    func run() async throws {
        let scope: OrganizerScope
        do throws(HubError) { scope = try OrganizerScope(parsing: self.scope) } catch {
            throw CLIError("--scope: \(HubDatabaseOptions.text(error))")
        }
        let path = output ?? "hub-\(kind.rawValue).\(format.fileExtension)"
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder) else { throw CLIError("no folder \(folder) for \(path)") }
        if FileManager.default.fileExists(atPath: path), !overwrite {
            throw Export.outputExists(path)
        }
        umask(0o077)
        let options = Exporter.Options(
            kind: kind, format: format, delimiter: delimiter, dimensions: try CountDimension.list(by),
            minimumGroupSize: `public` ? k : nil)
        let manifest = try await HubDatabase.with(try database.configuration(), migrate: true) { store in
            if case .event(let id) = scope, try await store.event(id: id) == nil {
                throw CLIError("--scope: Hub không có sự kiện '\(id)' · The hub has no event '\(id)'.")
            }
            let exporter = Exporter(service: store.exportRows(scope: scope), options: options)
            let interrupts = Export.removePartialFileOnInterrupt()
            defer {
                for source in interrupts { source.cancel() }
            }
            do {
                return try await exporter.write(to: path, parameters: ["scope": "\(scope)"])
            } catch {
                throw Export.failed(writing: path, error)
            }
        }
        printError(
            "\(VietnameseText.number(manifest.rows)) dòng · rows → \(path) (sha256 \(manifest.sha256.prefix(16))…)")
    }
}
