import Foundation
import PledgeKit

/// What an organizer account at the hub may see and export (issue 15, item 2): every event
/// (`national`), the events held in one of the 34 provinces (`province:<name>`, the event's
/// province, not the signers'), or one event (`event:<id>`).
public enum OrganizerScope: Sendable, Hashable, CustomStringConvertible {
    case national
    case province(Province)
    case event(EventID)

    /// Reads `national`, `province:<name>` (any spelling ``Province/init(matching:)`` accepts, as
    /// the event service and `kiosk hub add-event` do) or `event:<id>` (``IdentifierRule``).
    /// Whether the event exists is the store's question (``HubOrganizerRecords/addOrganizer(name:scope:tokenHash:)``).
    /// - Throws: ``HubError`` `invalid-request` (field `scope`) saying what is wrong, Vietnamese first.
    public init(parsing text: String) throws(HubError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "national" {
            self = .national
            return
        }
        let parts = trimmed.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else {
            throw HubError(
                .invalidRequest(field: "scope"),
                vi: "Phạm vi '\(trimmed)' không hợp lệ: dùng national, province:<tên tỉnh> hoặc event:<mã sự kiện>.",
                en: "The scope '\(trimmed)' is not valid: use national, province:<name> or event:<id>.")
        }
        switch parts[0].lowercased() {
        case "province":
            guard let province = Province(matching: parts[1]) else {
                throw HubError(
                    .invalidRequest(field: "scope"),
                    vi: "'\(parts[1])' không phải một trong 34 tỉnh, thành phố của Việt Nam.",
                    en: "'\(parts[1])' is not one of Vietnam's 34 provinces.")
            }
            self = .province(province)
        case "event":
            guard let id = EventID(parts[1]) else {
                throw HubError(
                    .invalidRequest(field: "scope"),
                    vi: "'\(parts[1])' không phải mã sự kiện (\(IdentifierRule.text.vi)).",
                    en: "'\(parts[1])' is not an event id (\(IdentifierRule.text.en)).")
            }
            self = .event(id)
        default:
            throw HubError(
                .invalidRequest(field: "scope"),
                vi: "Phạm vi '\(trimmed)' không hợp lệ: dùng national, province:<tên tỉnh> hoặc event:<mã sự kiện>.",
                en: "The scope '\(trimmed)' is not valid: use national, province:<name> or event:<id>.")
        }
    }

    /// The scope from the columns the store keeps (``kind``, ``value``); nil when they name none.
    public init?(kind: String, value: String?) {
        switch (kind, value) {
        case ("national", _): self = .national
        case ("province", let name?):
            guard let province = Province(matching: name) else { return nil }
            self = .province(province)
        case ("event", let id?):
            guard let event = EventID(id) else { return nil }
            self = .event(event)
        default: return nil
        }
    }

    /// `national`, `province` or `event`.
    public var kind: String {
        switch self {
        case .national: "national"
        case .province: "province"
        case .event: "event"
        }
    }

    /// The province's name or the event's id; nil for `national`.
    public var value: String? {
        switch self {
        case .national: nil
        case .province(let province): province.name
        case .event(let id): id.rawValue
        }
    }

    /// `national`, `province:Hà Nội`, `event:hue-2026`: what `--scope` takes.
    public var description: String { value.map { "\(kind):\($0)" } ?? kind }
}
