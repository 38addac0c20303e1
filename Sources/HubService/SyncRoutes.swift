import Foundation
import HTTPTypes
import HubCore
import Hummingbird
import KioskAPI
import KioskHTTP
import Logging
import PledgeKit

/// `POST /api/sync/batches`: an event's outbox rows (``SyncBatch``), sent with its sync token as
/// the bearer token, applied in one transaction and acknowledged (``SyncAcknowledgement``) only
/// after the commit (issue 14; the rules are in notes/parts14.md, "Rules of the sync protocol").
///
/// Every refusal is a problem detail and applies nothing: 401 `sync-token-required` (no token, a
/// token of no registered event; a wrong token is 401, never 403), 403 `wrong-event` (the batch
/// names another registered event than the token's), 404 `unknown-event` (it names none), 413
/// (a body over ``SyncBatch/maximumBytes`` or more than ``SyncBatch/maximumRows`` rows), 400
/// (not a batch: bad JSON, sequences not ascending and consecutive from 1 or more), 409
/// `sequence-gap` with `expected`, 422 `rows-refused` with `refused`, 503 with `Retry-After`
/// when the database is unavailable.
struct SyncRoutes: Sendable {
    let records: any HubRecords
    /// The hub's public base of certificate links, sent in every acknowledgement.
    let certificateBaseURL: String

    func add(to router: Router<KioskRequestContext>) {
        router.post(RouterPath("/\(APIPath.syncBatches)")) { request, context in
            try await sync(request, context)
        }
    }

    func sync(_ request: Request, _ context: KioskRequestContext) async throws -> Response {
        let event = try await authenticatedEvent(request)
        try request.requireJSONBody()
        let buffer = try await request.collectBody(upTo: SyncBatch.maximumBytes)
        let batch: SyncBatch
        do {
            batch = try SyncBatch.decode(Data(buffer.readableBytesView))
        } catch { throw ProblemDetails(error) }
        try await check(batch, of: event)
        let applied: SyncApplied
        do { applied = try await records.apply(batch, from: event) } catch { throw ProblemDetails(error) }
        // Counts only: no row's content is logged (names of children).
        context.logger.info(
            "sync batch applied",
            metadata: [
                "event.id": "\(event.id)", "rows": "\(batch.rows.count)", "acknowledged": "\(applied.acknowledged)",
            ])
        return try jsonResponse(
            SyncAcknowledgement(
                acknowledged: applied.acknowledged, certificateBaseUrl: certificateBaseURL, erasures: applied.erasures,
                erasuresAfter: applied.erasuresAfter))
    }

    /// The event whose sync token the request presents.
    /// - Throws: 401 when there is none, or it is no registered event's; 503 when the store
    ///   cannot be read.
    func authenticatedEvent(_ request: Request) async throws -> HubEvent {
        let presented = request.bearerCredentials
        // Only the hash is looked up: the store keeps no token.
        let token = presented.flatMap { text in try? SyncToken(parsing: text) }
        var event: HubEvent? = nil
        if let token {
            do { event = try await records.event(tokenHash: token.storageHash) } catch { throw ProblemDetails(error) }
        }
        guard let event else {
            // A well-formed token no event has: most often a hub whose database was restored or
            // replaced, which the operator mends by registering the event again under it.
            var problem =
                token == nil
                ? ProblemDetails(
                    status: .unauthorized, code: "sync-token-required",
                    vi:
                        "Cần mã đồng bộ của sự kiện (Authorization: Bearer kmm1.…), đúng như kiosk hub add-event đã in.",
                    en:
                        "The event's sync token is required (Authorization: Bearer kmm1.…), exactly as kiosk hub add-event printed it."
                )
                : ProblemDetails(
                    status: .unauthorized, code: "sync-token-required",
                    vi:
                        "Hub không có sự kiện nào với mã đồng bộ này. Nếu cơ sở dữ liệu của hub đã được khôi phục hoặc thay "
                        + "mới, hãy đăng ký lại sự kiện mà giữ mã cũ: KIOSK_HUB_TOKEN=<mã của sự kiện> kiosk hub add-event "
                        + "--keep-token …",
                    en: "No event has this sync token at the hub. If the hub's database was restored or replaced, "
                        + "register the event again keeping its token: KIOSK_HUB_TOKEN=<the event's token> kiosk hub "
                        + "add-event --keep-token …")
            problem.challenge = "Bearer realm=\"hub\"" + (presented == nil ? "" : ", error=\"invalid_token\"")
            throw problem
        }
        return event
    }

    /// Refuses a batch that names another event than `event` (403, or 404 when no event has that
    /// id), has too many rows (413), or whose sequences are not ascending and consecutive from 1
    /// or more (400).
    func check(_ batch: SyncBatch, of event: HubEvent) async throws {
        if batch.event != event.id.rawValue {
            var named: HubEvent? = nil
            if let id = EventID(batch.event) {
                do { named = try await records.event(id: id) } catch { throw ProblemDetails(error) }
            }
            guard named != nil else {
                throw ProblemDetails(
                    status: .notFound, code: "unknown-event", field: "event",
                    vi: "Không có sự kiện nào mang mã “\(Self.shown(batch.event))” ở máy chủ quốc gia.",
                    en: "No event has the id “\(Self.shown(batch.event))” at the hub.")
            }
            throw ProblemDetails(
                status: .forbidden, code: "wrong-event", field: "event",
                vi: "Mã đồng bộ này thuộc sự kiện “\(event.id)”, không phải “\(Self.shown(batch.event))”.",
                en: "This sync token belongs to the event “\(event.id)”, not “\(Self.shown(batch.event))”.")
        }
        guard batch.rows.count <= SyncBatch.maximumRows else {
            throw ProblemDetails(
                status: .contentTooLarge, code: "too-many-rows", field: "rows",
                vi: "Một lô có tối đa \(SyncBatch.maximumRows) dòng; lô này có \(batch.rows.count).",
                en: "A batch has at most \(SyncBatch.maximumRows) rows; this one has \(batch.rows.count).")
        }
        let malformed = batch.rows.filter { !$0.isWellFormed }.map { row in
            SyncRefusedRow(
                sequence: row.sequence, field: nil,
                detail: "Mỗi dòng mang đúng một trong pledge, erasure, purge, held. · "
                    + "A row carries exactly one of pledge, erasure, purge or held.")
        }
        guard malformed.isEmpty else {
            throw ProblemDetails(
                HubError(
                    .rowsRefused(malformed),
                    vi:
                        "Mỗi dòng phải mang đúng một trong pledge, erasure, purge hoặc held; không dòng nào được áp dụng.",
                    en: "Each row must carry exactly one of pledge, erasure, purge or held; no row was applied."))
        }
        guard let first = batch.rows.first else { return }
        // In range before any sum: a sequence near Int.max must not overflow `first + index`.
        let inRange = batch.rows.allSatisfy { (1...SyncBatch.maximumSequence).contains($0.sequence) }
        let consecutive =
            inRange && batch.rows.enumerated().allSatisfy { index, row in row.sequence == first.sequence + index }
        guard consecutive else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid-request", field: "rows",
                vi: "Số thứ tự các dòng phải tăng liên tiếp từng một, từ 1 đến 2^53.",
                en: "Row sequences must be consecutive and ascending, from 1 to 2^53.")
        }
    }

    /// An id from a request for a message: itself when it follows the id rule, else a mention
    /// that it does not (never its characters: a bidi override or a NUL must not reach a page or a
    /// terminal).
    static func shown(_ text: String) -> String {
        EventID(text) != nil ? text : "(\(IdentifierRule.text.en))"
    }
}
