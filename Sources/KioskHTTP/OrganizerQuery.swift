import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PledgeExport
import PledgeKit
import ServerHardening
import Synchronization

/// The query of the organizer routes, read one way at the event service and at the hub, so one
/// client works against both: `by=` (``CountDimension/list(_:)``), `public=true&k=5`, and an
/// export's `format=csv|json|xlsx&delimiter=,|;&includePersonalData=true`. Every bad value is a 400
/// problem detail naming its field.
public enum OrganizerQuery {
    /// The XLSX downloads being built in this process: each takes a core and its disk space while
    /// it is made (the breaker kept the hub busy for minutes with a few), so at most `limit` at
    /// once; past it, 503 with `Retry-After`. A build whose client went away is stopped
    /// (``OrganizerQuery/download(_:for:fileStem:title:builds:)``), its slot and files freed.
    public final class WholeFileBuilds: Sendable {
        public let limit: Int
        /// Where the files are built (``DetachedFile``'s folders): `$TMPDIR` or `/tmp` by default.
        public let temporaryDirectory: String
        let count = Mutex(0)

        public init(limit: Int, temporaryDirectory: String = NSTemporaryDirectory()) {
            self.limit = limit
            self.temporaryDirectory = temporaryDirectory
        }

        /// The builds under way now.
        public var inProgress: Int { count.withLock { $0 } }

        /// The process's own (2 at once).
        public static let shared = WholeFileBuilds(limit: 2)

        func start() -> Bool {
            count.withLock { count in
                guard count < limit else { return false }
                count += 1
                return true
            }
        }

        func end() { count.withLock { $0 -= 1 } }
    }

    /// The request's query parameters, the first value of each name.
    public static func parameters(_ request: Request) -> [String: String] {
        var parameters: [String: String] = [:]
        for (name, value) in request.uri.queryParameters where parameters[String(name)] == nil {
            parameters[String(name)] = String(value)
        }
        return parameters
    }

    /// Whether a flag is set: `1`, `true` or `yes`, in any case.
    public static func flag(_ text: String?) -> Bool { ["1", "true", "yes"].contains(text?.lowercased() ?? "") }

