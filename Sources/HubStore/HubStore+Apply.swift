import Foundation
import HubCore
import KioskAPI
import Logging
import PledgeKit
import PostgresNIO

extension HubStore {
    /// The most hub erasures one acknowledgement carries (the sync protocol's rule).
    public static let erasuresPerAcknowledgement = 500

    /// Applies `batch` in one transaction, under a lock of the event's row (batches of one event
    /// apply one after the other), by the sync protocol's rules (KioskAPI's ``SyncBatch``;
    /// docs/design.md, "Storage"): the gap check against the event's `last_sequence`; pledges by id,
    /// a replayed one changing nothing; erasures kept as tombstones that win over a pledge that
    /// arrives later; purges blanking names now and later; held rows counted; the counters updated
    /// in the same transaction (schema v4's trigger). Returns after the commit.
    public func apply(_ batch: SyncBatch, from event: HubEvent) async throws(HubError) -> SyncApplied {
        try await apply(batch, from: event, now: Date())
    }

    /// ``apply(_:from:)`` with the hub's clock given (a test's clock behind the database's).
    func apply(_ batch: SyncBatch, from event: HubEvent, now: Date) async throws(HubError) -> SyncApplied {
        let plan: SyncPlan
        do {
            plan = try SyncPlan(batch, from: event, now: now)
        } catch {
            // A row "ahead of the hub's clock" is held at its event for good: first make sure the
            // hub's clock is the one that is right (a hub far behind would refuse today's pledges).
            if case .rowsRefused(let rows) = error.kind, rows.contains(where: { $0.field == "createdAt" }) {
                let offset = try await clockOffset(from: now)
                guard abs(offset) <= 3600 else {
                    // 503: the event sends the batch again later, when the clock is right.
                    throw HubError(
                        .unavailable, vi: "Đồng hồ của máy chủ hub lệch \(offset) giây so với cơ sở dữ liệu.",
                        en: "The hub machine's clock is \(offset) s off the database's.")
                }
            }
            throw error
        }
        let logger = logger
        let eventID = event.id.rawValue
        let seen = batch.erasuresSeen
        let seenCode = batch.erasuresSeenCode
        let today = CivilDate(inVietnamAt: now)
        let applied = try await call("apply batch") { connection in
            func write(_ inserts: BatchWriter.Inserts) async throws -> SyncApplied {
                try await Self.transaction(connection, logger: logger) {
                    let writer = BatchWriter(connection: connection, logger: logger, eventID: eventID)
                    try await writer.apply(plan, today: today, inserts: inserts)
                    let acknowledged = try await writer.finish(lastSequence: plan.lastSequence)
                    let after = try await writer.erasuresAfter(seen: seen, code: seenCode)
                    return SyncApplied(
                        acknowledged: acknowledged, erasures: try await writer.erasures(after: after),
                        erasuresAfter: after)
                }
            }
            do {
                return try await write(.newOnly)
            } catch let error as PSQLError where BatchWriter.isPledgeConflict(error) {
                // A pledge of the batch is here already (a replay, or another pledge's id or code):
                // nothing was applied; again, pledge by pledge.
                return try await write(.byID)
            }
        }
        // Names may be blanked: this process's pages drop their copies now, others when notified.
        if !plan.erasures.isEmpty || plan.purgedBefore != nil { changes.bump() }
        // Counts kept by this process are stale now, before its notification comes back.
        changes.countsCommitted(event: eventID)
        return applied
    }
}

/// The statements of one batch's transaction.
struct BatchWriter {
    /// The refusal of a pledge whose id or code another pledge at the hub has, Vietnamese then English.
    static let clash =
        "hub đã có một lời cam kết khác với id hoặc mã này · another pledge at the hub has this id or code"

