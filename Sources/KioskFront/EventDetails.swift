import PledgeKit

/// What the front shows about the event, taken from the event configuration.
public struct EventDetails: Sendable, Equatable {
    public var name: String
    public var place: String
    public var displayDate: Localized<String>
    public var pledgeText: PledgeText
    public var resources: [SafetyResource]
    /// This kiosk's id, on the attendant's status screen.
    public var kioskID: String
    /// The last day names are kept (`event.retainPersonalDataUntil`; a front on the LAN takes the
    /// service's, ``KioskConfigAnswer/retainPersonalDataUntil``), said on the consent screen; nil: none set.
    public var retainPersonalDataUntil: CivilDate?

    public init(
        name: String, place: String, displayDate: Localized<String>, pledgeText: PledgeText,
        resources: [SafetyResource], kioskID: String = "", retainPersonalDataUntil: CivilDate? = nil
    ) {
        self.kioskID = kioskID
        self.retainPersonalDataUntil = retainPersonalDataUntil
        self.name = name
        self.place = place
        self.displayDate = displayDate
        self.pledgeText = pledgeText
        self.resources = resources
    }

    public init(_ configuration: EventConfiguration) {
        self.init(
            name: configuration.name, place: configuration.place, displayDate: configuration.displayDate,
            pledgeText: configuration.pledgeText, resources: configuration.resources, kioskID: configuration.kioskID,
            retainPersonalDataUntil: configuration.retainPersonalDataUntil
        )
    }
}
