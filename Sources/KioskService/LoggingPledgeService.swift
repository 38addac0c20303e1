import Logging
import PledgeKit

/// Logs every recorded pledge, whoever recorded it (the HTTP API or the terminal front), by id,
/// number and kiosk only: a log never carries a name, a school or anything else a signer typed.
public struct LoggingPledgeService: PledgeService {
    public let base: any PledgeService
    public let logger: Logger
    /// The kiosk id the store gives pledges that name none, so the log says what the row says.
    public let defaultKioskID: String

    public init(_ base: any PledgeService, logger: Logger, defaultKioskID: String) {
        self.base = base
        self.logger = logger
        self.defaultKioskID = defaultKioskID
    }

    public func record(
        _ draft: PledgeDraft, idempotencyKey: IdempotencyKey, kioskID: String?, code: CertificateCode?
    ) async throws(PledgeError) -> PledgeReceipt {
        do {
            let receipt = try await base.record(draft, idempotencyKey: idempotencyKey, kioskID: kioskID, code: code)
            logger.info(
                "pledge recorded",
                metadata: [
                    "pledge.id": "\(receipt.id)", "pledge.number": "\(receipt.number)",
                    "kiosk.id": "\(kioskID ?? defaultKioskID)",
                ])
            return receipt
        } catch {
            if error.code == .databaseGone {
                logger.error(
                    "pledge not acknowledged: the database file left its path",
                    metadata: ["kiosk.id": "\(kioskID ?? defaultKioskID)"])
            } else if error.code == .unavailable {
                logger.error(
                    "pledge not stored: storage unavailable", metadata: ["kiosk.id": "\(kioskID ?? defaultKioskID)"])
            } else {
                logger.debug("pledge refused", metadata: ["pledge.refusal": "\(error.code)"])
            }
            throw error
        }
    }

    public func pledge(code: CertificateCode) async throws(PledgeError) -> Pledge? {
        try await base.pledge(code: code)
    }

    public func isRecorded(idempotencyKey: IdempotencyKey) async throws(PledgeError) -> Bool {
        try await base.isRecorded(idempotencyKey: idempotencyKey)
    }

    public func counts() async throws(PledgeError) -> PledgeCounts {
        try await base.counts()
    }

    public func publicCounts() async throws(PledgeError) -> PledgeCounts {
        try await base.publicCounts()
    }

    public func changeStamp() -> Int? {
        base.changeStamp()
    }
}
