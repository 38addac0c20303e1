import Foundation
import HubCore
import Logging
import PledgeKit
import PostgresNIO

extension HubStore {
    /// The PostgreSQL notification channel of new counts (the trigger of schema version 6 notifies
    /// it on commit of any statement that inserted pledges; the payload is empty, and PostgreSQL
    /// folds the equal notifications of one transaction into one).
    static let countsChannel = "hub_counts"

    /// From the counter table (hub_kiosk_tally, event × kiosk: the smallest) and each event's province, one query; the online
    /// pseudo-event's pledges under ``NationalTotals/online``.
    public func nationalTotals() async throws(HubError) -> NationalTotals {
        let logger = logger
        let rows = try await call("read national totals") { connection in
            try await Self.rows(
                """
                SELECT CASE WHEN e.id = \(HubEvent.onlineID.rawValue) THEN \(NationalTotals.online) ELSE e.province END,
                    sum(c.count)::int8
                FROM hub_kiosk_tally c JOIN hub_event e ON e.id = c.event_id
                GROUP BY 1
                """, on: connection, logger: logger)
        }
        var totals = NationalTotals(total: 0, byEventProvince: [:])
        do {
            for row in rows {
                let (place, count) = try row.decode((String, Int).self)
                totals.total += count
                totals.byEventProvince[place, default: 0] += count
            }
        } catch {
            throw HubError.unreadable
        }
        return totals
    }

    /// Calls `observer` after every commit, in any hub process on this database, that inserted
    /// pledges (``countsChannel``), and each time this process's LISTEN connection is up (again):
    /// a commit while it was down sent a notification nobody here heard, so the observer reads
    /// once then. Needs ``listenForChanges()`` running. `observer` must return at once (the
    /// live counter's `pledgeCommitted()` only schedules a refresh); it is kept as long as the store.
    public func observeCounts(_ observer: @escaping @Sendable () -> Void) {
        changes.observeCounts(observer)
    }

    /// Version 6: every statement that inserts pledges (a batch's, a pledge made at the hub, a hand
    /// edit) notifies ``countsChannel``, delivered on commit, so the live counter of every hub
    /// process reads the new totals. A statement that inserted nothing (a batch sent again: every
    /// row already here) notifies nothing.
    static let schemaV6 = Migration(
        version: 6, name: "notify new counts",
        statements: [
            """
            CREATE FUNCTION hub_notify_counts() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM inserted) THEN
                    PERFORM pg_notify('\(countsChannel)', '');
                END IF;
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER hub_pledge_counts_notified AFTER INSERT ON hub_pledge
            REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION hub_notify_counts()
            """,
        ])
}
