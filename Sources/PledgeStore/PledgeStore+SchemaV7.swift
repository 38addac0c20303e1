import Foundation
import GRDB
import PledgeKit

extension PledgeStore {
    /// v7: `event_secret`, keys the event keeps to itself, one row each. `presence` is the key of
    /// the presence codes phones pledge with (``PresenceCodes``, issue 16): 32 bytes from the
    /// system's secure generator, made once, so a code shown before a restart stays good after it.
    static func registerV7(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7: event secrets (the presence key)") { db in
            try db.execute(
                sql: """
                    CREATE TABLE event_secret (
                        name TEXT PRIMARY KEY NOT NULL,
                        value BLOB NOT NULL CHECK (length(value) >= 32)
                    );
                    """)
            var generator = SystemRandomNumberGenerator()
            let key = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            try db.execute(
                sql: "INSERT INTO event_secret (name, value) VALUES ('presence', ?)", arguments: [Data(key)])
        }
    }

    /// The event's presence codes (``PresenceCodes``), from its key; read once, at the service's start.
    /// - Throws: ``PledgeError`` `unavailable` when the database cannot be read.
    public func presenceCodes() throws(PledgeError) -> PresenceCodes {
        do {
            let key = try pool.read { db in
                try Data.fetchOne(db, sql: "SELECT value FROM event_secret WHERE name = 'presence'")
            }
            guard let key else {
                throw PledgeError(.unavailable, vi: "Thiếu khóa của mã điểm danh.", en: "No presence key.")
            }
            return PresenceCodes(key: Array(key))
        } catch let error as PledgeError {
            throw error
        } catch {
            throw Self.unreadable(error)
        }
    }
}
