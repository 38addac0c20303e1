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
    func record(_ draft: PledgeDraft, idempotencyKey: IdempotencyKey, kioskID: String?) async throws(PledgeError)
        -> PledgeReceipt

    /// The pledge with this certificate code, or nil.
    func pledge(code: CertificateCode) async throws(PledgeError) -> Pledge?

    /// Counts for the service's event.
    func counts() async throws(PledgeError) -> PledgeCounts
}
