import Foundation

extension SyncBatch {
    /// A date of a sync row (`createdAt`, `erasedAt`, `createdBefore`, `purgedAt`): RFC 3339 with a
    /// time zone, with or without fractional seconds (the reader of a pledge's `signedAt`); nil
    /// for any other text.
    public static func date(_ text: String) -> Date? { PledgeRequestBody.dateTime(text) }

    /// How sync rows and acknowledgements write a date: RFC 3339 in UTC with milliseconds,
    /// `2026-12-06T21:06:55.123Z`.
    public static func text(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
