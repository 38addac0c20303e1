import ArgumentParser
import Dispatch
import Foundation
import PledgeExport
import PledgeKit
import PledgeStore

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk export pledges|counts`: a file for organizers, with a manifest beside it.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export pledges or counts as CSV (RFC 4180, UTF-8 with BOM, Excel-safe), JSON Lines or XLSX.",
        discussion: """
            The file is written to a temporary file and renamed when complete, so an interrupted \
            export leaves nothing at the output path; FILE.manifest.json beside it records the row \
            count, SHA-256, parameters and time. Names, schools and certificate codes are left out \
            unless --include-personal-data is given (recorded in the manifest).
            """
    )

    @Argument(help: "What to export: pledges or counts.")
    var kind: Exporter.Kind

    @OptionGroup var store: StoreOptions

    @Option(help: "csv, json (JSON Lines) or xlsx (a spreadsheet workbook: text stays text, numbers numbers).")
    var format: ExportFormat = .csv

    @Option(help: "CSV delimiter: , (default) or ; (for locales whose Excel expects ;).")
    var delimiter: CSVEncoder.Delimiter?

    @Option(
        help: """
            The file to write (default: <event>-<kind>.<csv|jsonl|xlsx> in this folder; required with \
            --include-personal-data, so names go only where you say).
            """)
    var output: String?

    @Option(help: "Counts: group by these dimensions (event, kiosk, day, hour, age-band, province, channel).")
    var by: String = "event,age-band,province"

    @Flag(help: "Counts: merge groups smaller than k into \"other\".")
    var `public` = false

    @Option(help: "Counts: the smallest group a public export shows.")
    var k: Int = Breakdown.defaultMinimumGroupSize

    @Flag(help: "Pledges: include names, schools and certificate codes (personal data).")
    var includePersonalData = false

    @Flag(help: "Replace the output file if it exists.")
    var overwrite = false

    func validate() throws {
        do { _ = try CountDimension.list(by) } catch {
            throw ValidationError(error.message.vi + " · " + error.message.en)
        }
        if includePersonalData && kind == .counts {
            throw ValidationError(
                "--include-personal-data chỉ dùng cho bản xuất cam kết (pledges) · --include-personal-data applies to pledges only."
            )
        }
        // Names never land in whatever folder the command was started from (a repository, a
        // shared folder); the file itself is owner-only (umask below).
        if includePersonalData && output == nil {
            throw ValidationError(
                "--include-personal-data cần --output TỆP: bản xuất có tên chỉ được ghi vào nơi bạn chỉ định.\n"
                    + "--include-personal-data needs --output FILE: an export with names is written only where you say."
            )
        }
        if k < 2 { throw ValidationError("--k phải từ 2 trở lên, không phải \(k) · --k must be at least 2, not \(k).") }
        if delimiter != nil && format != .csv {
            throw ValidationError("--delimiter chỉ dùng với --format csv · --delimiter applies to --format csv only.")
        }
    }

    func run() async throws {
        let configuration = try store.loadConfiguration()
        let pledges = try store.openExistingStore(configuration)
        let path = output ?? "\(configuration.eventID)-\(kind.rawValue).\(format.fileExtension)"
        guard !path.isEmpty else { throw CLIError("--output needs a file name") }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder) else { throw CLIError("no folder \(folder) for \(path)") }
        // An export must never land on the database it reads, whatever --overwrite says.
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let database = URL(fileURLWithPath: store.database).resolvingSymlinksInPath().path
        guard ![database, database + "-wal", database + "-shm"].contains(target) else {
            throw CLIError("refusing to write the export over the pledge database \(store.database)")
        }
        if FileManager.default.fileExists(atPath: path), !overwrite {
            throw Export.outputExists(path)
        }
        // Exports may hold children's names: readable by the owner only.
        umask(0o077)
        let exporter = Exporter(
            service: pledges,
            options: .init(
                kind: kind, format: format, delimiter: delimiter ?? .comma, includePersonalData: includePersonalData,
                dimensions: try CountDimension.list(by), minimumGroupSize: `public` ? k : nil))
        let progress = ProgressBar(total: try await exporter.expectedRows())
        let interrupts = Self.removePartialFileOnInterrupt()
        defer {
            for source in interrupts { source.cancel() }
        }
        let manifest: ExportManifest
        do {
            manifest = try await exporter.write(to: path, eventID: configuration.eventID) { progress?.show($0) }
        } catch {
            throw Export.failed(writing: path, error)
        }
        progress?.finish()
        printError(
            "\(VietnameseText.number(manifest.rows)) dòng · rows → \(path) (sha256 \(manifest.sha256.prefix(16))…)"
                + (includePersonalData ? " · có dữ liệu cá nhân · includes personal data" : ""))
        try pledges.close()
    }

    /// On SIGINT or SIGTERM, removes the partial file and exits 130/143. (SIGKILL cannot be
    /// caught: then a hidden `.FILE.partial-PID` may remain, never the output file itself.)
    static func removePartialFileOnInterrupt() -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if let partial = ExportFile.current { unlink(partial) }
                printError("\nĐã dừng xuất, không ghi tệp. · Export stopped, no file written.")
                Glibc.exit(128 + number)
            }
            source.resume()
            return source
        }
    }
}

extension Exporter.Kind: ExpressibleByArgument {}
extension ExportFormat: ExpressibleByArgument {}
extension CSVEncoder.Delimiter: ExpressibleByArgument {}
