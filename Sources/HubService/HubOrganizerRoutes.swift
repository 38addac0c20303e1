import Foundation
import HTTPTypes
import HubCore
import Hummingbird
import KioskHTTP
import KioskPages
import PledgeExport
import PledgeKit

/// The organizer API at the hub (issue 15, item 2): the event service's organizer paths and
/// shapes (``OrganizerQuery``), over the scope of the organizer's account (``OrganizerScope``),
/// so one client works against both:
///
/// - `GET /organizer`: the scope's page (``HubOrganizerPage``: its events, exact counts by
///   province, event, age band, day and channel, links to its exports), the same answers as the
///   routes below; a browser may give the token as the password of HTTP Basic authentication,
///   here and on the export links the page holds;
/// - `GET /api/organizer/counts?by=…[&public=true&k=5]`: exact counts (``Breakdown``) of the
///   events in scope, as an event's organizer sees its own;
/// - `GET /api/organizer/events`: those events with their last sync, the sequence the hub
///   acknowledged and the rows they hold (``HubEventStatus``);
/// - `GET /api/organizer/export/{pledges|counts}?format=csv|json&delimiter=,|;&by=…`: a download
///   streamed from PostgreSQL page by page through the event service's encoders; no personal
///   data (`includePersonalData=true` is 400).
///
/// Each takes `?event=<id>` or `?province=<name>` to narrow the scope: one outside the account's
/// scope is 403 `outside-scope` (an unknown event is 404 for a national account, 403 for others,
/// which learn nothing of events outside their scope). The token is an RFC 6750 bearer token
/// (``OrganizerToken``), looked up by its SHA-256: missing, unknown or revoked is 401
/// `organizer-token-required`. Every request, allowed or refused, writes one row of the audit
/// log (``HubAuditEntry``) before it is answered; when that write fails, the answer is 503. A
/// request whose own reads found the database unavailable is answered 503 at once, without the
/// audit write (it would wait a second deadline); it is given no data.
struct HubOrganizerRoutes: Sendable {
    let organizers: any HubOrganizerRecords
    let now: @Sendable () -> Date
    /// Each client address's budget of requests without a valid token (401): past it, 429 with
    /// `Retry-After`, answered before the audit log, so a flood of bad tokens cannot fill it
    /// (found by the breaker: 4,000 rows in 3 s). An organizer's mistyped token fits in it.
    let refusals = KioskRateLimiter(.init(perMinute: 30, burst: 30), capacity: 100_000)

    func add(to router: Router<KioskRequestContext>) {
        router.get("/api/organizer/counts") { request, context in
            try await audited(request, context, action: "GET /api/organizer/counts") { scope, _ in
                let query = OrganizerQuery.parameters(request)
                let dimensions = try OrganizerQuery.dimensions(query["by"])
                let exact: Breakdown
                do throws(HubError) { exact = try await organizers.breakdown(by: dimensions, scope: scope) } catch {
                    throw ProblemDetails(error)
                }
                return try jsonResponse(try OrganizerQuery.answer(exact, query: query))
            }
        }
        router.get("/organizer") { request, context in
            try await audited(request, context, action: "GET /organizer", allowBasic: true) { scope, organizer in
                do throws(HubError) {
                    var breakdowns: [Breakdown] = []
                    for dimension in HubOrganizerPage.dimensions {
                        breakdowns.append(try await organizers.breakdown(by: [dimension], scope: scope))
                    }
                    let page = HubOrganizerPage(
                        account: organizer.name, scope: scope, events: try await organizers.eventStatuses(scope: scope),
                        breakdowns: breakdowns)
                    return htmlResponse(page.html, cacheControl: "no-store")
                } catch { throw ProblemDetails(error) }
            }
        }
        router.get("/api/organizer/events") { request, context in
            try await audited(request, context, action: "GET /api/organizer/events") { scope, _ in
                let events: [HubEventStatus]
                do throws(HubError) { events = try await organizers.eventStatuses(scope: scope) } catch {
                    throw ProblemDetails(error)
                }
                return try jsonResponse(OrganizerEvents(scope: scope.description, events: events))
            }
        }
        router.get("/api/organizer/export/:kind") { request, context in
            let kind = context.parameters.get("kind") ?? ""
            // The route as named, or `?` for a kind that is none (never the caller's text).
            let action = "GET /api/organizer/export/\(Exporter.Kind(rawValue: kind)?.rawValue ?? "?")"
            // The page's links open in the browser that gave the page its Basic password.
            return try await audited(request, context, action: action, allowBasic: true) { scope, _ in
                guard
                    let options = try OrganizerQuery.exportOptions(
                        kind: kind, query: OrganizerQuery.parameters(request), personalData: false)
                else { throw ProblemDetails.notFound }
                let name = Self.fileStem(scope)
                return try await OrganizerQuery.download(
                    Exporter(service: organizers.exportRows(scope: scope), options: options), for: context.connection,
                    fileStem: name.ascii, title: name.vietnamese)
            }
        }
    }

