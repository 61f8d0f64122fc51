/// A parsed 5- or 6-field cron expression: one bitset per field plus the Quartz-style day
/// specials. Pure and side-effect free; `nextLocal` finds the next matching wall-clock time by
/// jumping from set bit to set bit (months, then days, hours, minutes, seconds), never minute
/// by minute.
public struct CronExpression: Sendable, Hashable {
    public let text: String
    /// True for a 6-field expression (leading seconds field).
    public let hasSeconds: Bool
    /// Periodic when the second, minute or hour field begins with `*` (docs/schedules.md#daylight-saving-time): such a
    /// schedule does not fire in a spring-forward gap and fires at both occurrences of a
    /// repeated hour. Otherwise it is fixed-time.
    public let isPeriodic: Bool

    let seconds: UInt64
    let minutes: UInt64
    let hours: UInt64
    let months: UInt64
    /// Plain days of month, bits 1…31.
    let days: UInt64
    /// `L` (bit 0) and `L-n` (bit n).
    let lastDayOffsets: UInt64
    /// `nW`: bit n.
    let nearestWeekdays: UInt64
    /// `LW`.
    let lastWeekday: Bool
    /// Plain days of week, bits 0…6 (Sunday = 0).
    let weekdays: UInt64
    /// `nL`: bit n (last n-day of the month).
    let lastWeekdaysOfMonth: UInt64
    /// `n#k`: bit n * 8 + k.
    let nthWeekdays: UInt64
    /// Both day fields restricted (neither begins with `*` nor is `?`): a day matches when
    /// EITHER matches (crontab(5)); otherwise both must match.
    let dayFieldsOred: Bool
    /// `weekdayPattern[w]`: the days 1…31 of a month whose first day is weekday `w` that fall
    /// on one of `weekdays`.
    let weekdayPattern: [UInt64]

    // MARK: Day matching

    /// The days (bits 1…n) of `month` in `year` that match both day fields by the crontab rule.
    @inline(__always)
    func dayMask(year: Int, month: Int) -> UInt64 {
        let length = Civil.daysInMonth(year: year, month: month)
        let all = (UInt64(1) << UInt64(length + 1)) - 2
        let firstWeekday = Civil.weekday(days: Civil.days(year: year, month: month, day: 1))

        var byDay = days
        if lastDayOffsets != 0 {
            var offsets = lastDayOffsets
            while offsets != 0 {
                let n = offsets.trailingZeroBitCount
                offsets &= offsets - 1
                if length - n >= 1 { byDay |= UInt64(1) << UInt64(length - n) }
            }
        }
        if nearestWeekdays != 0 {
            var targets = nearestWeekdays
            while targets != 0 {
                let n = targets.trailingZeroBitCount
                targets &= targets - 1
                if n <= length {
                    byDay |= UInt64(1) << UInt64(Self.nearestWeekday(to: n, length: length, firstWeekday: firstWeekday))
                }
            }
        }
        if lastWeekday {
            let lastWeekdayOfLast = (firstWeekday + length - 1) % 7
            let day = lastWeekdayOfLast == 6 ? length - 1 : lastWeekdayOfLast == 0 ? length - 2 : length
            byDay |= UInt64(1) << UInt64(day)
        }
        byDay &= all

        var byWeekday = weekdayPattern[firstWeekday]
        if lastWeekdaysOfMonth != 0 {
            let weekdayOfLast = (firstWeekday + length - 1) % 7
            var wanted = lastWeekdaysOfMonth
            while wanted != 0 {
                let w = wanted.trailingZeroBitCount
                wanted &= wanted - 1
                byWeekday |= UInt64(1) << UInt64(length - (weekdayOfLast - w + 7) % 7)
            }
        }
        if nthWeekdays != 0 {
            var wanted = nthWeekdays
            while wanted != 0 {
                let bit = wanted.trailingZeroBitCount
                wanted &= wanted - 1
                let w = bit / 8
                let k = bit % 8
                let day = 1 + (w - firstWeekday + 7) % 7 + 7 * (k - 1)
                if day <= length { byWeekday |= UInt64(1) << UInt64(day) }
            }
        }
        byWeekday &= all
        return dayFieldsOred ? byDay | byWeekday : byDay & byWeekday
    }

