import Foundation

/// A POSIX TZ string such as `EST5EDT,M3.2.0,M11.1.0` or `<+1030>-10:30<+11>-11,M10.1.0,M4.1.0`.
struct PosixTZ: Sendable {
    struct Rule: Sendable {
        enum Day: Sendable {
            case monthWeekDay(month: Int, week: Int, weekday: Int)
            case julianNoLeap(Int)  // Jn, 1…365, Feb 29 never counted
            case zeroBased(Int)  // n, 0…365
        }
        var day: Day
        var seconds: Int64  // local time of day of the change, may be negative or over 24h
    }

    /// Seconds east of UTC (POSIX writes them west).
    var standardOffset: Int64
    var dstOffset: Int64?
    var start: Rule?
    var end: Rule?

    /// Reads a TZif footer (`std offset [dst [offset] [,start[/time],end[/time]]]`). Long (75
    /// lines), on purpose: the whole POSIX grammar with its small nested readers in one place.
    init?(_ text: String) {
        var s = Substring(text)
        func name() -> Bool {
            if s.first == "<" {
                guard let close = s.firstIndex(of: ">") else { return false }
                s = s[s.index(after: close)...]
                return true
            }
            let letters = s.prefix { $0.isLetter }
            guard letters.count >= 3 else { return false }
            s = s.dropFirst(letters.count)
            return true
        }
        func time() -> Int64? {
            var sign: Int64 = 1
            if s.first == "+" { s = s.dropFirst() } else if s.first == "-" { sign = -1; s = s.dropFirst() }
            var parts: [Int64] = []
            while true {
                let digits = s.prefix { $0.isNumber }
                guard !digits.isEmpty, let v = Int64(digits) else { return nil }
                parts.append(v)
                s = s.dropFirst(digits.count)
                guard s.first == ":", parts.count < 3 else { break }
                s = s.dropFirst()
            }
            let seconds = parts[0] * 3600 + (parts.count > 1 ? parts[1] * 60 : 0) + (parts.count > 2 ? parts[2] : 0)
            return sign * seconds
        }
        func rule() -> Rule? {
            var day: Rule.Day
            if s.first == "M" {
                s = s.dropFirst()
                let fields = s.prefix { $0.isNumber || $0 == "." }
                let numbers = fields.split(separator: ".").compactMap { Int($0) }
                guard numbers.count == 3 else { return nil }
                s = s.dropFirst(fields.count)
                day = .monthWeekDay(month: numbers[0], week: numbers[1], weekday: numbers[2])
            } else if s.first == "J" {
                s = s.dropFirst()
                let digits = s.prefix { $0.isNumber }
                guard let n = Int(digits) else { return nil }
                s = s.dropFirst(digits.count)
                day = .julianNoLeap(n)
            } else {
                let digits = s.prefix { $0.isNumber }
                guard let n = Int(digits) else { return nil }
                s = s.dropFirst(digits.count)
                day = .zeroBased(n)
            }
            var seconds: Int64 = 7200
            if s.first == "/" {
                s = s.dropFirst()
                guard let t = time() else { return nil }
                seconds = t
            }
            return Rule(day: day, seconds: seconds)
        }
        guard name(), let std = time() else { return nil }
        standardOffset = -std
        if s.isEmpty { return }
        guard name() else { return nil }
        if let first = s.first, first != "," {
            guard let dst = time() else { return nil }
            dstOffset = -dst
        } else {
            dstOffset = standardOffset + 3600
        }
        guard s.first == "," else { return nil }
        s = s.dropFirst()
        guard let a = rule(), s.first == "," else { return nil }
        s = s.dropFirst()
        guard let b = rule(), s.isEmpty else { return nil }
        start = a
        end = b
    }

    /// Day number (days since 1970-01-01) of a rule's date in `year`.
    static func dayNumber(_ day: Rule.Day, year: Int) -> Int {
        switch day {
        case .monthWeekDay(let month, let week, let weekday):
            let first = Civil.days(year: year, month: month, day: 1)
            var d = 1 + (weekday - Civil.weekday(days: first) + 7) % 7 + 7 * (week - 1)
            let length = Civil.daysInMonth(year: year, month: month)
            while d > length { d -= 7 }
            return first + d - 1
        case .julianNoLeap(let n):
            let jan1 = Civil.days(year: year, month: 1, day: 1)
            return jan1 + n - 1 + (Civil.isLeap(year) && n >= 60 ? 1 : 0)
        case .zeroBased(let n):
            return Civil.days(year: year, month: 1, day: 1) + n
        }
    }

    /// The instants (with the offset after each) of the changes in `year`.
    private func changes(in year: Int) -> [(at: Int64, offset: Int64)] {
        guard let start, let end, let dstOffset else { return [] }
        let dstBegins = Int64(Self.dayNumber(start.day, year: year)) * 86_400 + start.seconds - standardOffset
        let dstEnds = Int64(Self.dayNumber(end.day, year: year)) * 86_400 + end.seconds - dstOffset
        return [(dstBegins, dstOffset), (dstEnds, standardOffset)].sorted { $0.at < $1.at }
    }

    private func year(of t: Int64) -> Int {
        Civil.date(days: Int(Civil.floorDiv(t + standardOffset, 86_400))).year
    }

    func offset(at t: Int64) -> Int64 {
        guard dstOffset != nil, start != nil else { return standardOffset }
        let y = year(of: t)
        var current = standardOffset
        for change in changes(in: y - 1) + changes(in: y) + changes(in: y + 1) where change.at <= t {
            current = change.offset
        }
        return current
    }

    func nextTransition(after t: Int64) -> Int64? {
        guard dstOffset != nil, start != nil, dstOffset != standardOffset else { return nil }
        let y = year(of: t)
        return (changes(in: y - 1) + changes(in: y) + changes(in: y + 1)).first { $0.at > t }?.at
    }
}
