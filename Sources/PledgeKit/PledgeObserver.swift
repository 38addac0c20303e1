/// Told about each pledge a ``PledgeRecorder`` recorded or refused, after the fact: the log, the
/// live counter. The executable wires observers to the recorder (``ObservedRecorder``); an
/// observer returns at once and never changes the outcome.
public protocol PledgeObserver: Sendable {
    /// The pledge was committed (or queued in a front's outbox).
    func pledgeRecorded(_ outcome: RecordOutcome, kioskID: KioskID?)
    /// The pledge was not recorded.
    func pledgeRefused(_ error: PledgeError, kioskID: KioskID?)
}

extension PledgeObserver {
    public func pledgeRefused(_ error: PledgeError, kioskID: KioskID?) {}
}

/// A recorder that tells its observers about every outcome, in order, after `base` returns.
public struct ObservedRecorder: PledgeRecorder {
    public let base: any PledgeRecorder
    public let observers: [any PledgeObserver]

    public init(_ base: any PledgeRecorder, observers: [any PledgeObserver]) {
        self.base = base
        self.observers = observers
    }

    public func record(_ draft: PledgeDraft, key: IdempotencyKey, kioskID: KioskID?, code: CertificateCode?)
        async throws(PledgeError) -> RecordOutcome
    {
        do {
            let outcome = try await base.record(draft, key: key, kioskID: kioskID, code: code)
            for observer in observers { observer.pledgeRecorded(outcome, kioskID: kioskID) }
            return outcome
        } catch {
            for observer in observers { observer.pledgeRefused(error, kioskID: kioskID) }
            throw error
        }
    }
}
