/// A kiosk's id: stored with every pledge made there, sent by fronts in a header, part of backup
/// file names. Checked wherever one enters: the HTTP header, the command line (`--kiosk-id`) and
/// the configuration (`kiosk.id`).
public typealias KioskID = Identifier<KioskKind>

/// An event's id (`event.id`, e.g. `launch-2025-hanoi`): stored with every pledge, in export and
/// backup file names.
public typealias EventID = Identifier<EventKind>

public enum KioskKind {}
public enum EventKind {}

/// An id that follows ``IdentifierRule`` (1–64 ASCII letters, digits, `-` or `_`), so it can
/// never carry markup, a path or a control character; `Kind` keeps a kiosk's apart from an event's.
public struct Identifier<Kind>: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// nil unless `rawValue` follows ``IdentifierRule``.
    public init?(rawValue: String) {
        guard IdentifierRule.accepts(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    public init?(_ text: String) { self.init(rawValue: text) }

    public var description: String { rawValue }
}

/// The one rule of kiosk and event ids: 1–64 ASCII letters, digits, `-` or `_`.
public enum IdentifierRule {
    /// The rule in both languages, for messages: "1–64 ASCII letters, digits, - or _".
    public static let text = Localized(
        vi: "1–64 chữ cái ASCII, chữ số, - hoặc _", en: "1–64 ASCII letters, digits, - or _")

    /// Whether `text` follows the rule.
    public static func accepts(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.utf8.allSatisfy {
                $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0)
                    || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
            }
    }
}
