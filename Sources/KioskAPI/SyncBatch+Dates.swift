import Foundation

extension SyncBatch {
    /// A date of a sync row (`createdAt`, `erasedAt`, `createdBefore`, `purgedAt`) exactly as
    /// ``text(_:)`` writes it (RFC 3339 in UTC with milliseconds); nil for any other text. Only the
    /// canonical form: the lenient reader underneath would turn 30 February into 2 March and
    /// hour 25 into the next day, and an event only ever writes this form.
    public static func date(_ text: String) -> Date? {
        // Half a millisecond more before writing it back: the writer truncates, and 12.124 s read
        // back may be 12.12399… in binary floating point.
        guard let date = PledgeRequestBody.dateTime(text), Self.text(date.addingTimeInterval(0.0005)) == text else {
            return nil
        }
        return date
    }

    /// How sync rows and acknowledgements write a date: RFC 3339 in UTC with milliseconds,
    /// `2026-12-06T21:06:55.123Z`.
    public static func text(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
