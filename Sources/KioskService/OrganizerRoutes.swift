import Foundation
import HTTPTypes
import Hummingbird
import KioskHTTP
import KioskPages
import NIOCore
import PledgeExport
import PledgeKit

/// The organizer routes, each behind ``OrganizerAccess``:
/// `GET /api/organizer/counts?by=…[&public=true&k=5]`,
/// `GET /api/organizer/export/{pledges|counts}?format=csv|json|xlsx&delimiter=,|;&by=…&includePersonalData=true`
/// (a streamed download; XLSX is written whole first, see ``DetachedFile``) and `GET /admin`
/// (totals, breakdowns, a chart, no JavaScript).
/// And one public route: `GET /api/public/counts?by=…`, always with small groups merged.
struct OrganizerRoutes: Sendable {
    let organizer: any ExportSource
    let access: OrganizerAccess
    let configuration: EventConfiguration
    /// The link to the national hub, shown on `/admin`; nil: the page has no hub section.
    var hub: (any HubLinkReporting)? = nil

    func add(to router: Router<KioskRequestContext>) {
        router.get("/api/organizer/counts") { request, _ in
            try access.check(request)
            let query = request.uri.queryParameters
            var breakdown = try await breakdown(query.get("by"))
            if Self.flag(query.get("public")) {
                breakdown = breakdown.anonymized(minimumGroupSize: try minimumGroupSize(query.get("k")))
            }
            return try jsonResponse(breakdown)
        }
        router.get("/api/public/counts") { request, _ in
            try jsonResponse(try await breakdown(request.uri.queryParameters.get("by"), public: true))
        }
        router.get("/api/organizer/export/:kind") { request, context in
            try access.check(request)
            return try await export(request, kind: context.parameters.get("kind") ?? "")
        }
        router.get("/admin") { request, _ in
            try access.check(request, allowBasic: true)
            return try await adminPage()
        }
    }

    static func flag(_ text: String?) -> Bool { ["1", "true", "yes"].contains(text?.lowercased() ?? "") }

    func minimumGroupSize(_ text: String?) throws -> Int {
        guard let text else { return Breakdown.defaultMinimumGroupSize }
        guard let k = Int(text), (2...1000).contains(k) else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid-request", field: "k",
                vi: "k phải là số nguyên từ 2 đến 1000.", en: "k must be a whole number from 2 to 1000.")
        }
        return k
    }

    /// The breakdown by the dimensions in `by` (as the public may see it when `public`, see
    /// ``PublicCounts``); without any, one bucket with no values holding the total (like SQL's
    /// `GROUP BY ()`), so the buckets still add up to the total.
    func breakdown(_ by: String?, public: Bool = false) async throws -> Breakdown {
        do {
            let dimensions = try CountDimension.list(by ?? "")
            let breakdown =
                `public`
                ? try await organizer.publicBreakdown(by: dimensions) : try await organizer.breakdown(by: dimensions)
            return breakdown.answered
        } catch {
            throw ProblemDetails(error)
        }
    }

    func export(_ request: Request, kind text: String) async throws -> Response {
        let query = request.uri.queryParameters
        guard let kind = Exporter.Kind(rawValue: text) else { throw ProblemDetails.notFound }
        guard let format = ExportFormat(rawValue: query.get("format") ?? "csv"),
            let delimiter = CSVEncoder.Delimiter(rawValue: query.get("delimiter") ?? ",")
        else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid-request", field: "format",
                vi: "format phải là csv, json hoặc xlsx; delimiter là , hoặc ;.",
                en: "format must be csv, json or xlsx; delimiter , or ;.")
        }
        let dimensions: [CountDimension]
        do { dimensions = try CountDimension.list(query.get("by") ?? "") } catch { throw ProblemDetails(error) }
        let options = Exporter.Options(
            kind: kind, format: format, delimiter: delimiter,
            includePersonalData: kind == .pledges && Self.flag(query.get("includePersonalData")),
            dimensions: dimensions,
            minimumGroupSize: Self.flag(query.get("public")) ? try minimumGroupSize(query.get("k")) : nil)
        let exporter = Exporter(service: organizer, options: options)
        var headers = HTTPFields()
        headers[.contentType] = format.contentType
        headers[.cacheControl] = "no-store"
        let fileName = "\(configuration.eventID)-\(kind.rawValue).\(format.fileExtension)"
        headers[.contentDisposition] = "attachment; filename=\"\(fileName)\""
        if !format.isStreamed {
            return try await detachedDownload(exporter, fileName: fileName, headers: headers)
        }
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                try await exporter.run { bytes, _ in try await writer.write(ByteBuffer(bytes: bytes)) }
                try await writer.finish(nil)
            })
    }

    /// A download written whole before it is sent (XLSX): the store's errors are problem
    /// details, as nothing has been sent yet; the file has no name left while it is sent.
    func detachedDownload(_ exporter: Exporter, fileName: String, headers: HTTPFields) async throws -> Response {
        let file: DetachedFile
        do {
            file = try await DetachedFile(name: fileName) { path in _ = try await exporter.writeFile(to: path) }
        } catch let error as PledgeError {
            throw ProblemDetails(error)
        }
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody(contentLength: file.bytes) { writer in
                while let piece = try file.read() { try await writer.write(ByteBuffer(bytes: piece)) }
                try await writer.finish(nil)
            })
    }

    func adminPage() async throws -> Response {
        do {
            let dimensions: [CountDimension] = [.event, .kiosk, .day, .ageBand, .province]
            var breakdowns: [Breakdown] = []
            for dimension in dimensions { breakdowns.append(try await organizer.breakdown(by: [dimension])) }
            let hours = try await organizer.breakdown(by: [.hour])
            let kiosks = try await organizer.kioskActivity()
            let hubStatus = try await hub?.hubLinkStatus()
            return htmlResponse(
                AdminPage(
                    breakdowns: breakdowns, hours: hours, kiosks: kiosks, eventName: configuration.name, hub: hubStatus
                ).html,
                cacheControl: "no-store")
        } catch {
            throw ProblemDetails(error)
        }
    }
}

extension HTTPField.Name {
    static let contentDisposition = HTTPField.Name("Content-Disposition")!
}
