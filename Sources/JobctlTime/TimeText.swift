/// RFC 3339 timestamps, the one formatter and parser of jobctl: formatting with the zone's offset
/// at that instant or in UTC with milliseconds, and parsing (with an offset, or local wall-clock
/// time read in a zone).
public enum TimeText {
    /// `2026-03-08T03:00:00-04:00`, no fractional seconds.
    public static func rfc3339(_ t: Int64, in zone: ZoneRules) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(25)
        append(t, offset: zone.offset(at: t), to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `2026-03-08T07:00:00.250Z`: an instant in UTC with milliseconds, as the history's JSON and
    /// the arcade's timestamps write it (text order is time order for years 0…9999).
    public static func rfc3339UTC(milliseconds ms: Int64) -> String {
        let seconds = Civil.floorDiv(ms, 1000)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        append(seconds, offset: 0, to: &bytes)
        bytes.removeLast(6)  // "+00:00"
        let fraction = Int(ms - seconds * 1000)
        bytes += [46, UInt8(48 + fraction / 100), UInt8(48 + fraction / 10 % 10), UInt8(48 + fraction % 10), 90]
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the RFC 3339 text of instant `t` at `offset` to a byte buffer (the hot path of
    /// `jobctl next`).
    @inline(__always)
    public static func append(_ t: Int64, offset: Int64, to out: inout [UInt8]) {
        let c = CivilDateTime(localSeconds: t + offset)
        func two(_ v: Int) {
            out.append(UInt8(48 + v / 10))
            out.append(UInt8(48 + v % 10))
        }
        if c.year >= 0 && c.year <= 9999 {
            two(c.year / 100)
            two(c.year % 100)
        } else {
            out.append(contentsOf: Array(String(c.year).utf8))
        }
        out.append(45); two(c.month); out.append(45); two(c.day)
        out.append(84); two(c.hour); out.append(58); two(c.minute); out.append(58); two(c.second)
        let minutes = abs(offset) / 60
        out.append(offset < 0 ? 45 : 43)
        two(Int(minutes / 60)); out.append(58); two(Int(minutes % 60))
    }

    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        case invalid(String)
        public var description: String {
            switch self {
            case .invalid(let text):
                "invalid timestamp '\(text)': expected RFC 3339 like 2026-03-08T03:00:00-04:00, or local 2026-03-08T03:00:00"
            }
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]` (a space may replace `T`). Without an
    /// offset the time is wall-clock time in `zone`: a repeated time reads as its first
    /// occurrence, a skipped one as the end of the gap. Fractions are dropped (the next fire
    /// is strictly after the whole second). Returns Unix seconds.
    public static func parse(_ text: String, in zone: ZoneRules) throws(ParseError) -> Int64 {
        guard let fields = fields(Array(text.utf8)) else { throw .invalid(text) }
        guard let offset = fields.offset else { return zone.instant(forLocal: fields.local) }
        return fields.local - offset
    }

    /// Parses an instant written with its offset, `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)`, to
    /// milliseconds since the epoch (digits past the millisecond are dropped): `--since`, and
    /// the `--now` of the development commands. nil without an offset or when malformed.
    public static func instantMilliseconds(_ text: String) -> Int64? {
        guard let fields = fields(Array(text.utf8)), let offset = fields.offset else { return nil }
        return (fields.local - offset) * 1000 + fields.milliseconds
    }

    /// The parts of an RFC 3339 text: local seconds, the fraction's milliseconds and the offset
    /// in seconds (nil when there is none).
    private static func fields(_ b: [UInt8]) -> (local: Int64, milliseconds: Int64, offset: Int64?)? {
        func num(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var v = 0
            for i in start..<start + count {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard b.count >= 19, let y = num(0, 4), b[4] == 45, let mo = num(5, 2), b[7] == 45,
            let d = num(8, 2), b[10] == 84 || b[10] == 116 || b[10] == 32,
            let h = num(11, 2), b[13] == 58, let mi = num(14, 2), b[16] == 58, let s = num(17, 2),
            (1...12).contains(mo), d >= 1, d <= Civil.daysInMonth(year: y, month: mo),
            h <= 23, mi <= 59, s <= 59
        else { return nil }
        var i = 19
        var milliseconds: Int64 = 0
        if i < b.count, b[i] == 46 {
            i += 1
            let digits = i
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if i - digits < 3 { milliseconds = milliseconds * 10 + Int64(b[i] - 48) }
                i += 1
            }
            guard i > digits else { return nil }
            for _ in min(3, i - digits)..<3 { milliseconds *= 10 }
        }
        let local = CivilDateTime(year: y, month: mo, day: d, hour: h, minute: mi, second: s).localSeconds
        if i == b.count { return (local, milliseconds, nil) }
        if b.count == i + 1, b[i] == 90 || b[i] == 122 { return (local, milliseconds, 0) }
        guard b.count == i + 6, b[i] == 43 || b[i] == 45, let oh = num(i + 1, 2), b[i + 3] == 58,
            let om = num(i + 4, 2), oh <= 23, om <= 59
        else { return nil }
        return (local, milliseconds, Int64(oh * 3600 + om * 60) * (b[i] == 45 ? -1 : 1))
    }
}
