import HubCore
import Logging
import PostgresNIO

extension HubStore {
    /// One forward-only step of the hub's schema: applied once, in order, never changed once
    /// released (a change is a new step).
    struct Migration: Sendable {
        let version: Int
        let name: String
        /// One statement each (the extended query protocol runs one at a time).
        let statements: [String]
    }

    /// Every step of the schema, oldest first.
    static let migrations: [Migration] = [
        schemaV1, schemaV2, schemaV3, schemaV4, schemaV5, schemaV6, schemaV7, schemaV8,
    ]

    /// The key of the advisory lock every migration runs under (`pg_advisory_xact_lock`): hubs
    /// started at once on one database apply each step once, one after the other.
    static let migrationLock: Int64 = 0x6B6D_6D5F_6875_6231  // "kmm_hub1"

    /// The longest the migrations may take: a step may rewrite a large table.
    static let migrationDeadline = Duration.seconds(300)

    /// Applies, in one transaction under an advisory lock, the steps of ``migrations`` the
    /// database's `schema_migrations` table does not list; returns their versions (empty when
    /// the schema was up to date).
    /// - Throws: ``HubError`` `misconfigured` when the database has a step this hub does not know
    ///   (it was migrated by a newer hub), `unavailable`.
    public func migrate() async throws(HubError) -> [Int] {
        let logger = logger
        let timeout = Int(Self.migrationDeadline.components.seconds * 1000)
        return try await call("migrate", deadline: Self.migrationDeadline) { connection in
            try await Self.transaction(connection, logger: logger) {
                try await Self.execute(
                    "SET LOCAL statement_timeout = \(unescaped: "\(timeout)")", on: connection, logger: logger)
                try await Self.execute(
                    "SET LOCAL lock_timeout = \(unescaped: "\(timeout)")", on: connection, logger: logger)
                try await Self.execute(
                    "SELECT pg_advisory_xact_lock(\(Self.migrationLock))", on: connection, logger: logger)
                try await Self.execute(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                    """, on: connection, logger: logger)
                let applied = Set(
                    try await Self.rows("SELECT version FROM schema_migrations", on: connection, logger: logger)
                        .map { try $0.decode(Int.self) })
                let known = Self.migrations.map(\.version)
                if let newer = applied.subtracting(known).max() {
                    throw HubError(
                        .misconfigured,
                        vi:
                            "Cơ sở dữ liệu của hub đã ở phiên bản lược đồ \(newer), mới hơn phiên bản hub này biết (\(known.max() ?? 0)). Hãy nâng cấp hub.",
                        en:
                            "The hub's database is at schema version \(newer), newer than this hub knows (\(known.max() ?? 0)). Upgrade the hub."
                    )
                }
                var done: [Int] = []
                for migration in Self.migrations where !applied.contains(migration.version) {
                    for statement in migration.statements {
                        try await Self.execute(PostgresQuery(unsafeSQL: statement), on: connection, logger: logger)
                    }
                    try await Self.execute(
                        "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                        on: connection, logger: logger)
                    done.append(migration.version)
                }
                return done
            }
        }
    }

    /// Version 1: events, pledges (no school, no search keys), erasures, held rows, counts.
    static let schemaV1 = Migration(
        version: 1, name: "events, pledges, erasures, held rows, counts",
        statements: [
            """
            CREATE TABLE hub_event (
                id text PRIMARY KEY,
                name text NOT NULL,
                province text NOT NULL,
                date date NOT NULL,
                place text NOT NULL,
                code_tag text NOT NULL CONSTRAINT hub_event_code_tag_key UNIQUE,
                code_key bytea NOT NULL,
                token_hash text NOT NULL CONSTRAINT hub_event_token_hash_key UNIQUE,
                retain_until date,
                -- The highest sequence of the event's outbox committed here.
                last_sequence bigint NOT NULL DEFAULT 0,
                held_rows bigint NOT NULL DEFAULT 0,
                -- Names of the event's pledges created before this are blank (its purges), now and later.
                purged_before timestamptz,
                -- The cursor of the last erasure made at the hub for the event's pledges.
                erasures_made bigint NOT NULL DEFAULT 0,
                registered_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE hub_pledge (
                id uuid PRIMARY KEY,
                code text NOT NULL CONSTRAINT hub_pledge_code_key UNIQUE,
                event_id text NOT NULL REFERENCES hub_event (id),
                kiosk_id text NOT NULL,
                number integer NOT NULL CHECK (number >= 1),
                name text,
                age_band text NOT NULL,
                province text,
                guardian_consent boolean NOT NULL,
                created_at timestamptz NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX hub_pledge_event_created ON hub_pledge (event_id, created_at)",
            """
            CREATE TABLE hub_erasure (
                event_id text NOT NULL REFERENCES hub_event (id),
                code text NOT NULL,
                erased_at timestamptz NOT NULL,
                -- Set for an erasure made at the hub: the event applies it (its acknowledgement's erasures).
                cursor bigint,
                PRIMARY KEY (event_id, code),
                CONSTRAINT hub_erasure_cursor_key UNIQUE (event_id, cursor)
            )
            """,
            """
            CREATE TABLE hub_held (
                event_id text NOT NULL REFERENCES hub_event (id),
                sequence bigint NOT NULL,
                reason text NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (event_id, sequence)
            )
            """,
            """
            CREATE TABLE hub_count (
                event_id text NOT NULL REFERENCES hub_event (id),
                age_band text NOT NULL,
                -- '' when the pledge gave none.
                province text NOT NULL,
                count bigint NOT NULL,
                PRIMARY KEY (event_id, age_band, province)
            )
            """,
        ])

    /// Version 2: every change to a pledge or to an event's shown columns already at the hub
    /// notifies ``changeChannel`` (delivered on commit), so every hub process on the database
    /// drops the copies its pages keep (``changeStamp()``). New rows notify nothing: a code not
    /// found is never kept.
    static let schemaV2 = Migration(
        version: 2, name: "notify changes to stored pledges and events",
        statements: [
            """
            CREATE FUNCTION hub_notify_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                -- One notification per transaction: PostgreSQL folds equal ones.
                PERFORM pg_notify('\(changeChannel)', '');
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER hub_pledge_changed AFTER UPDATE ON hub_pledge
            FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION hub_notify_changed()
            """,
            """
            CREATE TRIGGER hub_pledge_removed AFTER DELETE OR TRUNCATE ON hub_pledge
            FOR EACH STATEMENT EXECUTE FUNCTION hub_notify_changed()
            """,
            // Only the columns a certificate shows or checks a code with: a batch updates the
            // event's cursors on every commit.
            """
            CREATE TRIGGER hub_event_changed
            AFTER UPDATE OF name, province, date, place, code_tag, code_key, retain_until ON hub_event
            FOR EACH ROW WHEN (
                (OLD.name, OLD.province, OLD.date, OLD.place, OLD.code_tag, OLD.code_key, OLD.retain_until)
                IS DISTINCT FROM
                (NEW.name, NEW.province, NEW.date, NEW.place, NEW.code_tag, NEW.code_key, NEW.retain_until))
            EXECUTE FUNCTION hub_notify_changed()
            """,
            """
            CREATE TRIGGER hub_event_removed AFTER DELETE OR TRUNCATE ON hub_event
            FOR EACH STATEMENT EXECUTE FUNCTION hub_notify_changed()
            """,
        ])

    /// Version 3: pledges made at the hub through the web pledge flow (``HubWebPledges``): each
    /// event's count of them (its next hub number), and each one's idempotency key, unique.
    /// Adding nullable or defaulted columns rewrites no table. And counts by channel (`kiosk`,
    /// `phone`: the kiosk id `phone` is the phones'), kept by a trigger on every insert of pledges,
    /// whichever way they come (a batch's statement, a pledge made at the hub), once per statement
    /// over the rows it inserted; filled from the pledges already here.
    static let schemaV3 = Migration(
        version: 3, name: "pledges made at the hub",
        statements: [
            "ALTER TABLE hub_event ADD COLUMN web_pledges bigint NOT NULL DEFAULT 0",
            // The idempotency key of the submission that made a pledge at the hub (no column is
            // named "key": none holds a search key of a name, HubStoreSchemaTests).
            "ALTER TABLE hub_pledge ADD COLUMN idempotency text",
            """
            CREATE UNIQUE INDEX hub_pledge_idempotency ON hub_pledge (idempotency)
            WHERE idempotency IS NOT NULL
            """,
            """
            CREATE TABLE hub_channel_count (
                event_id text NOT NULL REFERENCES hub_event (id),
                channel text NOT NULL,
                count bigint NOT NULL,
                PRIMARY KEY (event_id, channel)
            )
            """,
            """
            INSERT INTO hub_channel_count (event_id, channel, count)
            SELECT event_id, CASE WHEN kiosk_id = 'phone' THEN 'phone' ELSE 'kiosk' END, count(*)
            FROM hub_pledge GROUP BY 1, 2
            """,
            """
            CREATE FUNCTION hub_count_channels() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO hub_channel_count (event_id, channel, count)
                SELECT event_id, CASE WHEN kiosk_id = 'phone' THEN 'phone' ELSE 'kiosk' END, count(*)
                FROM inserted GROUP BY 1, 2
                ON CONFLICT (event_id, channel) DO UPDATE SET count = hub_channel_count.count + excluded.count;
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER hub_pledge_channels AFTER INSERT ON hub_pledge
            REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION hub_count_channels()
            """,
        ])
}
