import GRDB

extension PledgeStore {
    /// v8: `hub_state.erasures_seen_code`, the certificate code of the last hub erasure applied
    /// here (at `erasures_seen`), sent with each batch so that a hub restored from a backup, which
    /// numbers its erasures again, is found out (``hubAcknowledged(_:sentThrough:at:)``).
    static func registerV8(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8: the code of the last hub erasure applied") { db in
            try db.execute(sql: "ALTER TABLE hub_state ADD COLUMN erasures_seen_code TEXT")
        }
    }
}
