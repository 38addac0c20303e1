import GRDB

extension PledgeStore {
    /// Schema migrations. Constraints live in the schema: SQLite refuses a row that breaks them
    /// even if a bug in Swift would let it through.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: events and pledges") { db in
            try db.execute(
                sql: """
                    CREATE TABLE event (
                        id TEXT PRIMARY KEY NOT NULL,
                        last_number INTEGER NOT NULL DEFAULT 0 CHECK (last_number >= 0)
                    );
                    CREATE TABLE pledge (
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
                        code TEXT NOT NULL UNIQUE CHECK (length(code) = 16),
                        idempotency_key TEXT NOT NULL UNIQUE,
                        UNIQUE (event_id, number)
                    );
                    CREATE INDEX pledge_by_event_age_band ON pledge (event_id, age_band);
                    CREATE INDEX pledge_by_event_province ON pledge (event_id, province);
                    """
            )
        }
        registerV2(&migrator)
        migrator.registerMigration("v3: kiosks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE kiosk (
                        id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
                        last_seen TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('ready', 'paused', 'stopped')),
                        waiting INTEGER NOT NULL DEFAULT 0 CHECK (waiting >= 0)
                    );
                    CREATE INDEX pledge_by_kiosk_time ON pledge (kiosk_id, created_at);
                    """
            )
        }
        registerV4(&migrator)
        registerV5(&migrator)
        registerV6(&migrator)
        registerV7(&migrator)
        registerV8(&migrator)
        return migrator
    }
}
