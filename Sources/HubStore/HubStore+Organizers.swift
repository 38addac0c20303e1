import Foundation
import HubCore
import Logging
import PledgeKit
import PostgresNIO

/// Organizer accounts and their audit log (``HubOrganizerRecords``, migration version 5); the
/// scoped reads are in HubStore+ScopedReads.swift.
extension HubStore: HubOrganizerRecords {
    public func addOrganizer(name: String, scope: OrganizerScope, tokenHash: String) async throws(HubError)
        -> HubOrganizer
    {
        let logger = logger
        let (kind, value) = (scope.kind, scope.value)
        // An event scope names a registered event: checked in the insert itself.
        let row = try await call("add organizer") { connection in
            try await Self.rows(
                """
                INSERT INTO hub_organizer (name, token_hash, scope_kind, scope_value)
                SELECT \(name), \(tokenHash), \(kind), \(value)
                WHERE \(kind) <> 'event' OR EXISTS (SELECT 1 FROM hub_event WHERE id = \(value))
                RETURNING id, created_at
                """, on: connection, logger: logger
            ).first
        }
        guard let row else {
            throw HubError.noSuchEvent(value ?? "")
        }
        do {
            let (id, createdAt) = try row.decode((Int, Date).self)
            return HubOrganizer(id: id, name: name, scope: scope, createdAt: createdAt)
        } catch {
            throw HubError.unreadable
        }
    }

    public func organizers() async throws(HubError) -> [HubOrganizer] {
        try await organizers("SELECT \(unescaped: Self.organizerColumns) FROM hub_organizer ORDER BY id")
    }

    public func organizer(tokenHash: String) async throws(HubError) -> HubOrganizer? {
        try await organizers(
            "SELECT \(unescaped: Self.organizerColumns) FROM hub_organizer WHERE token_hash = \(tokenHash)"
        ).first
    }

    static let organizerColumns = "id, name, scope_kind, scope_value, created_at, revoked_at"

    /// The accounts a statement over ``organizerColumns`` reads.
    private func organizers(_ query: PostgresQuery) async throws(HubError) -> [HubOrganizer] {
        let logger = logger
        let rows = try await call("read organizers") { connection in
            try await Self.rows(query, on: connection, logger: logger)
        }
        return try rows.map { row throws(HubError) in
            do {
                let (id, name, kind, value, createdAt, revokedAt) = try row.decode(
                    (Int, String, String, String?, Date, Date?).self)
                guard let scope = OrganizerScope(kind: kind, value: value) else { throw HubError.unreadable }
                return HubOrganizer(id: id, name: name, scope: scope, createdAt: createdAt, revokedAt: revokedAt)
            } catch let error as HubError {
                throw error
            } catch {
                throw HubError.unreadable
            }
        }
    }

    public func revokeOrganizer(id: Int, at date: Date) async throws(HubError) -> Bool {
        let logger = logger
        return try await call("revoke organizer") { connection in
            try await !Self.rows(
                "UPDATE hub_organizer SET revoked_at = \(date) WHERE id = \(id) AND revoked_at IS NULL RETURNING id",
                on: connection, logger: logger
            ).isEmpty
        }
    }

    public func recordAudit(_ entry: HubAuditEntry) async throws(HubError) {
        let logger = logger
        try await call("write audit") { connection in
            try await Self.execute(
                """
                INSERT INTO hub_audit (organizer_id, action, scope, status, at)
                VALUES (\(entry.organizer), \(entry.action), \(entry.scope), \(entry.status), \(entry.at))
                """, on: connection, logger: logger)
        }
    }

    public func auditEntries(limit: Int) async throws(HubError) -> [HubAuditEntry] {
        let logger = logger
        let rows = try await call("read audit") { connection in
            try await Self.rows(
                "SELECT organizer_id, action, scope, status, at FROM hub_audit ORDER BY id DESC LIMIT \(limit)",
                on: connection, logger: logger)
        }
        do {
            return try rows.map {
                let (organizer, action, scope, status, at) = try $0.decode((Int?, String, String?, Int, Date).self)
                return HubAuditEntry(organizer: organizer, action: action, scope: scope, status: status, at: at)
            }
        } catch {
            throw HubError.unreadable
        }
    }

    public func province(ofEvent id: EventID) async throws(HubError) -> Province? {
        let logger = logger
        let name = try await call("read event province") { connection in
            try await Self.rows(
                "SELECT province FROM hub_event WHERE id = \(id.rawValue)", on: connection, logger: logger
            ).first?.decode(String.self)
        }
        guard let name else { return nil }
        guard let province = Province(matching: name) else { throw HubError.unreadable }
        return province
    }
}
