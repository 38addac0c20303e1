import Foundation

/// A day written as text (`yyyy-MM-dd`), its order, its display in both languages and where it
/// falls in Vietnam time: the one parser of every date in the configuration and the resources.
extension CivilDate: Comparable, CustomStringConvertible {
    /// A text that is not a day written `yyyy-MM-dd`, with the field it came from.
    public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
        /// Where the text came from, as the file names it: `event.date`, `reviewBy of '111'`.
        public let field: String
        /// The text as written.
        public let text: String

        public init(field: String, text: String) {
            self.field = field
            self.text = text
        }

        /// What was wrong, in Vietnamese and English, naming the field and the text.
        public var message: Localized<String> {
            Localized(
                vi: "\(field) phải là một ngày có thật, viết năm-tháng-ngày (yyyy-mm-dd), không phải '\(text)'",
                en: "\(field) must be a day as yyyy-mm-dd, not '\(text)'")
        }

        public var description: String { "\(message.vi) · \(message.en)" }
    }

    /// Parses a day written `yyyy-MM-dd` (ISO 8601's calendar date, extended form): four ASCII
    /// digits, two, two, separated by `-`, naming a day that exists in the Gregorian calendar
    /// (`2025-02-29` does not). Nil for any other text.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        let date = CivilDate(year: year, month: month, day: day)
        // A day past the month's end (2025-02-30) comes back from its day number as another day.
        guard CivilDate(daysSince1970: date.daysSince1970) == date else { return nil }
        self = date
    }

    /// ``init(_:)`` that says what was wrong.
    /// - Throws: ``FormatError`` naming `field` and the text.
    public init(_ text: String, field: String) throws(FormatError) {
        guard let date = CivilDate(text) else { throw FormatError(field: field, text: text) }
        self = date
    }

    /// The day it is in Vietnam (UTC+7, ``VietnamTime``) at `moment`.
    public init(inVietnamAt moment: Date) {
        let seconds = Int(moment.timeIntervalSince1970.rounded(.down)) + VietnamTime.offsetSeconds
        let (days, remainder) = seconds.quotientAndRemainder(dividingBy: 86400)
        self.init(daysSince1970: remainder < 0 ? days - 1 : days)
    }

    /// The moment this day begins in Vietnam: 00:00 at UTC+7.
    public var startInVietnam: Date {
        Date(timeIntervalSince1970: TimeInterval(daysSince1970 * 86400 - VietnamTime.offsetSeconds))
    }

    /// `yyyy-MM-dd`, as ``init(_:)`` reads it.
    public var description: String {
        "\(Self.padded(year, 4))-\(Self.padded(month, 2))-\(Self.padded(day, 2))"
    }

    /// `value` in decimal with zeros in front up to `width` digits (not `String(format:)`, which
    /// cost more than the rest of a certificate page's values).
    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The day as Vietnamese and English write it: "10/10/2025", "10 October 2025".
    public var displayText: Localized<String> {
        let months = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September",
            "October", "November", "December",
        ]
        return Localized(
            vi: "\(Self.padded(day, 2))/\(Self.padded(month, 2))/\(Self.padded(year, 4))",
            en: "\(day) \(months[month - 1]) \(year)")
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}

/// A day is coded as its text, `yyyy-MM-dd`.
extension CivilDate: Codable {
    /// - Throws: ``CivilDate/FormatError`` naming the key path (`event.date`) when the text is not a day.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(text, field: decoder.codingPath.map(\.stringValue).joined(separator: "."))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
