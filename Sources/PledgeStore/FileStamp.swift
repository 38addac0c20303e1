import Foundation

/// The UTC time in the names of the files the kiosk makes beside a database or on a backup stick
/// (`.rescued-`, `.before-restore-`, scheduled backups): `yyyyMMdd'T'HHmmss'Z'`, ISO 8601's basic
/// format, which sorts as text in time order and holds no character a file system refuses.
public enum FileStamp {
    /// `date` as `20261206T153000Z`.
    public static func string(_ date: Date) -> String { formatter().string(from: date) }

    /// The time a stamp names; nil when `stamp` is not one.
    public static func date(_ stamp: String) -> Date? {
        stamp.count == 16 ? formatter().date(from: stamp) : nil
    }

    // A new formatter each time: DateFormatter is not Sendable, and stamps are made rarely.
    private static func formatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter
    }
}
