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

    /// Long (80 lines), on purpose: the grammar of one list item (`*`, `?`, ranges, steps,
    /// names, `L`, `LW`, `W`, `#`) reads top to bottom in one place, each error with its span.
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