    /// Authenticates the request, reads the scope it asks for, checks it against the account's,
    /// answers with `body` over it, and writes the audit row of whatever the answer is.
    /// - Parameter allowBasic: take the token as an HTTP Basic password too (the page a browser opens).
    func audited(
        _ request: Request, _ context: KioskRequestContext, action: String, allowBasic: Bool = false,
        _ body: (OrganizerScope, HubOrganizer) async throws -> Response
    ) async throws -> Response {
        if let wait = refusals.waitTime(key: context.limitKey) {
            throw ProblemDetails.tooManyBadTokens(retryAfter: wait)
        }
        var entry = HubAuditEntry(organizer: nil, action: action, scope: nil, status: 500, at: now())
        do {
            let organizer = try await authenticated(request, allowBasic: allowBasic, entry: &entry)
            let asked = try Self.askedScope(OrganizerQuery.parameters(request)) ?? organizer.scope
            entry.scope = asked.description
            guard try await allows(organizer.scope, asked) else {
                throw ProblemDetails(
                    status: .forbidden, code: "outside-scope",
                    vi: "Tài khoản này chỉ xem được phạm vi \(organizer.scope), không phải \(asked).",
                    en: "This account sees \(organizer.scope) only, not \(asked).")
            }
            let response = try await body(asked, organizer)
            entry.status = Int(response.status.code)
            try await record(entry)
            return response
        } catch let problem as ProblemDetails {
            entry.status = problem.statusCode
            if problem.status == .unauthorized { _ = refusals.take(kioskID: context.limitKey) }
            // The database did not answer (its deadline passed, or it refused): 503 at once, with
            // no data, rather than a second deadline for the audit row (found by the breaker: two
            // waits on a frozen PostgreSQL).
            guard !problem.isDatabaseUnavailable else { throw problem }
            try await record(entry)
            throw problem
        } catch {
            try await record(entry)
            throw error
        }
    }

    /// Writes `entry`; a failure is 503: no organizer request is answered without its audit row.
    func record(_ entry: HubAuditEntry) async throws {
        do throws(HubError) { try await organizers.recordAudit(entry) } catch { throw ProblemDetails(error) }
    }

    /// The active account whose token the request presents (its id noted in `entry` once known).
    /// - Throws: 401 `organizer-token-required` when there is none, it is of no account, or the
    ///   account is revoked; 503 when the store cannot be read.
    func authenticated(_ request: Request, allowBasic: Bool = false, entry: inout HubAuditEntry) async throws
        -> HubOrganizer
    {
        let presented = request.bearerCredentials ?? (allowBasic ? request.basicPassword : nil)
        var organizer: HubOrganizer? = nil
        // Only the hash is looked up: the store keeps no token.
        if let token = presented.flatMap(OrganizerToken.init(parsing:)) {
            do { organizer = try await organizers.organizer(tokenHash: token.storageHash) } catch {
                throw ProblemDetails(error)
            }
        }
        entry.organizer = organizer?.id
        guard let organizer, organizer.revokedAt == nil else {
            var problem = ProblemDetails(
                status: .unauthorized, code: "organizer-token-required",
                vi:
                    "Cần mã truy cập của ban tổ chức (Authorization: Bearer kmo1.…), đúng như kiosk hub add-organizer đã in; mã đã thu hồi không còn dùng được.",
                en:
                    "An organizer token is required (Authorization: Bearer kmo1.…), exactly as kiosk hub add-organizer printed it; a revoked one no longer works."
            )
            problem.challenge =
                (allowBasic ? "Basic realm=\"hub-organizer\", charset=\"UTF-8\", " : "")
                + "Bearer realm=\"hub-organizer\"" + (presented == nil ? "" : ", error=\"invalid_token\"")
            throw problem
        }
        return organizer
    }

