import Foundation

/// Vietnam's time (Indochina Time, UTC+7 all year, no daylight saving): the time zone of every
/// date and time the kiosk shows or reports (certificates, the admin page, breakdowns by day and
/// hour, exports, the retention date), whatever the machine's own zone.
public enum VietnamTime {
    /// Seconds east of UTC.
    public static let offsetSeconds = 7 * 3600
    /// The fixed-offset time zone, for formatters and calendars.
    public static let zone = TimeZone(secondsFromGMT: offsetSeconds)!
}
