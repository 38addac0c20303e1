import GRDB

extension PledgeStore {
    /// v6: a pledge's code has 16 characters (the first form) or 27 (the issued form of an event
    /// linked to the hub, ``CodeIssuer``); v1's CHECK allowed 16 only.
    ///
    /// SQLite cannot change a CHECK in place: the table is rebuilt as sqlite.org/lang_altertable.html
    /// (section 7) says, in the migration's transaction, with foreign keys checked after it
    /// (GRDB's deferred checks). Rows keep their rowid, the order the export pages through.
    static func registerV6(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6: certificate codes of 16 or 27 characters") { db in
            try db.execute(
                sql: """
                    CREATE TABLE pledge_v6 (
                        id TEXT PRIMARY KEY NOT NULL,
                        event_id TEXT NOT NULL REFERENCES event(id),
                        kiosk_id TEXT NOT NULL CHECK (kiosk_id <> ''),
                        number INTEGER NOT NULL CHECK (number >= 1),
                        name TEXT CHECK (name IS NULL OR name <> ''),
                        age_band TEXT NOT NULL
                            CHECK (age_band IN ('under-12', '12-15', '16-17', '18-24', '25-plus')),
                        province TEXT CHECK (province IS NULL OR province <> ''),
                        school TEXT CHECK (school IS NULL OR school <> ''),
                        guardian_consent INTEGER NOT NULL CHECK (guardian_consent IN (0, 1)),
                        created_at TEXT NOT NULL,
                        code TEXT NOT NULL UNIQUE CHECK (length(code) IN (16, 27)),
                        idempotency_key TEXT NOT NULL UNIQUE,
                        search_key TEXT,
                        sort_key TEXT,
                        erased_at TEXT,
                        UNIQUE (event_id, number)
                    );
                    INSERT INTO pledge_v6 (
                        rowid, id, event_id, kiosk_id, number, name, age_band, province, school, guardian_consent,
                        created_at, code, idempotency_key, search_key, sort_key, erased_at)
                    SELECT rowid, id, event_id, kiosk_id, number, name, age_band, province, school, guardian_consent,
                        created_at, code, idempotency_key, search_key, sort_key, erased_at
                    FROM pledge;
                    DROP TABLE pledge;
                    ALTER TABLE pledge_v6 RENAME TO pledge;
                    CREATE INDEX pledge_by_event_created ON pledge (event_id, created_at);
                    CREATE INDEX pledge_by_kiosk_time ON pledge (kiosk_id, created_at);
                    """
            )
        }
    }
}
