extension HubStore {
    /// Version 5: organizer accounts (issue 15, item 2) and their audit log; each event's last
    /// sync; the order pledges were stored in, for exports read page by page.
    ///
    /// - `hub_organizer`: the SHA-256 of each token (never the token), its scope (`national`, or
    ///   `province`/`event` with the province's name or the event's id), created and revoked.
    /// - `hub_audit`: one row per organizer request, allowed or refused: the account (NULL when
    ///   no valid token was presented), the route, the scope asked, the HTTP status, the time.
    ///   No personal data: no name, no query text, no token, no address.
    /// - `hub_event.last_sync_at`: set by every committed batch.
    /// - `hub_pledge.stored`: an identity, the keyset of exports (filled for the pledges already
    ///   here, in a rewrite of the table once).
    ///
    /// Independent of version 4 (counter tables): neither reads the other's tables.
    static let schemaV5 = Migration(
        version: 5, name: "organizer accounts, audit log, last sync, stored order",
        statements: [
            """
            CREATE TABLE hub_organizer (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                name text NOT NULL,
                token_hash text NOT NULL CONSTRAINT hub_organizer_token_hash_key UNIQUE,
                scope_kind text NOT NULL CHECK (scope_kind IN ('national', 'province', 'event')),
                scope_value text,
                CHECK ((scope_kind = 'national') = (scope_value IS NULL)),
                created_at timestamptz NOT NULL DEFAULT now(),
                revoked_at timestamptz
            )
            """,
            """
            CREATE TABLE hub_audit (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                organizer_id bigint REFERENCES hub_organizer (id),
                action text NOT NULL,
                scope text,
                status integer NOT NULL,
                at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX hub_audit_organizer_at ON hub_audit (organizer_id, at)",
            "ALTER TABLE hub_event ADD COLUMN last_sync_at timestamptz",
            "CREATE INDEX hub_event_province ON hub_event (province)",
            "ALTER TABLE hub_pledge ADD COLUMN stored bigint GENERATED ALWAYS AS IDENTITY",
            "CREATE UNIQUE INDEX hub_pledge_stored ON hub_pledge (stored)",
        ])
}