    /// The scope `?event=<id>` or `?province=<name>` asks for; nil when neither is given.
    /// - Throws: 400 `invalid-request` naming the field when it names no event id or province, or
    ///   when both are given.
    static func askedScope(_ query: [String: String]) throws -> OrganizerScope? {
        switch (query["event"], query["province"]) {
        case (nil, nil):
            return nil
        case (let text?, nil):
            guard let id = EventID(text) else {
                throw ProblemDetails(
                    status: .badRequest, code: "invalid-request", field: "event",
                    vi: "Mã sự kiện không hợp lệ (\(IdentifierRule.text.vi)).",
                    en: "Invalid event id (\(IdentifierRule.text.en)).")
            }
            return .event(id)
        case (nil, let text?):
            guard let province = Province(matching: text) else {
                throw ProblemDetails(
                    status: .badRequest, code: "invalid-request", field: "province",
                    vi: "Đây không phải một trong 34 tỉnh, thành phố của Việt Nam.",
                    en: "This is not one of Vietnam's 34 provinces.")
            }
            return .province(province)
        default:
            throw ProblemDetails(
                status: .badRequest, code: "invalid-request", field: "province",
                vi: "Chọn event hoặc province, không chọn cả hai.", en: "Give event or province, not both.")
        }
    }

    /// Whether an account of scope `own` may read `asked`.
    /// - Throws: 404 `unknown-event` when a national account asks for an event the hub does not have.
    func allows(_ own: OrganizerScope, _ asked: OrganizerScope) async throws -> Bool {
        func province(of id: EventID) async throws -> Province? {
            do throws(HubError) { return try await organizers.province(ofEvent: id) } catch {
                throw ProblemDetails(error)
            }
        }
        switch (own, asked) {
        case (.national, .event(let id)):
            guard try await province(of: id) != nil else {
                throw ProblemDetails(HubError.noSuchEvent(id.rawValue))
            }
            return true
        case (.national, _): return true
        case (.province(let own), .province(let asked)): return own == asked
        case (.province(let own), .event(let id)):
            // The online pledges' pseudo-event belongs to no province (its row names one only
            // because the column needs one): national accounts see it.
            guard id != HubEvent.onlineID else { return false }
            return try await province(of: id) == own
        case (.event(let own), .event(let asked)): return own == asked
        case (.province, .national), (.event, _): return false
        }
    }

    /// The start of an export's file name: `national`, `province-<name>` (e.g. `province-ha-noi`,
    /// ``DownloadName/asciiSlug(_:)``), or the event's id: ASCII for `filename`; and for a
    /// province, `province-<name>` as written (`province-Hà Nội`) for `filename*`.
    static func fileStem(_ scope: OrganizerScope) -> (ascii: String, vietnamese: String?) {
        switch scope {
        case .national: ("national", nil)
        case .province(let province): ("province-" + DownloadName.asciiSlug(province.name), "province-" + province.name)
        case .event(let id): (id.rawValue, nil)
        }
    }
}

/// The answer of `GET /api/organizer/events`: the scope read and its events.
struct OrganizerEvents: Encodable {
    var scope: String
    var events: [HubEventStatus]
}

extension ProblemDetails {
    /// 429 with `Retry-After` (RFC 6585, 4): too many organizer requests without a valid token.
    static func tooManyBadTokens(retryAfter seconds: Int) -> ProblemDetails {
        ProblemDetails(
            status: .tooManyRequests, code: "too-many-bad-tokens",
            vi: "Quá nhiều yêu cầu không có mã truy cập hợp lệ từ địa chỉ này. Thử lại sau \(seconds) giây.",
            en: "Too many requests without a valid token from this address. Try again in \(seconds) s."
        ).retrying(after: seconds)
    }
}
