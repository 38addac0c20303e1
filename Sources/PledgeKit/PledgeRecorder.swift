import Foundation

/// Records pledges. The store records on a local SQLite file; a front on another machine puts
/// the pledge in its outbox and uploads it. The terminal front records through this protocol.
public protocol PledgeRecorder: Sendable {
    /// Validates, normalizes and durably records a pledge: returns only after it is committed (to
    /// the service's database, or to a front's outbox). The same `key` with the same draft returns
    /// the first outcome and records nothing.
    /// - Parameters:
    ///   - kioskID: the kiosk the pledge was made at; nil for the service's own.
    ///   - code: the certificate code a front already made and showed (offline fronts make it
    ///     themselves, so the signer never waits); nil: the recorder makes one. A proposed code is
    ///     kept as it is or refused with `certificate-code-taken`, never changed.
    /// - Throws: ``PledgeError`` (bad draft, `idempotency-key-reused` with another draft,
    ///   `unavailable` when storage fails).
    func record(_ draft: PledgeDraft, key: IdempotencyKey, kioskID: KioskID?, code: CertificateCode?)
        async throws(PledgeError) -> RecordOutcome
}

/// What recording a pledge gave the signer: a numbered receipt once the service has committed
/// it, or a queued pledge while a front's outbox holds it (its code and link are final, its number
/// comes when the service commits it).
public enum RecordOutcome: Hashable, Sendable {
    case recorded(PledgeReceipt)
    case queued(code: CertificateCode, certificateUrl: String)

    public var code: CertificateCode {
        switch self {
        case .recorded(let receipt): receipt.code
        case .queued(let code, _): code
        }
    }

    /// The exact text of the certificate QR.
    public var certificateUrl: String {
        switch self {
        case .recorded(let receipt): receipt.certificateUrl
        case .queued(_, let url): url
        }
    }

    /// The pledge's number in its event; nil while it is queued.
    public var number: Int? {
        if case .recorded(let receipt) = self { receipt.number } else { nil }
    }
}

/// Finds a pledge by its certificate code (the certificate and verify pages, erasure). A front
/// need not answer it.
public protocol PledgeLookup: Sendable {
    /// The pledge with this certificate code, or nil.
    func pledge(code: CertificateCode) async throws(PledgeError) -> Pledge?
}

/// The counts of the service's event.
public protocol PledgeCounter: Sendable {
    /// Counts for the service's event.
    func counts() async throws(PledgeError) -> PledgeCounts

    /// ``counts()`` as the public may see them: groups below k merged and the newest pledges of
    /// each kiosk withheld until k have come (``PublicCounts``), so no change is one signer's.
    /// No default: an implementation that forgot it would publish exact counts.
    func publicCounts() async throws(PledgeError) -> PledgeCounts
}

/// Whether a pledge is already recorded under an idempotency key: a retry of it records nothing,
/// so the rate limiter answers it even when its kiosk's limit is spent.
public protocol RecordedKeys: Sendable {
    func isRecorded(idempotencyKey: IdempotencyKey) async throws(PledgeError) -> Bool
}

/// A number that changes whenever anything is committed to the pledges, by this process or
/// another; nil when it cannot be told. A caller that keeps a copy of a pledge read under one
/// stamp knows the copy is still what the store holds while the stamp is the same.
public protocol ChangeStamping: Sendable {
    func changeStamp() -> Int?
}
