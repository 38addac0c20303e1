import Foundation

/// How an event's feed to the national hub stands, as `kiosk status` and `/admin` show it: read
/// from the event's database (its hub outbox and the state its relay keeps), so another process
/// sees the same. Holds no personal data: rows are named by sequence, kind and pledge number.
public struct HubLinkStatus: Codable, Hashable, Sendable {
    /// Whether the event feeds a hub (`hub:` in `event.yaml`, or `KIOSK_HUB_URL` and `KIOSK_HUB_TOKEN`).
    public var linked: Bool
    /// Changes waiting to reach the hub (pending outbox rows).
    public var backlog: Int
    /// Rows the hub refused for good: kept, never dropped, for the organizer to look at (the
    /// first ones, oldest first: ``heldCount`` says how many there are).
    public var held: [HeldRow]
    /// How many rows are held in all.
    public var heldCount: Int
    /// The highest sequence the hub has acknowledged (0: none yet).
    public var acknowledged: Int
    /// The certificate base the hub gave (every certificate link uses it); nil: not learned yet.
    public var certificateBaseURL: String?
    /// The last time the hub answered an upload with an acknowledgement; nil: never.
    public var lastContact: Date?
    /// Why the last upload failed (cleared by the next acknowledgement); nil: it did not.
    public var lastError: String?
    /// When it failed.
    public var lastErrorAt: Date?
    /// Failed uploads of the oldest waiting row.
    public var attempts: Int

    /// A row the hub refused for good.
    public struct HeldRow: Codable, Hashable, Sendable {
        public var sequence: Int
        /// `pledge`, `erasure` or `purge`.
        public var kind: String
        /// The pledge's number in its event, for a pledge row.
        public var number: Int?
        /// The hub's reason (its words, Vietnamese then English).
        public var reason: String

        public init(sequence: Int, kind: String, number: Int?, reason: String) {
            self.sequence = sequence
            self.kind = kind
            self.number = number
            self.reason = reason
        }
    }

    public init(
        linked: Bool, backlog: Int = 0, held: [HeldRow] = [], heldCount: Int? = nil, acknowledged: Int = 0,
        certificateBaseURL: String? = nil, lastContact: Date? = nil, lastError: String? = nil, lastErrorAt: Date? = nil,
        attempts: Int = 0
    ) {
        self.linked = linked
        self.backlog = backlog
        self.held = held
        self.heldCount = heldCount ?? held.count
        self.acknowledged = acknowledged
        self.certificateBaseURL = certificateBaseURL
        self.lastContact = lastContact
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
        self.attempts = attempts
    }
}

/// Where the hub link's state is read (the event's store); the organizer page shows it.
public protocol HubLinkReporting: Sendable {
    func hubLinkStatus() async throws(PledgeError) -> HubLinkStatus
}
