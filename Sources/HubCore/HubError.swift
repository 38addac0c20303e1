import KioskAPI
import PledgeKit

/// Why the hub refused or failed a request. One error type for the hub's domain; the hub's HTTP
/// service turns it into an RFC 9457 problem detail, its CLI into a message and a non-zero exit.
public struct HubError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The database did not answer in time, or could not be reached (503).
        case unavailable
        /// The database refused the connection's settings: wrong host, database, user (at start).
        case misconfigured
        case eventExists
        case codeTagTaken
        case unknownEvent
        /// A value the caller gave is not one the hub accepts (400; the CLI's message): `field` names it.
        case invalidRequest(field: String)
        /// The batch starts after the next sequence the hub expects (409).
        case sequenceGap(expected: Int)
        /// Rows that break the rules (422); nothing of the batch was applied.
        case rowsRefused([SyncRefusedRow])
    }

    public let kind: Kind
    /// What was wrong, in Vietnamese and English.
    public let message: Localized<String>

    public init(_ kind: Kind, vi: String, en: String) {
        self.kind = kind
        self.message = Localized(vi: vi, en: en)
    }

    public var description: String { message.en }
}

extension HubError {
    /// `unknown-event` (404): the hub has no event `id` (registered with `kiosk hub add-event`).
    public static func noSuchEvent(_ id: String) -> HubError {
        HubError(.unknownEvent, vi: "Hub không có sự kiện '\(id)'.", en: "The hub has no event '\(id)'.")
    }
}
