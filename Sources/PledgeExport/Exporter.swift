import Foundation
import PledgeKit

/// Streams the pledges or the counts of a store into any sink, page by page.
public struct Exporter: Sendable {
    public enum Kind: String, CaseIterable, Codable, Sendable {
        case pledges
        case counts
    }

    public struct Options: Sendable {
        public var kind: Kind
        public var format: ExportFormat
        public var delimiter: CSVEncoder.Delimiter
        public var includePersonalData: Bool
        /// Counts: the dimensions to group by.
        public var dimensions: [CountDimension]
        /// Counts: merge groups below this size into "other" (a public breakdown); nil: exact.
        public var minimumGroupSize: Int?

        public init(
            kind: Kind, format: ExportFormat = .csv, delimiter: CSVEncoder.Delimiter = .comma,
            includePersonalData: Bool = false, dimensions: [CountDimension] = [], minimumGroupSize: Int? = nil
        ) {
            self.kind = kind
            self.format = format
            self.delimiter = delimiter
            self.includePersonalData = includePersonalData
            self.dimensions = dimensions
            self.minimumGroupSize = minimumGroupSize
        }
    }

    public let service: any ExportRows
    public let options: Options
    /// Pledges read per page; memory stays flat however many there are (a page of 5,000 is
    /// about 1 MB of pledges and 0.5 MB of CSV).
    public static let pageSize = 5000

    public init(service: any ExportRows, options: Options) {
        self.service = service
        self.options = options
    }

    /// How many data rows the export will have, about (pledges may arrive meanwhile).
    public func expectedRows() async throws(PledgeError) -> Int {
        switch options.kind {
        case .pledges: try await service.breakdown(by: []).total
        case .counts: try await breakdown().buckets.count + 1
        }
    }

    func breakdown() async throws(PledgeError) -> Breakdown {
        let exact = try await service.breakdown(by: options.dimensions)
        return options.minimumGroupSize.map { exact.anonymized(minimumGroupSize: $0) } ?? exact
    }

    /// Encodes every row of a streamed format (``ExportFormat/isStreamed``) and hands the bytes
    /// to `sink`, with the number of rows written so far.
    /// - Returns: the number of data rows.
    /// - Throws: ``ExportError`` for XLSX (``writeFile(to:progress:)`` writes it), the store's
    ///   ``PledgeError``, or what `sink` throws.
    @discardableResult
    public func run(_ sink: (_ bytes: [UInt8], _ rowsSoFar: Int) async throws -> Void) async throws -> Int {
        let encoder = try options.format.encoder(delimiter: options.delimiter)
        switch options.kind {
        case .counts:
            let breakdown = try await breakdown()
            let columns = ExportTable.countColumns(breakdown)
            try await sink(encoder.header(headings(columns)), 0)
            var chunk = [UInt8]()
            let count: Int
            if options.format == .json {
                let buckets = ExportTable.bucketRows(breakdown)
                for row in buckets { chunk += encoder.row(columns, row) }
                let total = ExportTable.totalLine(breakdown)
                chunk += encoder.row(total.columns, total.cells)
                count = buckets.count + 1
            } else {
                let rows = ExportTable.countRows(breakdown, forPeople: true)
                for row in rows { chunk += encoder.row(columns, row) }
                count = rows.count
            }
            try await sink(chunk, count)
            return count
        case .pledges:
            let personal = options.includePersonalData
            let columns = ExportTable.pledgeColumns(includePersonalData: personal)
            try await sink(encoder.header(headings(columns)), 0)
            var capacity = Self.pageSize * (personal ? 160 : 100)
            return try await eachPledgePage(
                into: [UInt8](),
                append: {
                    let reserve = capacity
                    // The chunk starts empty and is reserved by its first row: a buffer made here
                    // would be shared with the caller's copy and copied on the first write.
                    return { bytes, record in
                        if bytes.capacity == 0 { bytes.reserveCapacity(reserve) }
                        encoder.appendPledge(record, columns: columns, includePersonalData: personal, to: &bytes)
                    }
                },
                { bytes, count in
                    capacity = max(capacity, bytes.count)
                    try await sink(bytes, count)
                })
        }
    }

    /// The header of this export's format: for a spreadsheet (CSV, XLSX) each column's
    /// ``ExportTable/heading(_:)`` (`Độ tuổi · ageBand`); for JSON Lines the keys themselves.
    func headings(_ keys: [String]) -> [String] {
        options.format == .json ? keys : keys.map(ExportTable.heading)
    }

