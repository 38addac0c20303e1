import Foundation
import GRDB
import PledgeKit

extension PledgeStore: KioskRegistry {
    public func heartbeat(kioskID: String, _ beat: KioskHeartbeat, at time: Date) async throws(PledgeError) {
        try await files.verify(pool)
        do {
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO kiosk (id, last_seen, state, waiting) VALUES (?, ?, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET
                            last_seen = excluded.last_seen, state = excluded.state, waiting = excluded.waiting
                        """,
                    arguments: [kioskID, time, beat.state.rawValue, max(0, beat.waiting)])
            }
            // A heartbeat is a write too (its time changes each time): readiness learns from it.
            writes.succeeded()
        } catch {
            writes.failed(error)
            throw Self.unavailable(error)
        }
    }

    public func kiosks(now: Date) async throws(PledgeError) -> [KioskStatus] {
        let eventID = eventID
        do {
            return try await pool.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT k.id, k.last_seen, k.state, k.waiting,
                            (SELECT count(*) FROM pledge p
                             WHERE p.kiosk_id = k.id AND p.event_id = ? AND p.created_at >= ?) AS today
                        FROM (SELECT id, last_seen, state, waiting FROM kiosk
                              UNION ALL
                              SELECT DISTINCT kiosk_id, NULL, 'unknown', 0 FROM pledge
                              WHERE event_id = ? AND kiosk_id NOT IN (SELECT id FROM kiosk)) AS k
                        ORDER BY k.id
                        """,
                    arguments: [eventID, now.startOfVietnamDay, eventID])
                return rows.map { row in
                    KioskStatus(
                        id: row["id"], lastSeen: row["last_seen"], state: row["state"], pledgesToday: row["today"],
                        waiting: row["waiting"])
                }
            }
        } catch {
            throw Self.unreadable(error)
        }
    }
}
