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
            let exact = try await breakdown(query.get("by"))
            return try jsonResponse(try OrganizerQuery.answer(exact, query: OrganizerQuery.parameters(request)))
        }
        router.get("/api/public/counts") { request, _ in
            try jsonResponse(try await breakdown(request.uri.queryParameters.get("by"), public: true))
        }
        router.get("/api/organizer/export/:kind") { request, context in
            try access.check(request)
            return try await export(request, context, kind: context.parameters.get("kind") ?? "")
        }
        router.get("/admin") { request, _ in
            try access.check(request, allowBasic: true)
            return try await adminPage()
        }
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

    func export(_ request: Request, _ context: KioskRequestContext, kind text: String) async throws -> Response {
        guard
            let options = try OrganizerQuery.exportOptions(
                kind: text, query: OrganizerQuery.parameters(request))
        else { throw ProblemDetails.notFound }
        return try await OrganizerQuery.download(
            Exporter(service: organizer, options: options), for: context.connection, fileStem: configuration.eventID)
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