    let connection: PostgresConnection
    let logger: Logger
    let eventID: String

    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await HubStore.rows(query, on: connection, logger: logger)
    }

    func execute(_ query: PostgresQuery) async throws {
        try await HubStore.execute(query, on: connection, logger: logger)
    }

    /// How the batch's pledges are inserted. The outcome is the same; only the cost differs.
    enum Inserts {
        /// In one plain `INSERT`, when every row's sequence is past the event's `last_sequence`:
        /// it fails with a unique violation (``isPledgeConflict(_:)``) when a pledge's id or code is
        /// here already, and the batch is then written again `byID`. It spares the index probes of
        /// `ON CONFLICT` and the clash check, which a batch of new pledges (nearly every one) never needs.
        case newOnly
        /// `ON CONFLICT DO NOTHING`, a replayed pledge changing nothing, then the check that each
        /// pledge is stored as sent (else the batch is refused).
        case byID
    }

    /// Whether `error` is the unique violation of a pledge's id or code (of ``Inserts/newOnly``).
    static func isPledgeConflict(_ error: PSQLError) -> Bool {
        // unique_violation (PostgreSQL, Appendix A).
        error.serverInfo?[.sqlState] == "23505" && error.serverInfo?[.tableName] == "hub_pledge"
    }

    func apply(_ plan: SyncPlan, today: CivilDate, inserts: Inserts) async throws {
        // The event's row, locked: its batches apply one at a time, in the order they lock it.
        guard
            let state = try await rows(
                """
                SELECT last_sequence, purged_before, retain_until < \(today.description)::date
                FROM hub_event WHERE id = \(eventID) FOR UPDATE
                """
            ).first
        else {
            throw HubError.noSuchEvent(eventID)
        }
        let (last, storedPurge, expired) = try state.decode((Int, Date?, Bool?).self)
        if let first = plan.firstSequence, first > last + 1 {
            throw HubError(
                .sequenceGap(expected: last + 1),
                vi: "Lô bắt đầu ở số thứ tự \(first), hub đang chờ \(last + 1).",
                en: "The batch starts at sequence \(first); the hub expects \(last + 1).")
        }
        var purgedBefore = storedPurge
        if let before = plan.purgedBefore {
            purgedBefore = max(storedPurge ?? before, before)
            try await execute("UPDATE hub_event SET purged_before = \(purgedBefore) WHERE id = \(eventID)")
            try await execute(
                """
                UPDATE hub_pledge SET name = NULL
                WHERE event_id = \(eventID) AND created_at < \(before) AND name IS NOT NULL
                """)
        }
        if !plan.erasures.isEmpty { try await erase(plan.erasures) }
        if !plan.pledges.isEmpty {
            // A row at or below last_sequence was applied before: a replay, written by id.
            let fresh = inserts == .newOnly && (plan.firstSequence ?? 0) > last
            try await insert(plan.pledges, purgedBefore: purgedBefore, expired: expired ?? false, byID: !fresh)
        }
        if !plan.held.isEmpty { try await hold(plan.held) }
    }

    /// Keeps the erasures as tombstones (a pledge that arrives later is stored without its name)
    /// and blanks the names of the pledges already here.
    func erase(_ erasures: [(code: String, erasedAt: Date)]) async throws {
        let codes = erasures.map(\.code)
        try await execute(
            """
            INSERT INTO hub_erasure (event_id, code, erased_at)
            SELECT \(eventID), code, erased_at FROM unnest(\(codes)::text[], \(erasures.map(\.erasedAt))::timestamptz[])
                AS erasure(code, erased_at)
            ON CONFLICT (event_id, code) DO NOTHING
            """)
        try await execute(
            """
            UPDATE hub_pledge SET name = NULL
            WHERE event_id = \(eventID) AND code = ANY(\(codes)::text[]) AND name IS NOT NULL
            """)
    }

    /// Inserts the pledges not here yet (by id), each without its name when erased, purged or
    /// past the event's retention (the insert's trigger adds the new ones to the counters, schema
    /// v4, in this transaction); refuses the batch when a
    /// pledge's id or code is another pledge's. Not `byID`: every pledge must be new (a unique
    /// violation, ``isPledgeConflict(_:)``, otherwise).
    func insert(_ pledges: [SyncPlan.PlannedPledge], purgedBefore: Date?, expired: Bool, byID: Bool) async throws {
        let ids = pledges.map(\.id)
        let codes = pledges.map(\.code)
        let onConflict = byID ? "ON CONFLICT DO NOTHING" : ""
        // An empty text stands for no name and no province: arrays of the protocol carry no NULL.
        try await execute(
            """
            WITH input AS (
                SELECT * FROM unnest(
                    \(ids)::uuid[], \(codes)::text[], \(pledges.map(\.kiosk))::text[], \(pledges.map(\.number))::int8[],
                    \(pledges.map { $0.name ?? "" })::text[], \(pledges.map(\.ageBand))::text[],
                    \(pledges.map { $0.province ?? "" })::text[], \(pledges.map(\.guardianConsent))::bool[],
                    \(pledges.map(\.createdAt))::timestamptz[]
                ) AS input(id, code, kiosk, number, name, age_band, province, consent, created_at)
            )
            INSERT INTO hub_pledge
                (id, code, event_id, kiosk_id, number, name, age_band, province, guardian_consent, created_at)
            SELECT id, code, \(eventID), kiosk, number,
                CASE WHEN \(expired)
                    OR created_at < \(purgedBefore)::timestamptz
                    OR EXISTS (SELECT 1 FROM hub_erasure WHERE event_id = \(eventID) AND hub_erasure.code = input.code)
                THEN NULL ELSE NULLIF(name, '') END,
                age_band, NULLIF(province, ''), consent, created_at
            FROM input
            \(unescaped: onConflict)
            """)
        guard byID else { return }
        // A pledge not stored as sent (same id, code and event) clashes with another pledge.
        let clashing = try await rows(
            """
            SELECT sent.id FROM unnest(\(ids)::uuid[], \(codes)::text[]) AS sent(id, code)
            WHERE NOT EXISTS (
                SELECT 1 FROM hub_pledge
                WHERE hub_pledge.id = sent.id AND hub_pledge.code = sent.code AND hub_pledge.event_id = \(eventID))
            """
        ).map { try $0.decode(UUID.self) }
        guard clashing.isEmpty else {
            let sequences = Dictionary(pledges.map { ($0.id, $0.sequence) }, uniquingKeysWith: { first, _ in first })
            throw HubError.rowsRefused(
                clashing.compactMap { sequences[$0] }.sorted().map {
                    SyncRefusedRow(sequence: $0, field: "code", detail: Self.clash)
                })
        }
    }

    /// Counts the rows the event holds (each sequence once).
    func hold(_ held: [(sequence: Int, reason: String)]) async throws {
        try await execute(
            """
            WITH inserted AS (
                INSERT INTO hub_held (event_id, sequence, reason)
                SELECT \(eventID), sequence, reason
                FROM unnest(\(held.map(\.sequence))::int8[], \(held.map(\.reason))::text[]) AS held(sequence, reason)
                ON CONFLICT (event_id, sequence) DO NOTHING
                RETURNING 1
            )
            UPDATE hub_event SET held_rows = held_rows + (SELECT count(*) FROM inserted) WHERE id = \(eventID)
            """)
    }

    /// Raises the event's `last_sequence` to the batch's last, notes the time of this sync
    /// (`last_sync_at`, what its organizers see) and returns the sequence.
    func finish(lastSequence: Int?) async throws -> Int {
        try await rows(
            """
            UPDATE hub_event SET last_sequence = GREATEST(last_sequence, \(lastSequence ?? 0)), last_sync_at = now()
            WHERE id = \(eventID) RETURNING last_sequence
            """
        ).first?.decode(Int.self) ?? 0
    }

    /// The erasures made at the hub for the event's pledges after cursor `seen`, oldest first.
    /// Where the event's erasures go on from: after `seen`, unless this hub's erasure at `seen` is
    /// missing or is not `code` (when the event names it): a hub restored from a backup numbers
    /// its erasures again, and reused cursors would hide the new ones from the event; then 0.
    func erasuresAfter(seen: Int, code: String?) async throws -> Int {
        guard seen > 0 else { return 0 }
        let held = try await rows(
            "SELECT code FROM hub_erasure WHERE event_id = \(eventID) AND cursor = \(seen)"
        ).first?.decode(String.self)
        guard let held, code == nil || held == code else { return 0 }
        return seen
    }

    func erasures(after seen: Int) async throws -> [HubErasure] {
        try await rows(
            """
            SELECT cursor, code, erased_at FROM hub_erasure
            WHERE event_id = \(eventID) AND cursor > \(seen) ORDER BY cursor
            LIMIT \(HubStore.erasuresPerAcknowledgement)
            """
        ).map {
            let (cursor, code, erasedAt) = try $0.decode((Int, String, Date).self)
            return HubErasure(cursor: cursor, code: code, erasedAt: SyncBatch.text(erasedAt))
        }
    }
}
