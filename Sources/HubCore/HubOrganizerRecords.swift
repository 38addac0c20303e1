import Foundation
import PledgeExport
import PledgeKit

/// The hub's organizer accounts (issue 15, item 2), their audit log, and what an organizer reads
/// within a scope (``OrganizerScope``). Every read is filtered by the scope in the store's
/// statement, never after it. Tokens are kept as their SHA-256 only (``OrganizerToken/storageHash``).
public protocol HubOrganizerRecords: Sendable {
    /// Creates an account; returns it with its new id.
    /// - Throws: ``HubError`` `unknown-event` when an `event` scope names no registered event.
    func addOrganizer(name: String, scope: OrganizerScope, tokenHash: String) async throws(HubError) -> HubOrganizer

    /// Every account, revoked ones too, oldest first.
    func organizers() async throws(HubError) -> [HubOrganizer]

    /// Revokes the account with `id` at `date`: its token is refused from then on. Returns false
    /// when no account has the id or it was revoked already.
    func revokeOrganizer(id: Int, at date: Date) async throws(HubError) -> Bool

    /// The account whose token has this SHA-256 (hex), revoked or not (the caller refuses a
    /// revoked one), or nil.
    func organizer(tokenHash: String) async throws(HubError) -> HubOrganizer?

    /// Writes one row of the audit log.
    func recordAudit(_ entry: HubAuditEntry) async throws(HubError)

    /// The newest `limit` rows of the audit log, newest first.
    func auditEntries(limit: Int) async throws(HubError) -> [HubAuditEntry]

    /// The province of event `id`, or nil when the hub has no such event.
    func province(ofEvent id: EventID) async throws(HubError) -> Province?

    /// Exact counts of the pledges of the events in `scope`, by `dimensions` (``BucketOrder``).
    func breakdown(by dimensions: [CountDimension], scope: OrganizerScope) async throws(HubError) -> Breakdown

    /// The events in `scope`, by province (in ``Province/all``'s order) then id, with what their sync has brought.
    func eventStatuses(scope: OrganizerScope) async throws(HubError) -> [HubEventStatus]

    /// The pledges of the events in `scope`, for ``Exporter``: read page by page in the order they
    /// were stored, never the whole table at once; no personal data (the hub's exports carry none).
    func exportRows(scope: OrganizerScope) -> any ExportRows
}

/// An organizer account at the hub. Its name is the team's label (e.g. "Ban tổ chức Hà Nội"),
/// never a signer's; its token is not kept.
public struct HubOrganizer: Sendable, Equatable {
    public var id: Int
    public var name: String
    public var scope: OrganizerScope
    public var createdAt: Date
    public var revokedAt: Date?

    public init(id: Int, name: String, scope: OrganizerScope, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.scope = scope
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// One event as its organizers see it at the hub: what its sync has brought (`GET
/// /api/organizer/events`). The event's own backlog (rows not yet sent) is known at the event
/// only (its `/admin`); the hub knows the highest sequence it committed.
public struct HubEventStatus: Codable, Sendable, Equatable {
    public var event: String
    public var name: String
    public var province: String
    /// The event's day, yyyy-mm-dd.
    public var date: String
    /// Pledges of the event at the hub.
    public var pledges: Int
    /// The highest sequence of the event's outbox committed at the hub (its acknowledgement).
    public var acknowledged: Int
    /// Rows the event holds back, refused by its own checks and reported to the hub.
    public var heldRows: Int
    /// When its last batch was committed (RFC 3339, UTC); nil before the first.
    public var lastSyncAt: String?

    public init(
        event: String, name: String, province: String, date: String, pledges: Int, acknowledged: Int, heldRows: Int,
        lastSyncAt: String?
    ) {
        self.event = event
        self.name = name
        self.province = province
        self.date = date
        self.pledges = pledges
        self.acknowledged = acknowledged
        self.heldRows = heldRows
        self.lastSyncAt = lastSyncAt
    }
}

/// One row of the organizers' audit log: who (the account's id; nil when no valid token was
/// presented), what (the route, without its query), which scope was asked, the answer's HTTP
/// status and when. No personal data: no name, no query text, no token, no address.
public struct HubAuditEntry: Sendable, Equatable {
    public var organizer: Int?
    /// The method and route, e.g. `GET /api/organizer/export/pledges`.
    public var action: String
    /// The scope the request asked for (``OrganizerScope/description``), or the account's own when
    /// it asked for none; nil when the request named none that could be read.
    public var scope: String?
    public var status: Int
    public var at: Date

    public init(organizer: Int?, action: String, scope: String?, status: Int, at: Date) {
        self.organizer = organizer
        self.action = action
        self.scope = scope
        self.status = status
        self.at = at
    }
}
