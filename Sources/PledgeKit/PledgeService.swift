import Foundation

/// Records and looks up pledges. The store implements it on a local SQLite file; a front on
/// another machine implements it over HTTP. The terminal front depends only on this protocol.
public protocol PledgeService: Sendable {
    /// Validates, normalizes and durably records a pledge; returns only after the transaction has
    /// committed. The same `idempotencyKey` with the same draft returns the first receipt and
    /// records nothing.
    /// - Parameter kioskID: the kiosk the pledge was made at; nil for the service's own.
    /// - Throws: ``PledgeError`` (bad draft, `idempotency-key-reused` with another draft,
    ///   `unavailable` when storage fails).
    /// - Parameter code: the certificate code a front already made and showed (offline fronts make
    ///   it themselves, so the signer never waits); nil: the service makes one. A proposed code is
    ///   kept as it is or refused with `certificate-code-taken`, never changed.
    func record(
        _ draft: PledgeDraft, idempotencyKey: IdempotencyKey, kioskID: String?, code: CertificateCode?
    ) async throws(PledgeError) -> PledgeReceipt

    /// The pledge with this certificate code, or nil.
    func pledge(code: CertificateCode) async throws(PledgeError) -> Pledge?

    /// Whether a pledge is already recorded under `idempotencyKey`: a retry of it records nothing,
    /// so it is answered even when its kiosk's rate limit is spent.
    func isRecorded(idempotencyKey: IdempotencyKey) async throws(PledgeError) -> Bool

    /// Counts for the service's event.
    func counts() async throws(PledgeError) -> PledgeCounts

    /// ``counts()`` as the public may see them: groups below k merged and the newest pledges of
    /// each kiosk withheld until k have come (``PublicCounts``), so no change is one signer's.
    /// No default: a wrapper that forgot to pass it on would publish exact counts.
    func publicCounts() async throws(PledgeError) -> PledgeCounts

    /// A number that changes whenever anything is committed to the pledges, by this process or
    /// another; nil when the service cannot tell. A caller that keeps a copy of a pledge read
    /// under one stamp knows the copy is still what the store holds while the stamp is the same.
    func changeStamp() -> Int?
}

extension PledgeService {
    /// A service that cannot tell (a front's outbox) says no, so the limit applies.
    public func isRecorded(idempotencyKey: IdempotencyKey) async throws(PledgeError) -> Bool { false }

    /// A service that cannot tell says nil, so nothing read from it is kept.
    public func changeStamp() -> Int? { nil }

    /// Records a pledge with a code made by the service.
    public func record(_ draft: PledgeDraft, idempotencyKey: IdempotencyKey, kioskID: String?) async throws(PledgeError)
        -> PledgeReceipt
    {
        try await record(draft, idempotencyKey: idempotencyKey, kioskID: kioskID, code: nil)
    }
}
