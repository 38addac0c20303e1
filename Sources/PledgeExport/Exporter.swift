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

    /// Encodes every row and hands the bytes to `sink`, with the number of rows written so far.
    /// - Returns: the number of data rows.
    @discardableResult
    public func run(_ sink: (_ bytes: [UInt8], _ rowsSoFar: Int) async throws -> Void) async throws -> Int {
        let encoder = options.format.encoder(delimiter: options.delimiter)
        switch options.kind {
        case .counts:
            let breakdown = try await breakdown()
            let columns = ExportTable.countColumns(breakdown)
            try await sink(encoder.header(columns), 0)
            let rows = ExportTable.countRows(breakdown)
            var chunk = [UInt8]()
            for row in rows { chunk += encoder.row(columns, row) }
            try await sink(chunk, rows.count)
            return rows.count
        case .pledges:
            let personal = options.includePersonalData
            let columns = ExportTable.pledgeColumns(includePersonalData: personal)
            try await sink(encoder.header(columns), 0)
            var cursor: Int64?
            var count = 0
            var capacity = Self.pageSize * (personal ? 160 : 100)
            repeat {
                try Task.checkCancellation()
                let reserve = capacity
                // The chunk starts empty and is reserved by its first row: a buffer made here
                // would be shared with the caller's copy and copied on the first write.
                let page = try await service.exportPage(
                    after: cursor, limit: Self.pageSize, includePersonalData: personal, into: [UInt8]()
                ) { bytes, record in
                    if bytes.capacity == 0 { bytes.reserveCapacity(reserve) }
                    encoder.appendPledge(record, columns: columns, includePersonalData: personal, to: &bytes)
                }
                capacity = max(capacity, page.output.count)
                count += page.rows
                try await sink(page.output, count)
                cursor = page.next
            } while cursor != nil
            return count
        }
    }

    /// Writes the export to `path` (temporary file, then rename) and its manifest beside it, the
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
        let file = try ExportFile(path: path)
        let rows = try await run { bytes, rowsSoFar in
            try file.write(bytes)
            progress?(rowsSoFar)
        }
        let digest = try file.commit()
        var parameters = given
        if options.kind == .counts {
            parameters["by"] = options.dimensions.map(\.rawValue).joined(separator: ",")
            parameters["public"] = options.minimumGroupSize == nil ? "false" : "true"
            if let k = options.minimumGroupSize { parameters["k"] = String(k) }
        }
        let manifest = ExportManifest(
            file: URL(fileURLWithPath: path).lastPathComponent, kind: options.kind.rawValue,
            format: options.format, delimiter: options.format == .csv ? options.delimiter.rawValue : nil,
            rows: rows, bytes: file.bytes, sha256: digest, includePersonalData: options.includePersonalData,
            parameters: parameters, createdAt: ISO8601DateFormatter().string(from: Date()))
        try manifest.write(beside: path)
        return manifest
    }
}
