import Foundation
import GRDB
import PledgeKit

extension PledgeStore: PledgeRecorder {
    /// Records a pledge (``record(_:idempotencyKey:kioskID:code:)``): a store always commits, so
    /// the outcome is always `.recorded`.
    public func record(_ draft: PledgeDraft, key: IdempotencyKey, kioskID: KioskID?, code: CertificateCode?)
        async throws(PledgeError) -> RecordOutcome
    {
        .recorded(try await record(draft, idempotencyKey: key, kioskID: kioskID?.rawValue, code: code))
    }

    /// Validates, normalizes and durably records a pledge; returns only after its transaction has
    /// committed. The same `idempotencyKey` with the same draft returns the first receipt and
    /// records nothing.
    /// - Parameters:
    ///   - kioskID: the kiosk the pledge was made at; nil: ``defaultKioskID``.
    ///   - code: the code a front already showed (kept or refused with `certificate-code-taken`,
    ///     never changed); nil: the store makes one.
    /// - Throws: ``PledgeError`` (bad draft, `personal-data-no-longer-kept` for a name or school
    ///   signed after ``retentionDeadline``, `idempotency-key-reused` with another draft,
    ///   `unavailable` or `database-gone` when storage fails).
    public func record(
        _ draft: PledgeDraft, idempotencyKey: IdempotencyKey, kioskID: String?, code: CertificateCode? = nil
    ) async throws(PledgeError) -> PledgeReceipt {
        let pledge: Pledge
        do {
            let clean = try draft.validated()
            let signed = clean.signingTime()
            // A draft signed before the deadline but delivered after (a front's outbox) keeps its
            // name until the retention purge, like every pledge made before the deadline.
            try clean.checkRetention(deadline: retentionDeadline, at: signed)
            let kiosk = kioskID ?? defaultKioskID
            // Validated before it joins a batch: a refused draft never reaches a transaction.
            pledge = try await committer.insert(
                clean, key: idempotencyKey, code: code, kioskID: kiosk, at: signed,
                keys: NameKeys(clean.name))
        } catch {
            let refusal = (error as? PledgeError) ?? Self.unavailable(error)
            metrics.refused(refusal.code)
            throw refusal
        }
        // The committer resumed: the transaction has committed, so the pledge may be acknowledged.
        return receipt(for: pledge)
    }

    /// The receipt for a stored pledge.
    public func receipt(for pledge: Pledge) -> PledgeReceipt {
        PledgeReceipt(
            id: pledge.id, number: pledge.number, code: pledge.code,
            certificateUrl: links.certificateURL(for: pledge.code)
        )
    }

    /// Inserts one pledge in the current (immediate) transaction, with its counts, or returns the
    /// pledge already recorded under the same idempotency key when the draft (and a proposed code)
    /// is the same (then `isNew` is false). A proposed code is kept as it is: a signer may already hold it.
    /// With `feedsHub`, a new pledge's hub outbox row is added in the same transaction.
    static func insert(
        _ draft: PledgeDraft, key: IdempotencyKey, code proposed: CertificateCode? = nil, issuer: CodeIssuer? = nil,
        eventID: String, kioskID: String, at date: Date = Date(), keys: NameKeys? = nil, feedsHub: Bool = false,
        in db: Database
    ) throws -> (pledge: Pledge, isNew: Bool) {
        let (pledge, isNew) = try insertUncounted(
            draft, key: key, code: proposed, issuer: issuer, eventID: eventID, kioskID: kioskID, at: date, keys: keys,
            feedsHub: feedsHub, in: db)
        if isNew { try count(pledge, in: db) }
        return (pledge, isNew)
    }

    /// ``insert(_:key:code:issuer:eventID:kioskID:at:keys:in:)`` without the aggregate counts, which the
    /// caller adds in the same transaction (a group commit adds a whole batch's at once,
    /// ``CountBatch``); `isNew` is false when the pledge was already recorded. Without a proposed
    /// code the store makes one: `issuer`'s issued form when there is one (the event has a hub),
    /// else the first form.
    ///
    /// Every refusal (a ``PledgeError``) is thrown before the first write, so a refused pledge
    /// leaves nothing to roll back and the transaction can go on with the next one. With
    /// `feedsHub`, a new pledge's hub outbox row (``enqueueHub(_:in:)``) is written right after it,
    /// in the same transaction: they commit together or not at all.
    static func insertUncounted(
        _ draft: PledgeDraft, key: IdempotencyKey, code proposed: CertificateCode?, issuer: CodeIssuer? = nil,
        eventID: String, kioskID: String, at date: Date, keys: NameKeys?, feedsHub: Bool, in db: Database
    ) throws -> (pledge: Pledge, isNew: Bool) {
        if let existing = try PledgeRow.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM pledge WHERE idempotency_key = ?"), arguments: [key.rawValue])
        {
            let pledge = try existing.pledge()
            guard pledge.draft == draft.content, pledge.kioskID == kioskID, proposed == nil || proposed == pledge.code
            else {
                // The HTTP layer names the header (KioskAPI's `statedOnTheWire`).
                throw PledgeError(
                    .idempotencyKeyReused,
                    vi: "Khóa idempotency này đã được dùng cho một lời cam kết khác.",
                    en: "This idempotency key was already used for a different pledge."
                )
            }
            return (pledge, false)
        }
        // Cached statements: the hot path of every pledge is parsed once per connection.
        let codeTaken = try db.cachedStatement(sql: "SELECT 1 FROM pledge WHERE code = ?")
        if let proposed, try Bool.fetchOne(codeTaken, arguments: [proposed.rawValue]) == true {
            throw PledgeError(
                .certificateCodeTaken, field: "code",
                vi: "Mã giấy chứng nhận này đã thuộc về một lời cam kết khác; lời cam kết chưa được lưu.",
                en: "This certificate code already belongs to another pledge; the pledge was not stored."
            )
        }
        // The first write: no refusal below.
        let number = try Int.fetchOne(
            db.cachedStatement(
                sql: "UPDATE event SET last_number = last_number + 1 WHERE id = ? RETURNING last_number"),
            arguments: [eventID])!
        let newCode = { issuer?.newCode() ?? CertificateCode.random() }
        var code = proposed ?? newCode()
        while try Bool.fetchOne(codeTaken, arguments: [code.rawValue]) == true {
            code = newCode()
        }
        let pledge = Pledge(
            id: UUID.random(), eventID: eventID, kioskID: kioskID, number: number, name: draft.name,
            ageBand: draft.ageBand, province: draft.province, school: draft.school,
            guardianConsent: draft.guardianConsent, createdAt: date, code: code
        )
        try PledgeRow(pledge, idempotencyKey: key, keys: keys).insertFast(db)
        if feedsHub { try enqueueHub(pledge, in: db) }
        return (pledge, true)
    }

    static func unavailable(_ error: any Error) -> PledgeError {
        PledgeError(
            .unavailable,
            vi: "Không lưu được lời cam kết lúc này. Vui lòng thử lại sau giây lát.",
            en: "The pledge could not be saved right now. Please try again in a moment."
        )
    }
}

extension Pledge {
    /// The validated draft this pledge was made from, for comparing idempotent retries.
    var draft: PledgeDraft {
        PledgeDraft(name: name, ageBand: ageBand, province: province, school: school, guardianConsent: guardianConsent)
    }
}
