import Foundation
import HubCore
import Logging
import PledgeKit
import PostgresNIO

/// Pledges made at the hub through the web pledge flow (``HubWebPledges``; schema v3).
extension HubStore: HubWebPledges {
    public func recordWebPledge(_ draft: PledgeDraft, key: IdempotencyKey, event id: EventID, at date: Date)
        async throws(HubError) -> HubWebPledgeOutcome
    {
        guard let event = try await self.event(id: id) else {
            throw HubError.noSuchEvent(id.rawValue)
        }
        let logger = logger
        let today = CivilDate(inVietnamAt: date).description
        let base = event.isOnline ? 0 : HubEvent.hubNumberBase
        let code = CodeIssuer(tag: event.codeTag, key: event.codeKey).newCode()
        let pledgeID = UUID.random()
        let eventID = event.id.rawValue
        let name = draft.name
        let band = draft.ageBand.rawValue
        let province = draft.province?.name
        let consent = draft.guardianConsent
        let stored = try await call("record web pledge") { connection async throws -> WebPledgeRow? in
            do {
                return try await Self.transaction(connection, logger: logger) {
                    // Acknowledged only once on disk (the store refuses a server set otherwise; said
                    // here too, so a role's setting cannot weaken it).
                    try await Self.execute("SET LOCAL synchronous_commit = on", on: connection, logger: logger)
                    if let earlier = try await Self.webPledge(key: key, on: connection, logger: logger) {
                        return earlier
                    }
                    // The event's row, locked while its next hub number is taken.
                    guard
                        let row = try await Self.rows(
                            """
                            UPDATE hub_event SET web_pledges = web_pledges + 1 WHERE id = \(eventID)
                            RETURNING web_pledges, coalesce(retain_until < \(today)::date, false)
                            """, on: connection, logger: logger
                        ).first
                    else { throw HubError.noSuchEvent(id.rawValue) }
                    let (count, expired) = try row.decode((Int, Bool).self)
                    // The time as stored (microseconds), so a replay answers with the same pledge.
                    let createdAt =
                        try await Self.rows(
                            """
                            INSERT INTO hub_pledge (id, code, event_id, kiosk_id, number, name, age_band, province,
                                guardian_consent, created_at, idempotency)
                            VALUES (\(pledgeID), \(code.rawValue), \(eventID), \(KioskID.phone.rawValue), \(base + count),
                                \(expired ? nil : name), \(band), \(province), \(consent), \(date), \(key.rawValue))
                            RETURNING created_at
                            """, on: connection, logger: logger
                        ).first?.decode(Date.self) ?? date
                    // Counted by the insert's trigger (schema v4), in this transaction.
                    return WebPledgeRow(
                        pledge: Pledge(
                            id: pledgeID, eventID: eventID, kioskID: KioskID.phone.rawValue, number: base + count,
                            name: expired ? nil : name, ageBand: draft.ageBand, province: draft.province, school: nil,
                            guardianConsent: consent, createdAt: createdAt, code: code))
                }
            } catch let error as PSQLError
                where error.serverInfo?[.sqlState] == "23505"
                && error.serverInfo?[.constraintName] == "hub_pledge_idempotency"
            {
                // The same signature committed by another request meanwhile: its pledge.
                return try await Self.webPledge(key: key, on: connection, logger: logger)
            }
        }
        // Only a unique violation of the key with no pledge under it after: a row deleted by hand.
        guard let stored else { throw Self.unavailable }
        changes.countsCommitted(event: eventID)
        return stored.outcome(for: draft, eventID: eventID)
    }

    public func isWebPledgeRecorded(key: IdempotencyKey) async throws(HubError) -> Bool {
        let logger = logger
        return try await call("read web pledge key") { connection in
            try await !Self.rows(
                "SELECT 1 FROM hub_pledge WHERE idempotency = \(key.rawValue)", on: connection, logger: logger
            ).isEmpty
        }
    }

    public func onlineEvent(retainUntil: CivilDate?) async throws(HubError) -> HubEvent {
        if let event = try await event(id: HubEvent.onlineID), event.retainPersonalDataUntil == retainUntil {
            return event
        }
        // Its own tag and key, so its codes are of the issued form like every other; no sync
        // token matches it (the hash column holds no SHA-256).
        var random = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        let logger = logger
        let today = CivilDate(inVietnamAt: Date()).description
        for _ in 0..<8 {
            let tag = CertificateCode.randomTag()
            let added = try await call("add online event") { connection in
                do {
                    try await Self.execute(
                        """
                        INSERT INTO hub_event
                            (id, name, province, date, place, code_tag, code_key, token_hash, retain_until)
                        VALUES (\(HubEvent.onlineID.rawValue), 'Cam kết trực tuyến', 'Hà Nội', \(today)::date,
                            'Trực tuyến', \(tag), \(ByteBuffer(bytes: key)), 'none: online pledges sync nothing',
                            \(retainUntil?.description)::date)
                        ON CONFLICT (id) DO UPDATE SET retain_until = excluded.retain_until
                        """, on: connection, logger: logger)
                    return true
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                    return false  // the tag is another event's: another one
                }
            }
            if added, let event = try await event(id: HubEvent.onlineID) { return event }
        }
        throw Self.unavailable
    }

    /// The pledge made at the hub with idempotency key `key`, or nil.
    static func webPledge(key: IdempotencyKey, on connection: PostgresConnection, logger: Logger) async throws
        -> WebPledgeRow?
    {
        guard
            let row = try await rows(
                """
                SELECT id, code, event_id, number, name, age_band, province, guardian_consent, created_at
                FROM hub_pledge WHERE idempotency = \(key.rawValue)
                """, on: connection, logger: logger
            ).first
        else { return nil }
        let (id, code, eventID, number, name, band, province, consent, createdAt) = try row.decode(
            (UUID, String, String, Int, String?, String, String?, Bool, Date).self)
        guard let ageBand = AgeBand(rawValue: band), let code = CertificateCode(parsing: code) else {
            throw HubError.unreadable
        }
        return WebPledgeRow(
            pledge: Pledge(
                id: id, eventID: eventID, kioskID: KioskID.phone.rawValue, number: number, name: name,
                ageBand: ageBand, province: province.flatMap { Province(matching: $0) }, school: nil,
                guardianConsent: consent, createdAt: createdAt, code: code))
    }
}

/// A pledge made at the hub, as stored.
struct WebPledgeRow: Sendable {
    var pledge: Pledge

    /// The stored pledge when it is what `draft` at `eventID` would have made (a name erased
    /// since, or past the event's retention, still matches), else ``HubWebPledgeOutcome/keyReused``.
    func outcome(for draft: PledgeDraft, eventID: String) -> HubWebPledgeOutcome {
        let same =
            pledge.eventID == eventID && pledge.ageBand == draft.ageBand && pledge.province == draft.province
            && pledge.guardianConsent == draft.guardianConsent && (pledge.name == nil || pledge.name == draft.name)
        return same ? .recorded(pledge) : .keyReused
    }
}
