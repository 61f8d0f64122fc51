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
