import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime

/// Dates and money as the arcade database spells them.
///
/// Period dates are calendar dates in the job's zone (`YYYY-MM-DD`); timestamps are UTC with
/// milliseconds (`2026-03-01T12:00:00.000Z`), so that text order is time order.
public enum ArcadeTime {
    /// Milliseconds since the epoch, rounded down.
    static func epochMilliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// `YYYY-MM-DDTHH:MM:SS.sssZ` in UTC.
    public static func timestamp(_ date: Date) -> String {
        timestamp(milliseconds: epochMilliseconds(date))
    }

    public static func timestamp(milliseconds ms: Int64) -> String {
        TimeText.rfc3339UTC(milliseconds: ms)
    }

    /// The calendar day (days since 1970-01-01) of `date` in `zone`.
    public static func localDay(of date: Date, in zone: ZoneRules) -> Int {
        let t = date.unixSeconds
        return Int(Civil.floorDiv(t + zone.offset(at: t), 86_400))
    }

    /// `YYYY-MM-DD` of a day number.
    public static func dateString(day: Int) -> String {
        let (y, m, d) = Civil.date(days: day)
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    /// True for a valid calendar date spelled `YYYY-MM-DD` (the way `dateString` writes it).
    public static func isDateString(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month), day >= 1
        else { return false }
        return dateString(day: Civil.days(year: year, month: month, day: day)) == text
    }

    /// The Monday on or before `day`.
    public static func monday(onOrBefore day: Int) -> Int {
        let weekday = Civil.weekday(days: day)  // 0 = Sunday
        return day - (weekday + 6) % 7
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// `0x1234…abcd` for log lines.
public func shortAddress(_ address: String) -> String {
    guard address.count > 10 else { return address }
    return String(address.prefix(6)) + "…" + String(address.suffix(4))
}

/// Reading validated job options with defaults.
extension Dictionary where Key == String, Value == JobOptionValue {
    func duration(_ name: String, default value: Int64) -> Int64 {
        if case .duration(let ms)? = self[name] { return ms }
        return value
    }

    func integer(_ name: String, default value: Int) -> Int {
        if case .integer(let n)? = self[name] { return n }
        return value
    }

    func boolean(_ name: String, default value: Bool) -> Bool {
        if case .boolean(let b)? = self[name] { return b }
        return value
    }
}
