import Foundation
import JobctlTime

/// Milliseconds since the Unix epoch ↔ `Date`, by the one rounding rule of `Instant.init(date:)`
/// (to the nearest microsecond, then down to the millisecond: `Date(timeIntervalSince1970:
/// 1.234)` stores 1234, not 1233).
public enum HistoryTime {
    public static func milliseconds(_ date: Date) -> Int64 {
        Instant(date: date).milliseconds
    }

    public static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// RFC 3339 in UTC with milliseconds: `2026-03-08T07:00:00.250Z` (`TimeText.rfc3339UTC`).
    public static func rfc3339(_ date: Date) -> String {
        TimeText.rfc3339UTC(milliseconds: milliseconds(date))
    }
}
