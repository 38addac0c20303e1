import Foundation

/// What a front is doing, as its heartbeat says.
public enum KioskState: String, Codable, Sendable, CaseIterable {
    /// Ready for attendees (or in the middle of one).
    case ready
    /// Paused by an attendant.
    case paused
    /// Reported when the front stops.
    case stopped
}

/// A front's heartbeat: the body of `POST /api/kiosks/{id}/heartbeat`.
public struct KioskHeartbeat: Codable, Hashable, Sendable {
    public var state: KioskState
    /// Pledges waiting in the front's outbox.
    public var waiting: Int

    public init(state: KioskState, waiting: Int) {
        self.state = state
        self.waiting = waiting
    }
}

/// One kiosk as organizers see it: `kiosk status` and `GET /api/organizer/kiosks`.
public struct KioskStatus: Codable, Hashable, Sendable {
    public var id: String
    /// The last heartbeat, nil for a kiosk known only from its pledges.
    public var lastSeen: Date?
    /// The state its last heartbeat gave; `unknown` without one.
    public var state: String
    /// Pledges recorded today (in Vietnam's time zone) from this kiosk.
    public var pledgesToday: Int
    /// Pledges waiting in the kiosk's outbox at its last heartbeat.
    public var waiting: Int

    public init(id: String, lastSeen: Date?, state: String, pledgesToday: Int, waiting: Int) {
        self.id = id
        self.lastSeen = lastSeen
        self.state = state
        self.pledgesToday = pledgesToday
        self.waiting = waiting
    }
}

/// The service's record of its kiosks. The store implements it.
public protocol KioskRegistry: Sendable {
    /// Notes a heartbeat from `kioskID` at `time`.
    func heartbeat(kioskID: String, _ beat: KioskHeartbeat, at time: Date) async throws(PledgeError)

    /// Every kiosk that sent a heartbeat or a pledge, by id; "today" is the day of `now` in
    /// Vietnam's time zone (UTC+7).
    func kiosks(now: Date) async throws(PledgeError) -> [KioskStatus]
}

/// What a front needs from the service besides pledges: the answer to a heartbeat and to
/// `GET /api/kiosk-config`.
public struct KioskConfigAnswer: Codable, Hashable, Sendable {
    /// The base of certificate links, e.g. `http://192.168.1.20:8080`.
    public var certificateBaseURL: String
    public var eventID: String
    /// How a front makes the event's codes while the service cannot be reached: present when the
    /// event has a hub (issued form) and the request carried the kiosk token; absent: the first form.
    public var codeIssuer: CodeIssuer?
    /// The web pledge flow's link with the presence code of the moment
    /// (``PresenceCodes/link(on:at:)``), for a front's welcome screen; absent when the service
    /// has no presence codes.
    public var presenceLink: String?
    /// The last day the service keeps names (``EventConfiguration/retainPersonalDataUntil``,
    /// `yyyy-MM-dd`), which a front's consent screen states; absent when the event sets none.
    public var retainPersonalDataUntil: CivilDate?

    public init(
        certificateBaseURL: String, eventID: String, codeIssuer: CodeIssuer? = nil, presenceLink: String? = nil,
        retainPersonalDataUntil: CivilDate? = nil
    ) {
        self.certificateBaseURL = certificateBaseURL
        self.eventID = eventID
        self.codeIssuer = codeIssuer
        self.presenceLink = presenceLink
        self.retainPersonalDataUntil = retainPersonalDataUntil
    }
}

extension Date {
    /// The start of this instant's day in Vietnam (UTC+7, no daylight saving).
    public var startOfVietnamDay: Date {
        let offset = TimeInterval(VietnamTime.offsetSeconds)
        let local = timeIntervalSince1970 + offset
        return Date(timeIntervalSince1970: (local - local.truncatingRemainder(dividingBy: 86_400)) - offset)
    }
}