    /// `nW`: the weekday (Mon–Fri) nearest to day `n` that stays inside the month (Quartz).
    static func nearestWeekday(to n: Int, length: Int, firstWeekday: Int) -> Int {
        switch (firstWeekday + n - 1) % 7 {
        case 6: return n > 1 ? n - 1 : n + 2  // Saturday: Friday before, or Monday after the 1st
        case 0: return n < length ? n + 1 : n - 2  // Sunday: Monday after, or Friday before the last
        default: return n
        }
    }

    // MARK: Search

    /// The first wall-clock time (local seconds) at or after `lo` and before `hi` that matches
    /// every field, or nil. Jumps over whole months and years that cannot match.
    ///
    /// Long (62 lines), on purpose: the hot loop of the next-fire search (tens of nanoseconds a
    /// fire, `make bench`), one function so that its state stays local.
    public func nextLocal(atOrAfter lo: Int64, before hi: Int64) -> Int64? {
        guard lo < hi else { return nil }
        let startDay = Int(Civil.floorDiv(lo, 86_400))
        let secondOfDay = Int(lo - Int64(startDay) * 86_400)
        var (y, m, d) = Civil.date(days: startDay)
        var h = secondOfDay / 3600
        var mi = secondOfDay / 60 % 60
        var s = secondOfDay % 60
        // A parsed expression always matches within a 400-year cycle (checked at parse time).
        let lastYear = y + 401
        var maskYear = Int.min
        var maskMonth = 0
        var mask: UInt64 = 0

        while y <= lastYear {
            if !Bits.contains(months, m) {
                if let next = Bits.next(months, atOrAfter: m + 1) {
                    m = next
                } else {
                    y += 1
                    m = months.trailingZeroBitCount
                }
                d = 1; h = 0; mi = 0; s = 0
                if Int64(Civil.days(year: y, month: m, day: 1)) * 86_400 >= hi { return nil }
                continue
            }
            if maskYear != y || maskMonth != m {
                mask = dayMask(year: y, month: m)
                maskYear = y
                maskMonth = m
            }
            guard let day = Bits.next(mask, atOrAfter: d) else {
                m += 1
                if m > 12 { m = 1; y += 1 }
                d = 1; h = 0; mi = 0; s = 0
                if Int64(Civil.days(year: y, month: m, day: 1)) * 86_400 >= hi { return nil }
                continue
            }
            if day != d {
                d = day; h = 0; mi = 0; s = 0
                if Int64(Civil.days(year: y, month: m, day: d)) * 86_400 >= hi { return nil }
            }
            guard let hour = Bits.next(hours, atOrAfter: h) else {
                d += 1; h = 0; mi = 0; s = 0
                continue
            }
            if hour != h { h = hour; mi = 0; s = 0 }
            guard let minute = Bits.next(minutes, atOrAfter: mi) else {
                h += 1; mi = 0; s = 0
                continue
            }
            if minute != mi { mi = minute; s = 0 }
            guard let second = Bits.next(seconds, atOrAfter: s) else {
                mi += 1; s = 0
                continue
            }
            s = second
            let local = Int64(Civil.days(year: y, month: m, day: d)) * 86_400 + Int64(h * 3600 + mi * 60 + s)
            return local < hi ? local : nil
        }
        return nil
    }

    /// Whether some day of some month ever matches (checked over a whole 400-year Gregorian
    /// cycle, after which weekdays repeat).
    func firesOnSomeDay() -> Bool {
        for year in 2000..<2400 {
            var monthsLeft = months
            while monthsLeft != 0 {
                let m = monthsLeft.trailingZeroBitCount
                monthsLeft &= monthsLeft - 1
                if dayMask(year: year, month: m) != 0 { return true }
            }
        }
        return false
    }
}

// MARK: - Parsing