    /// Hands over the column headings (``headings(_:)``) to `header`, then every row as cells (``ExportTable``'s),
    /// page by page, to `rows` with the number of rows so far: for encoders that take cells
    /// rather than bytes (``XLSXEncoder``). Memory holds one page.
    /// - Returns: the number of data rows.
    @discardableResult
    public func runCells(
        header: ([String]) throws -> Void, rows sink: (_ rows: [[ExportCell]], _ rowsSoFar: Int) async throws -> Void
    ) async throws -> Int {
        switch options.kind {
        case .counts:
            let breakdown = try await breakdown()
            try header(headings(ExportTable.countColumns(breakdown)))
            // Cells are for spreadsheets (XLSX): the total row is labelled for people.
            let rows = ExportTable.countRows(breakdown, forPeople: true)
            try await sink(rows, rows.count)
            return rows.count
        case .pledges:
            let personal = options.includePersonalData
            try header(headings(ExportTable.pledgeColumns(includePersonalData: personal)))
            return try await eachPledgePage(
                into: [[ExportCell]](),
                append: {
                    { rows, record in rows.append(ExportTable.pledgeRow(record, includePersonalData: personal)) }
                }, sink)
        }
    }

    /// Reads the pledges page by page, folding each page's records into `empty` with the
    /// closure `append` makes for it, and hands each page to `sink` with the rows so far.
    private func eachPledgePage<Output: Sendable>(
        into empty: Output, append: () -> @Sendable (inout Output, ExportRecord) -> Void,
        _ sink: (Output, Int) async throws -> Void
    ) async throws -> Int {
        var cursor: Int64?
        var count = 0
        repeat {
            try Task.checkCancellation()
            let page = try await service.exportPage(
                after: cursor, limit: Self.pageSize, includePersonalData: options.includePersonalData, into: empty,
                append())
            count += page.rows
            try await sink(page.output, count)
            cursor = page.next
        } while cursor != nil
        return count
    }

    /// Writes the export's file at `path`, in any format, through a temporary file beside it and a
    /// rename (``ExportFile``), so an export that fails leaves nothing at `path`. XLSX is
    /// assembled by ``XLSXEncoder`` in the temporary file and hashed once written.
    /// - Returns: its rows, bytes and SHA-256.
    public func writeFile(to path: String, progress: ((Int) -> Void)? = nil) async throws -> WrittenExport {
        let file = try ExportFile(path: path)
        let rows: Int
        if options.format.isStreamed {
            rows = try await run { bytes, rowsSoFar in
                try file.write(bytes)
                progress?(rowsSoFar)
            }
        } else {
            var workbook: XLSXEncoder?
            rows = try await runCells(
                header: { columns in
                    workbook = try XLSXEncoder(
                        path: file.temporaryPath, sheetName: options.kind.rawValue, columns: columns)
                },
                rows: { page, rowsSoFar in
                    for row in page { try workbook?.append(row) }
                    progress?(rowsSoFar)
                })
            try workbook?.close()
            try file.adoptWrittenFile()
        }
        return WrittenExport(rows: rows, bytes: file.bytes, sha256: try file.commit())
    }

    /// Writes the export to `path` (``writeFile(to:progress:)``) and its manifest beside it, the
    /// manifest's parameters naming the event of the store.
    public func write(to path: String, eventID: String, progress: ((Int) -> Void)? = nil) async throws
        -> ExportManifest
    {
        try await write(to: path, parameters: ["event": eventID], progress: progress)
    }

    /// ``write(to:eventID:progress:)`` with the manifest's parameters given (e.g. the hub's
    /// `scope` in place of an event), the counts' own added.
    public func write(to path: String, parameters given: [String: String], progress: ((Int) -> Void)? = nil)
        async throws -> ExportManifest
    {
        let written = try await writeFile(to: path, progress: progress)
        var parameters = given
        if options.kind == .counts {
            parameters["by"] = options.dimensions.map(\.rawValue).joined(separator: ",")
            parameters["public"] = options.minimumGroupSize == nil ? "false" : "true"
            if let k = options.minimumGroupSize { parameters["k"] = String(k) }
        }
        let manifest = ExportManifest(
            file: URL(fileURLWithPath: path).lastPathComponent, kind: options.kind.rawValue,
            format: options.format, delimiter: options.format == .csv ? options.delimiter.rawValue : nil,
            rows: written.rows, bytes: written.bytes, sha256: written.sha256,
            includePersonalData: options.includePersonalData, parameters: parameters,
            createdAt: ISO8601DateFormatter().string(from: Date()))
        do {
            try manifest.write(beside: path)
        } catch {
            // No file without its manifest (a full disk): the error says nothing was written.
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return manifest
    }
}

/// What ``Exporter/writeFile(to:progress:)`` wrote: data rows, bytes, SHA-256 in hex.
public struct WrittenExport: Sendable, Equatable {
    public var rows: Int
    public var bytes: Int
    public var sha256: String
}
