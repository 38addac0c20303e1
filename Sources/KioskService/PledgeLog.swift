import Logging
import PledgeKit

/// Logs every recorded pledge, whoever recorded it (the HTTP API or the terminal front), by id,
/// number and kiosk only: a log never carries a name, a school or anything else a signer typed.
/// An observer of the recorder (``ObservedRecorder``), wired by the executable.
public struct PledgeLog: PledgeObserver {
    public let logger: Logger
    /// The kiosk id the store gives pledges that name none, so the log says what the row says.
    public let defaultKioskID: String

    public init(logger: Logger, defaultKioskID: String) {
        self.logger = logger
        self.defaultKioskID = defaultKioskID
    }

    public func pledgeRecorded(_ outcome: RecordOutcome, kioskID: KioskID?) {
        guard case .recorded(let receipt) = outcome else { return }
        logger.info(
            "pledge recorded",
            metadata: [
                "pledge.id": "\(receipt.id)", "pledge.number": "\(receipt.number)",
                "kiosk.id": "\(kioskID?.rawValue ?? defaultKioskID)",
            ])
    }

    public func pledgeRefused(_ error: PledgeError, kioskID: KioskID?) {
        let kiosk = kioskID?.rawValue ?? defaultKioskID
        if error.code == .databaseGone {
            logger.error("pledge not acknowledged: the database file left its path", metadata: ["kiosk.id": "\(kiosk)"])
        } else if error.code == .unavailable {
            logger.error("pledge not stored: storage unavailable", metadata: ["kiosk.id": "\(kiosk)"])
        } else {
            logger.debug("pledge refused", metadata: ["pledge.refusal": "\(error.code)"])
        }
    }
}
