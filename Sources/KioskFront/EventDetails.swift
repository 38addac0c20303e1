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

    public init(
        name: String, place: String, displayDate: Localized<String>, pledgeText: PledgeText,
        resources: [SafetyResource], kioskID: String = ""
    ) {
        self.kioskID = kioskID
        self.name = name
        self.place = place
        self.displayDate = displayDate
        self.pledgeText = pledgeText
        self.resources = resources
    }

    public init(_ configuration: EventConfiguration) {
        self.init(
            name: configuration.name, place: configuration.place, displayDate: configuration.displayDate,
            pledgeText: configuration.pledgeText, resources: configuration.resources, kioskID: configuration.kioskID
        )
    }
}
