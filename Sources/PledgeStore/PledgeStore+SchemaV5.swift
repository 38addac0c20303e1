import Foundation
import GRDB
import KioskAPI
import PledgeKit

extension PledgeStore {
    /// v5: the transactional outbox to the national hub (`hub_outbox`) and what the relay keeps
    /// (`hub_state`, one row).
    ///
    /// `hub_outbox` gets a row in the same transaction as each change the hub must learn (a new
    /// pledge, an erasure, a purge), only when the event feeds a hub (``feedsHub``): a change that
    /// commits has its row, a change that rolls back has none, and no crash can come between them.
    /// `sequence` is AUTOINCREMENT: never reused while the file lives, even after the rows before it
    /// are deleted, unless the hub lost the rows it had acknowledged (``requeueForHub(from:)``). `body` is the change's wire format (``SyncPledge``, ``SyncErasure``,
    /// ``SyncPurge``). A row is deleted once the hub acknowledges its sequence; a row the hub refused
    /// for good is `held` with the hub's reason and kept for the organizer, and once the hub
    /// acknowledged its placeholder (`acknowledged` = 1) it is no longer sent. `code` is a pledge
    /// row's certificate code, so an erasure or a purge can blank the name in its body too.
    /// `hub_erased_code` keeps the codes of erasures the hub sent before their pledge reached this
    /// database (a front that was offline): the pledge is erased as it arrives (erasure wins).
    static func registerV5(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5: hub outbox and hub state") { db in
            try db.execute(
                sql: """
                    CREATE TABLE hub_outbox (
                        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL CHECK (kind IN ('pledge', 'erasure', 'purge')),
                        body TEXT NOT NULL CHECK (json_valid(body)),
                        code TEXT CHECK ((kind = 'pledge') = (code IS NOT NULL)),
                        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'held')),
                        held_reason TEXT CHECK ((state = 'held') = (held_reason IS NOT NULL)),
                        acknowledged INTEGER NOT NULL DEFAULT 0 CHECK (acknowledged IN (0, 1)),
                        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0)
                    );
                    CREATE TABLE hub_state (
                        id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
                        certificate_base TEXT,
                        erasures_seen INTEGER NOT NULL DEFAULT 0 CHECK (erasures_seen >= 0),
                        acknowledged INTEGER NOT NULL DEFAULT 0 CHECK (acknowledged >= 0),
                        last_contact TEXT,
                        last_error TEXT,
                        last_error_at TEXT,
                        linked INTEGER NOT NULL DEFAULT 0 CHECK (linked IN (0, 1))
                    );
                    INSERT INTO hub_state (id) VALUES (1);
                    CREATE TABLE hub_erased_code (code TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
                    """
            )
        }
    }

    /// The hub's wire form of a pledge: no school, no search keys.
    static func syncPledge(_ pledge: Pledge) -> SyncPledge {
        SyncPledge(
            id: pledge.id, code: pledge.code.rawValue, kiosk: pledge.kioskID, number: pledge.number, name: pledge.name,
            ageBand: pledge.ageBand.rawValue, province: pledge.province?.name,
            guardianConsent: pledge.guardianConsent, createdAt: SyncBatch.text(pledge.createdAt))
    }

    /// Adds an outbox row for `pledge` in the current transaction (the pledge's own); when the hub
    /// already erased its code (``hub_erased_code``), the name is erased here too before the commit.
    static func enqueueHub(_ pledge: Pledge, in db: Database) throws {
        try enqueueHub(kind: "pledge", body: syncPledge(pledge), code: pledge.code.rawValue, in: db)
        let erasedAtHub = try db.cachedStatement(sql: "SELECT 1 FROM hub_erased_code WHERE code = ?")
        if try Bool.fetchOne(erasedAtHub, arguments: [pledge.code.rawValue]) == true {
            _ = try eraseName(code: pledge.code.rawValue, at: Date(), in: db)
            try db.execute(sql: "DELETE FROM hub_erased_code WHERE code = ?", arguments: [pledge.code.rawValue])
        }
    }

    /// Adds an outbox row in the current transaction.
    static func enqueueHub(kind: String, body: some Encodable, code: String? = nil, in db: Database) throws {
        let json = String(decoding: try WireJSON.encode(body), as: UTF8.self)
        try db.cachedStatement(sql: "INSERT INTO hub_outbox (kind, body, code) VALUES (?, ?, ?)")
            .execute(arguments: [kind, json, code])
    }

    /// Blanks the name in the bodies of outbox pledge rows whose pledge no longer has one (erased
    /// or purged), so no erased name waits in the outbox or reaches the hub; `code` narrows it to
    /// one pledge. Called in the erasure's own transaction.
    static func blankErasedNamesInOutbox(code: String? = nil, in db: Database) throws {
        let blank = """
            UPDATE hub_outbox SET body = json_set(body, '$.name', NULL)
            WHERE kind = 'pledge' AND json_extract(body, '$.name') IS NOT NULL
            AND code IN (SELECT code FROM pledge WHERE name IS NULL)
            """
        if let code {
            try db.execute(sql: blank + " AND code = ?", arguments: [code])
        } else {
            try db.execute(sql: blank)
        }
    }

    /// Links the database to the hub the first time an event with a hub opens it (`hub_state.linked`):
    /// queues every pledge of the event already there, in number order, in one transaction, so
    /// codes issued before the hub existed reach it too. Once per database; from then on the
    /// database stays linked (``PledgeStore/feedsHub``).
    static func linkToHub(eventID: String, in db: Database) throws {
        guard try Bool.fetchOne(db, sql: "SELECT linked FROM hub_state WHERE id = 1") == false else { return }
        // All read first: queuing a pledge may write to `pledge` (``enqueueHub(_:in:)``).
        let rows = try PledgeRow.fetchAll(
            db, sql: "SELECT * FROM pledge WHERE event_id = ? ORDER BY number", arguments: [eventID])
        for row in rows {
            try enqueueHub(try row.pledge(), in: db)
        }
        try db.execute(sql: "UPDATE hub_state SET linked = 1 WHERE id = 1")
    }
}
