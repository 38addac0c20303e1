import Foundation
import PledgeKit

/// An event as the hub knows it: registered by `kiosk hub add-event`, with what its certificate
/// pages show and what the hub needs to recognize the codes it issues.
public struct HubEvent: Sendable, Hashable {
    public var id: EventID
    public var name: String
    public var province: Province
    public var date: CivilDate
    public var place: String
    /// The event's code tag: 4 characters of Crockford base32 at the start of every code it
    /// issues, unique at the hub.
    public var codeTag: String
    /// The event's code key (32 bytes): the key of the MAC in every code it issues.
    public var codeKey: [UInt8]
    /// The last day names of this event's pledges are kept (Decree 13/2023/NĐ-CP); nil: no limit
    /// set yet (the event sends its purges).
    public var retainPersonalDataUntil: CivilDate?

    public init(
        id: EventID, name: String, province: Province, date: CivilDate, place: String, codeTag: String,
        codeKey: [UInt8], retainPersonalDataUntil: CivilDate?
    ) {
        self.id = id
        self.name = name
        self.province = province
        self.date = date
        self.place = place
        self.codeTag = codeTag
        self.codeKey = codeKey
        self.retainPersonalDataUntil = retainPersonalDataUntil
    }
}