extension CronExpression {
    /// Parses 5 fields (`minute hour day-of-month month day-of-week`) or 6 fields with a
    /// leading seconds field. Errors name the field and the reason, with the span of the
    /// offending text.
    public static func parse(_ text: String) throws(CronError) -> CronExpression {
        let tokens = try fieldTokens(text)
        let hasSeconds = tokens.count == 6
        let kinds: [CronFieldKind] =
            hasSeconds
            ? [.second, .minute, .hour, .dayOfMonth, .month, .dayOfWeek]
            : [.minute, .hour, .dayOfMonth, .month, .dayOfWeek]
        var fields: [CronFieldKind: FieldSet] = [.second: FieldSet(bits: 1)]
        var errors: [CronError] = []
        for (kind, token) in zip(kinds, tokens) {
            do {
                fields[kind] = try FieldSet.parse(token.text, kind: kind, offset: token.start)
            } catch {
                errors.append(error)
            }
        }
        if let first = errors.first { throw first }
        func fieldText(_ kind: CronFieldKind) -> Substring {
            kinds.firstIndex(of: kind).map { tokens[$0].text } ?? "0"
        }
        func starts(_ kind: CronFieldKind) -> Bool { fieldText(kind).hasPrefix("*") }
        // Every kind is parsed when there is no error; an absent one would read as empty, which
        // can only end in the "never fires" error below, never in a trap.
        func field(_ kind: CronFieldKind) -> FieldSet { fields[kind] ?? FieldSet() }
        let dom = field(.dayOfMonth)
        let dow = field(.dayOfWeek)
        let domRestricted = !(starts(.dayOfMonth) || fieldText(.dayOfMonth) == "?")
        let dowRestricted = !(starts(.dayOfWeek) || fieldText(.dayOfWeek) == "?")
        var pattern = [UInt64](repeating: 0, count: 7)
        for first in 0..<7 {
            for day in 1...31 where Bits.contains(dow.bits, (first + day - 1) % 7) {
                pattern[first] |= UInt64(1) << UInt64(day)
            }
        }
        let expression = CronExpression(
            text: text, hasSeconds: hasSeconds,
            isPeriodic: starts(.second) || starts(.minute) || starts(.hour),
            seconds: field(.second).bits, minutes: field(.minute).bits,
            hours: field(.hour).bits, months: field(.month).bits,
            days: dom.bits, lastDayOffsets: dom.lastDayOffsets, nearestWeekdays: dom.nearestWeekdays,
            lastWeekday: dom.lastWeekday, weekdays: dow.bits,
            lastWeekdaysOfMonth: dow.lastWeekdaysOfMonth, nthWeekdays: dow.nthWeekdays,
            dayFieldsOred: domRestricted && dowRestricted, weekdayPattern: pattern)
        guard expression.firesOnSomeDay() else {
            let onlyDays = !dowRestricted && dow.bits == 0x7F && dow.lastWeekdaysOfMonth == 0 && dow.nthWeekdays == 0
            throw neverFires(tokens, hasSeconds: hasSeconds, onlyDays: onlyDays)
        }
        return expression
    }

    /// The words of an expression with their byte offsets: 5 or 6 of them, ASCII only.
    static func fieldTokens(_ text: String) throws(CronError) -> [(text: Substring, start: Int)] {
        let chars = Array(text)
        if let bad = chars.firstIndex(where: { !$0.isASCII }) {
            throw CronError("unexpected character '\(chars[bad])'", span: bad..<bad + 1)
        }
        var tokens: [(text: Substring, start: Int)] = []
        var i = 0
        let utf8 = Array(text.utf8)
        while i < utf8.count {
            if utf8[i] == 32 || utf8[i] == 9 { i += 1; continue }
            let start = i
            while i < utf8.count, utf8[i] != 32, utf8[i] != 9 { i += 1 }
            let s = text.utf8.index(text.utf8.startIndex, offsetBy: start)
            let e = text.utf8.index(text.utf8.startIndex, offsetBy: i)
            tokens.append((text[s..<e], start))
        }
        guard tokens.count == 5 || tokens.count == 6 else {
            let span = tokens.isEmpty ? 0..<max(1, utf8.count) : tokens[0].start..<utf8.count
            throw CronError(
                "expected 5 fields (minute hour day-of-month month day-of-week) or 6 with a leading second, found \(tokens.count)",
                span: span)
        }
        return tokens
    }

    /// The error of an expression whose day fields never match in its months, spanning
    /// day-of-month to month.
    static func neverFires(
        _ tokens: [(text: Substring, start: Int)], hasSeconds: Bool, onlyDays: Bool
    ) -> CronError {
        let domIndex = hasSeconds ? 3 : 2  // day-of-month, then month, then day-of-week
        let monthToken = tokens[domIndex + 1]
        let domToken = tokens[domIndex]
        let dowToken = tokens[domIndex + 2]
        let message =
            onlyDays
            ? "schedule never fires: day-of-month '\(domToken.text)' never occurs in month '\(monthToken.text)'"
            : "schedule never fires: day-of-month '\(domToken.text)' and day-of-week '\(dowToken.text)' never coincide in month '\(monthToken.text)'"
        return CronError(message, span: domToken.start..<monthToken.start + monthToken.text.utf8.count)
    }
}