    /// `k`: the smallest group a public breakdown shows (2–1000; ``Breakdown/defaultMinimumGroupSize``
    /// when absent).
    public static func minimumGroupSize(_ text: String?) throws -> Int {
        guard let text else { return Breakdown.defaultMinimumGroupSize }
        guard let k = Int(text), (2...1000).contains(k) else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid-request", field: "k",
                vi: "k phải là số nguyên từ 2 đến 1000.", en: "k must be a whole number from 2 to 1000.")
        }
        return k
    }

    /// `by`: the dimensions, in the order given.
    public static func dimensions(_ text: String?) throws -> [CountDimension] {
        do { return try CountDimension.list(text ?? "") } catch { throw ProblemDetails(error) }
    }

    /// The breakdown an organizer's counts route answers: with no dimension, one bucket with no
    /// values holding the total (like SQL's `GROUP BY ()`), so the buckets still add up; with
    /// `public=true`, small groups merged (``Breakdown/anonymized(minimumGroupSize:)``, `k`).
    public static func answer(_ breakdown: Breakdown, query: [String: String]) throws -> Breakdown {
        var breakdown = breakdown.answered
        if flag(query["public"]) {
            breakdown = breakdown.anonymized(minimumGroupSize: try minimumGroupSize(query["k"]))
        }
        return breakdown
    }

    /// The options of `GET …/export/{kind}`; nil when `kind` is no export (404).
    /// - Parameter personalData: whether this service may export names at all; when false,
    ///   `includePersonalData=true` is refused (400, field `includePersonalData`).
    public static func exportOptions(
        kind text: String, query: [String: String], personalData: Bool = true
    ) throws -> Exporter.Options? {
        guard let kind = Exporter.Kind(rawValue: text) else { return nil }
        guard let format = ExportFormat(rawValue: query["format"] ?? "csv"),
            let delimiter = CSVEncoder.Delimiter(rawValue: query["delimiter"] ?? ",")
        else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid-request", field: "format",
                vi: "format phải là csv, json hoặc xlsx; delimiter là , hoặc ;.",
                en: "format must be csv, json or xlsx; delimiter , or ;.")
        }
        let personal = kind == .pledges && flag(query["includePersonalData"])
        if personal && !personalData {
            throw ProblemDetails(
                status: .badRequest, code: "invalid-request", field: "includePersonalData",
                vi: "Máy chủ quốc gia không xuất dữ liệu cá nhân; tên người ký chỉ xuất được tại sự kiện.",
                en: "The hub exports no personal data; signers' names are exported at the event only.")
        }
        return Exporter.Options(
            kind: kind, format: format, delimiter: delimiter, includePersonalData: personal,
            dimensions: try dimensions(query["by"]),
            minimumGroupSize: flag(query["public"]) ? try minimumGroupSize(query["k"]) : nil)
    }

    /// The export as a download named `<stem>-<kind>.<csv|jsonl|xlsx>` (and, when `title` is
    /// given, `<title>-<kind>.<…>` in `filename*`: ``DownloadName/contentDisposition(_:ascii:unicode:)``),
    /// not to be cached: CSV and
    /// JSON Lines streamed as they are encoded (never the whole file in memory); XLSX written whole
    /// first (``DetachedFile``: its zip directory comes last), so the store's errors are still
    /// problem details, and sent from a file that has no name left. The build stops when the
    /// client closes its connection (``ConnectionClosure/cancellingOnClose(_:)``: the build is
    /// cancelled, the export stops at its next page, and its slot, temporary file and
    /// libxlsxwriter's files are freed before the route answers).
    /// - Parameters:
    ///   - connection: the connection of the request (``KioskRequestContext/connection``), whose
    ///     closing stops an XLSX build; nil: none to watch.
    ///   - fileStem: ASCII letters, digits and `-` (an event id, ``DownloadName/asciiSlug(_:)``).
    ///   - title: the same in Vietnamese (e.g. with a province's name), for `filename*`.
    ///   - builds: the XLSX downloads under way that this one counts among.
    public static func download(
        _ exporter: Exporter, for connection: ConnectionClosure?, fileStem: String, title: String? = nil,
        builds: WholeFileBuilds = .shared
    ) async throws -> Response {
        let options = exporter.options
        var headers = HTTPFields()
        headers[.contentType] = options.format.contentType
        headers[.cacheControl] = "no-store"
        let suffix = "-\(options.kind.rawValue).\(options.format.fileExtension)"
        let fileName = fileStem + suffix
        headers[.contentDisposition] = DownloadName.contentDisposition(
            "attachment", ascii: fileName, unicode: title.map { $0 + suffix })
        guard options.format.isStreamed else {
            guard builds.start() else {
                throw ProblemDetails(
                    status: .serviceUnavailable, code: "busy",
                    vi: "Đang tạo \(builds.limit) tệp XLSX khác. Thử lại sau ít phút.",
                    en: "\(builds.limit) other XLSX files are being made. Try again in a few minutes."
                ).retrying(after: 60)
            }
            defer { builds.end() }
            let temporaryDirectory = builds.temporaryDirectory
            let build: @Sendable () async throws -> DetachedFile = {
                try await DetachedFile(name: fileName, temporaryDirectory: temporaryDirectory) { path in
                    _ = try await exporter.writeFile(to: path)
                }
            }
            let file: DetachedFile
            do {
                if let connection {
                    file = try await connection.cancellingOnClose(build)
                } else {
                    file = try await build()
                }
            } catch let error as PledgeError {
                throw ProblemDetails(error)
            } catch is ExportError {
                // The file could not be written where it is built: most often a full disk.
                throw ProblemDetails.exportNotWritten
            }
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody(contentLength: file.bytes) { writer in
                    while let piece = try file.read() { try await writer.write(ByteBuffer(bytes: piece)) }
                    try await writer.finish(nil)
                })
        }
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                try await exporter.run { bytes, _ in try await writer.write(ByteBuffer(bytes: bytes)) }
                try await writer.finish(nil)
            })
    }
}

extension ProblemDetails {
    /// 503 `export-not-written`, after a minute: an XLSX file could not be written on the server
    /// (its temporary folder full or not writable); CSV, streamed, needs no room there.
    static let exportNotWritten = ProblemDetails(
        status: .serviceUnavailable, code: "export-not-written",
        vi: "Máy chủ không ghi được tệp XLSX (ổ đĩa có thể đã đầy). Thử lại sau, hoặc tải bản CSV.",
        en: "The server could not write the XLSX file (its disk may be full). Try again later, or download the CSV."
    ).retrying(after: 60)
}
