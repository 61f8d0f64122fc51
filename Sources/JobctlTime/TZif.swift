import Foundation

/// A zone read from the system's compiled tzdata (`/usr/share/zoneinfo/NAME`, TZif v2+,
/// RFC 8536): its transitions, and the POSIX TZ rule of its footer for instants after the
/// last listed transition.
///
/// This is the source of truth for offsets: the same data as the rest of the system (and
/// as Python's zoneinfo, which produced the conformance cases), read once, lock-free;
/// Foundation is only the fallback for machines without tzdata.
struct TZif: Sendable {
    var transitions: [Int64]
    /// The UTC offset from `transitions[i]` on.
    var offsets: [Int64]
    /// The offset before the first transition.
    var initialOffset: Int64
    var rule: PosixTZ?

    static var directory: String {
        ProcessInfo.processInfo.environment["TZDIR"] ?? "/usr/share/zoneinfo"
    }

    /// Loads a zone by IANA name; nil when there is no such file or it is not TZif.
    static func load(name: String) -> TZif? {
        guard !name.isEmpty, !name.hasPrefix("/"), !name.contains(".."), !name.contains("\0") else { return nil }
        guard let data = FileManager.default.contents(atPath: "\(directory)/\(name)") else { return nil }
        return parse([UInt8](data))
    }

    static func parse(_ b: [UInt8]) -> TZif? {
        func u32(_ i: Int) -> Int? {
            guard i + 4 <= b.count else { return nil }
            return Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
        }
        func i32(_ i: Int) -> Int64? { u32(i).map { Int64(Int32(truncatingIfNeeded: $0)) } }
        func i64(_ i: Int) -> Int64? {
            guard let hi = u32(i), let lo = u32(i + 4) else { return nil }
            return Int64(bitPattern: UInt64(hi) << 32 | UInt64(lo))
        }
        struct Header { var isut, isstd, leap, time, type, char: Int }
        func header(_ at: Int) -> Header? {
            guard b.count >= at + 44, b[at] == 0x54, b[at + 1] == 0x5A, b[at + 2] == 0x69, b[at + 3] == 0x66,
                let isut = u32(at + 20), let isstd = u32(at + 24), let leap = u32(at + 28),
                let time = u32(at + 32), let type = u32(at + 36), let char = u32(at + 40)
            else { return nil }
            return Header(isut: isut, isstd: isstd, leap: leap, time: time, type: type, char: char)
        }
        guard let v1 = header(0) else { return nil }
        let version = b[4]
        var p = 44
        var h = v1
        var timeSize = 4
        if version >= 0x32 {  // '2' or later: skip the 32-bit block
            p += v1.time * 4 + v1.time + v1.type * 6 + v1.char + v1.leap * 8 + v1.isstd + v1.isut
            guard let v2 = header(p) else { return nil }
            h = v2
            p += 44
            timeSize = 8
        }
        var times: [Int64] = []
        times.reserveCapacity(h.time)
        for i in 0..<h.time {
            guard let t = timeSize == 8 ? i64(p + i * 8) : i32(p + i * 4) else { return nil }
            times.append(t)
        }
        p += h.time * timeSize
        guard p + h.time <= b.count else { return nil }
        let indices = Array(b[p..<p + h.time])
        p += h.time
        var types: [(offset: Int64, dst: Bool)] = []
        for i in 0..<h.type {
            guard let off = i32(p + i * 6), p + i * 6 + 4 < b.count else { return nil }
            types.append((off, b[p + i * 6 + 4] != 0))
        }
        guard !types.isEmpty, indices.allSatisfy({ Int($0) < types.count }) else { return nil }
        p += h.type * 6 + h.char + h.leap * (timeSize + 4) + h.isstd + h.isut
        var rule: PosixTZ?
        if timeSize == 8, p < b.count, b[p] == 10, let end = b[(p + 1)...].firstIndex(of: 10) {
            rule = PosixTZ(String(decoding: b[(p + 1)..<end], as: UTF8.self))
        }
        return TZif(
            transitions: times, offsets: indices.map { types[Int($0)].offset }, initialOffset: types[0].offset,
            rule: rule)
    }

    /// The UTC offset at instant `t`.
    func offset(at t: Int64) -> Int64 {
        if let last = transitions.last, t >= last, let rule {
            return rule.offset(at: t)
        }
        if transitions.isEmpty { return rule?.offset(at: t) ?? initialOffset }
        // Last transition at or before t.
        var lo = 0
        var hi = transitions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if transitions[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? initialOffset : offsets[lo - 1]
    }

    /// The first instant after `t` at which the offset changes.
    func nextTransition(after t: Int64) -> Int64? {
        var lo = 0
        var hi = transitions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if transitions[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        var i = lo
        while i < transitions.count {
            let before = i == 0 ? initialOffset : offsets[i - 1]
            if offsets[i] != before { return transitions[i] }
            i += 1
        }
        guard let rule else { return nil }
        let from = max(t, transitions.last ?? Int64.min)
        return rule.nextTransition(after: from)
    }
}

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
