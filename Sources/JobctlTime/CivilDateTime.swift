/// Calendar arithmetic on the proleptic Gregorian calendar, without `Calendar`.
///
/// Wall-clock ("local") times are represented as seconds since 1970-01-01T00:00:00 *as if the
/// zone were UTC*; an instant is `local - offset`. Keeping both as plain integers lets the
/// next-fire search jump over fields with bit operations instead of calendar calls.
public struct CivilDateTime: Sendable, Hashable, Comparable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The wall-clock seconds (local seconds since the epoch) of this date-time.
    public var localSeconds: Int64 {
        Int64(Civil.days(year: year, month: month, day: day)) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
    }

    public init(localSeconds: Int64) {
        let days = Civil.floorDiv(localSeconds, 86_400)
        let secondOfDay = Int(localSeconds - days * 86_400)
        let (y, m, d) = Civil.date(days: Int(days))
        self.init(
            year: y, month: m, day: d,
            hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60, second: secondOfDay % 60)
    }

    public static func < (a: CivilDateTime, b: CivilDateTime) -> Bool {
        a.localSeconds < b.localSeconds
    }
}
