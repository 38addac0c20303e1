import GRDB
import PledgeKit

extension PledgeStore {
    /// Every pledge of `eventID`, in the order of their numbers (for rendering certificates in bulk).
    public func pledges(eventID: String) async throws(PledgeError) -> [Pledge] {
        do {
            return try await pool.read { db in
                try PledgeRow.fetchAll(
                    db, sql: "SELECT * FROM pledge WHERE event_id = ? ORDER BY number", arguments: [eventID]
                ).map { try $0.pledge() }
            }
        } catch {
            throw Self.unreadable(error)
        }
    }
}
