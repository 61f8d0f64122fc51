/// timestamptz text ↔ microseconds since the Unix epoch, with integer civil-date arithmetic
/// (no `Calendar`, no `DateFormatter`, no session time zone).
///
/// Reading accepts only the ISO output style (`DateStyle` ISO, the server default), which
/// always carries the UTC offset, so the session's `TimeZone` cannot change the instant read.
/// Any other text (another DateStyle, `infinity`, a timestamp without zone) is refused rather
/// than guessed.
enum PostgresTimestamp {
    static let microsPerSecond: Int64 = 1_000_000
    static let microsPerDay: Int64 = 86_400_000_000

    /// `YYYY-MM-DD HH:MM:SS.ffffff+00` (` BC` appended for years before 1).
    static func format(_ micros: Int64) -> String {
        let days = floorDiv(micros, microsPerDay)
        let inDay = micros - days * microsPerDay
        let (year, month, day) = civil(fromDays: days)
        let seconds = inDay / microsPerSecond
        let fraction = inDay % microsPerSecond
        let bc = year <= 0
        let shownYear = bc ? 1 - year : year
        return pad(shownYear, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + " "
            + pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
            + "." + pad(fraction, 6) + "+00" + (bc ? " BC" : "")
    }

    /// Parses the ISO output of a timestamptz; nil when the text is anything else.
    static func parse(_ text: String) -> Int64? {
        var s = Substring(text)
        var bc = false
        if s.hasSuffix(" BC") {
            bc = true
            s = s.dropLast(3)
        }
        var scanner = Scanner(s)
        guard let year = scanner.number(minDigits: 4, maxDigits: 6), scanner.take("-"),
            let month = scanner.number(minDigits: 2, maxDigits: 2), scanner.take("-"),
            let day = scanner.number(minDigits: 2, maxDigits: 2), scanner.take(" "),
            let hour = scanner.number(minDigits: 2, maxDigits: 2), scanner.take(":"),
            let minute = scanner.number(minDigits: 2, maxDigits: 2), scanner.take(":"),
            let second = scanner.number(minDigits: 2, maxDigits: 2)
        else { return nil }
        var fraction: Int64 = 0
        if scanner.take(".") {
            guard let (value, digits) = scanner.digits(max: 6) else { return nil }
            fraction = value * power10(6 - digits)
        }
        guard let offset = scanner.offsetSeconds(), scanner.atEnd else { return nil }
        guard (1...12).contains(month), (1...daysIn(month, year)).contains(day), hour < 24, minute < 60,
            second < 60, year >= 1
        else { return nil }
        let astronomicalYear = bc ? 1 - year : year
        let days = self.days(fromCivil: astronomicalYear, month, day)
        let (dayMicros, o1) = days.multipliedReportingOverflow(by: microsPerDay)
        let clock = ((hour * 60 + minute) * 60 + second - offset) * microsPerSecond + fraction
        let (total, o2) = dayMicros.addingReportingOverflow(clock)
        return o1 || o2 ? nil : total
    }

    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func daysIn(_ month: Int64, _ year: Int64) -> Int64 {
        if month == 2 { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28 }
        return [4, 6, 9, 11].contains(month) ? 30 : 31
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func power10(_ n: Int) -> Int64 { (0..<n).reduce(1) { acc, _ in acc * 10 } }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// A cursor over ASCII digits and separators.
    struct Scanner {
        var rest: Substring
        init(_ text: Substring) { rest = text }

        var atEnd: Bool { rest.isEmpty }

        mutating func take(_ c: Character) -> Bool {
            guard rest.first == c else { return false }
            rest = rest.dropFirst()
            return true
        }

        mutating func digits(max: Int) -> (Int64, Int)? {
            let run = rest.prefix { $0.isASCII && $0.isNumber }
            guard !run.isEmpty, run.count <= max, let value = Int64(run) else { return nil }
            rest = rest.dropFirst(run.count)
            return (value, run.count)
        }

        mutating func number(minDigits: Int, maxDigits: Int) -> Int64? {
            guard let (value, count) = digits(max: maxDigits), count >= minDigits else { return nil }
            return value
        }

        /// `+HH`, `+HH:MM` or `+HH:MM:SS` (historical zones have odd offsets), or `-`.
        mutating func offsetSeconds() -> Int64? {
            let sign: Int64
            if take("+") { sign = 1 } else if take("-") { sign = -1 } else { return nil }
            guard let hours = number(minDigits: 2, maxDigits: 2) else { return nil }
            var seconds = hours * 3600
            if take(":") {
                guard let minutes = number(minDigits: 2, maxDigits: 2) else { return nil }
                seconds += minutes * 60
                if take(":") {
                    guard let secs = number(minDigits: 2, maxDigits: 2) else { return nil }
                    seconds += secs
                }
            }
            return sign * seconds
        }
    }
}
