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
            let domIndex = hasSeconds ? 3 : 2  // day-of-month, then month, then day-of-week
            let monthToken = tokens[domIndex + 1]
            let domToken = tokens[domIndex]
            let dowToken = tokens[domIndex + 2]
            let onlyDays = !dowRestricted && dow.bits == 0x7F && dow.lastWeekdaysOfMonth == 0 && dow.nthWeekdays == 0
            let message =
                onlyDays
                ? "schedule never fires: day-of-month '\(domToken.text)' never occurs in month '\(monthToken.text)'"
                : "schedule never fires: day-of-month '\(domToken.text)' and day-of-week '\(dowToken.text)' never coincide in month '\(monthToken.text)'"
            throw CronError(message, span: domToken.start..<monthToken.start + monthToken.text.utf8.count)
        }
        return expression
    }
}

/// One field's parsed values.
struct FieldSet {
    var bits: UInt64 = 0
    var lastDayOffsets: UInt64 = 0
    var nearestWeekdays: UInt64 = 0
    var lastWeekday = false
    var lastWeekdaysOfMonth: UInt64 = 0
    var nthWeekdays: UInt64 = 0

    static func parse(_ text: Substring, kind: CronFieldKind, offset: Int) throws(CronError) -> FieldSet {
        var set = FieldSet()
        var itemStart = offset
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let span = itemStart..<itemStart + max(1, item.utf8.count)
            defer { itemStart += item.utf8.count + 1 }
            guard !item.isEmpty else {
                throw CronError("\(kind.name): empty item in list '\(text)'", span: span)
            }
            try set.add(String(item).uppercased(), kind: kind, span: span)
        }
        // Day-of-week 7 is Sunday.
        if kind == .dayOfWeek, set.bits & (1 << 7) != 0 {
            set.bits = (set.bits & ~(UInt64(1) << 7)) | 1
        }
        return set
    }

    private mutating func add(_ item: String, kind: CronFieldKind, span: Range<Int>) throws(CronError) {
        func fail(_ message: String) -> CronError { CronError("\(kind.name): \(message)", span: span) }
        let range = kind.range

        if item == "?" {
            guard kind == .dayOfMonth || kind == .dayOfWeek else {
                throw fail("'?' is only allowed in day-of-month and day-of-week")
            }
            addRange(range.lowerBound, kind == .dayOfWeek ? 6 : range.upperBound, step: 1)
            return
        }
        if kind == .dayOfMonth {
            if item == "L" { lastDayOffsets |= 1; return }
            if item == "LW" { lastWeekday = true; return }
            if item.hasPrefix("L-") {
                guard let n = Int(item.dropFirst(2)), (0...30).contains(n) else {
                    throw fail("'\(item)': L-n takes n from 0 to 30")
                }
                lastDayOffsets |= UInt64(1) << UInt64(n)
                return
            }
            if item.hasSuffix("W"), item.count > 1 {
                guard let n = Int(item.dropLast()), (1...31).contains(n) else {
                    throw fail("'\(item)': nW takes a day from 1 to 31")
                }
                nearestWeekdays |= UInt64(1) << UInt64(n)
                return
            }
        }
        if kind == .dayOfWeek {
            if let hash = item.firstIndex(of: "#") {
                let day = try Self.value(item[..<hash], kind: kind, fail: fail)
                guard let k = Int(item[item.index(after: hash)...]), (1...5).contains(k) else {
                    throw fail("'\(item)': n#k takes k from 1 to 5")
                }
                nthWeekdays |= UInt64(1) << UInt64((day % 7) * 8 + k)
                return
            }
            if item.hasSuffix("L"), item.count > 1 {
                let day = try Self.value(item.dropLast(), kind: kind, fail: fail)
                lastWeekdaysOfMonth |= UInt64(1) << UInt64(day % 7)
                return
            }
        }

        var base = Substring(item)
        var step = 1
        var hasStep = false
        if let slash = item.firstIndex(of: "/") {
            base = item[..<slash]
            let stepText = item[item.index(after: slash)...]
            guard let s = Int(stepText), stepText.allSatisfy(\.isNumber) else {
                throw fail("step '\(stepText)' is not a number")
            }
            guard s >= 1 else { throw fail("step must be at least 1") }
            step = s
            hasStep = true
        }
        var low: Int
        var high: Int
        if base == "*" {
            low = range.lowerBound
            high = kind == .dayOfWeek ? 6 : range.upperBound
        } else if let dash = base.firstIndex(of: "-") {
            low = try Self.value(base[..<dash], kind: kind, fail: fail)
            let highText = base[base.index(after: dash)...]
            high = try Self.value(highText, kind: kind, fail: fail)
            // `SAT-SUN`: a day-of-week range ending on Sunday by name ends at 7.
            if kind == .dayOfWeek, high == 0, highText.uppercased() == "SUN" { high = 7 }
            guard low <= high else {
                let max = kind == .dayOfWeek ? 6 : range.upperBound
                throw fail(
                    "range \(base) runs backwards; did you mean \(low)-\(max),\(range.lowerBound)-\(high)?")
            }
        } else {
            low = try Self.value(base, kind: kind, fail: fail)
            high = hasStep ? (kind == .dayOfWeek ? 7 : range.upperBound) : low
        }
        addRange(low, high, step: step)
    }

    private mutating func addRange(_ low: Int, _ high: Int, step: Int) {
        var v = low
        while v <= high {
            bits |= UInt64(1) << UInt64(v)
            v += step
        }
    }

    private static func value(
        _ text: Substring, kind: CronFieldKind, fail: (String) -> CronError
    ) throws(CronError) -> Int {
        guard !text.isEmpty else { throw fail("missing value") }
        if text.allSatisfy(\.isNumber) {
            guard text.count <= 4, let n = Int(text), kind.range.contains(n) else {
                throw fail("\(text) is out of range \(kind.rangeText)")
            }
            return n
        }
        if let n = kind.names[text.uppercased()] { return n }
        switch kind {
        case .month: throw fail("'\(text)' is not a month (1-12 or JAN-DEC)")
        case .dayOfWeek: throw fail("'\(text)' is not a day of the week (0-7 or SUN-SAT)")
        default: throw fail("'\(text)' is not a number")
        }
    }
}
