import Foundation
import GRDB
import PledgeKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Dates as GRDB stores them (`yyyy-MM-dd HH:mm:ss.SSS`, UTC), formatted without a
/// `DateFormatter`, which costs more than the rest of a pledge's insert on Linux.
enum StoredDate {
    static func text(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = time_t(seconds.rounded(.down))
        // A microsecond of slack: a date read back from `….123` may be a hair below .123 in binary,
        // and must be written back as the same text.
        let millis = min(999, Int(((seconds - Double(whole)) * 1000 + 0.001).rounded(.down)))
        var parts = tm()
        gmtime_r(&whole, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2)) "
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))"
    }

    /// The date of a stored value: `yyyy-MM-dd HH:mm:ss.SSS` (what ``text(_:)`` and GRDB write)
    /// is parsed by hand; any other form GRDB accepts goes through GRDB; nil when it is no date.
    static func date(_ value: DatabaseValue) -> Date? {
        if case .string(let text) = value.storage, let date = parse(text) { return date }
        return Date.fromDatabaseValue(value)
    }

    /// `yyyy-MM-dd HH:mm:ss.SSS` in UTC, or nil for any other shape.
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes in
            parse(bytes).map { Date(timeIntervalSince1970: Double($0.seconds) + Double($0.milliseconds) / 1000) }
        }
    }

    /// The UTF-8 bytes of `yyyy-MM-dd HH:mm:ss.SSS` in UTC as whole seconds since 1970 and
    /// milliseconds, or nil for any other shape (read straight from a row by the export).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (seconds: Int, milliseconds: Int)? {
        guard bytes.count == 23, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: " "), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            bytes[19] == UInt8(ascii: ".")
        else { return nil }
        var valid = true
        func number(_ range: Range<Int>) -> Int {
            var value = 0
            for index in range {
                let digit = Int(bytes[index]) - Int(UInt8(ascii: "0"))
                if digit < 0 || digit > 9 { valid = false }
                value = value * 10 + digit
            }
            return value
        }
        let (year, month, day) = (number(0..<4), number(5..<7), number(8..<10))
        let (hour, minute, second, millis) = (number(11..<13), number(14..<16), number(17..<19), number(20..<23))
        guard valid, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        let days = CivilDate(year: year, month: month, day: day).daysSince1970
        return (days * 86400 + hour * 3600 + minute * 60 + second, millis)
    }
}
