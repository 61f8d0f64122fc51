import Foundation

/// Durations as written in `jobs.conf` and `@every`: `90s`, `10m`, `2h`, `1d`, `1w`, `250ms`,
/// and concatenations such as `1h30m`. A bare `0` means zero.
public enum DurationText {
    /// Milliseconds, or nil when `text` is not a duration.
    public static func milliseconds(_ text: some StringProtocol) -> Int64? {
        if text == "0" { return 0 }
        var total: Int64 = 0
        var number: Int64?
        var i = text.startIndex
        var sawUnit = false
        while i < text.endIndex {
            let c = text[i]
            if let digit = c.wholeNumberValue, c.isASCII {
                let (scaled, o1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (sum, o2) = scaled.addingReportingOverflow(Int64(digit))
                if o1 || o2 || sum > 1_000_000_000_000 { return nil }
                number = sum
                i = text.index(after: i)
                continue
            }
            guard let n = number else { return nil }
            let unit: Int64
            let rest = text[i...]
            if rest.hasPrefix("ms") {
                unit = 1
                i = text.index(i, offsetBy: 2)
            } else {
                switch c {
                case "s": unit = 1000
                case "m": unit = 60_000
                case "h": unit = 3_600_000
                case "d": unit = 86_400_000
                case "w": unit = 604_800_000
                default: return nil
                }
                i = text.index(after: i)
            }
            let (part, o) = n.multipliedReportingOverflow(by: unit)
            if o { return nil }
            total += part
            if total > 100 * 365 * 86_400_000 { return nil }
            number = nil
            sawUnit = true
        }
        return number == nil && sawUnit ? total : nil
    }

    /// `5400000` → `1h30m`; `1500` → `1s500ms`; `0` → `0s`.
    public static func format(milliseconds: Int64) -> String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds
        var out = ""
        for (unit, suffix) in [(Int64(86_400_000), "d"), (3_600_000, "h"), (60_000, "m"), (1000, "s"), (1, "ms")] {
            if rest >= unit {
                out += "\(rest / unit)\(suffix)"
                rest %= unit
            }
        }
        return out
    }

    /// For people reading logs and tables: "245 ms", "3.2 s", "4m 05s", "2h 03m"; "-" when
    /// there is none.
    public static func readable(milliseconds ms: Int64?) -> String {
        guard let ms else { return "-" }
        if ms < 1000 { return "\(max(0, ms)) ms" }
        if ms < 59_950 { return String(format: "%.1f s", Double(ms) / 1000) }
        let seconds = (ms + 500) / 1000
        if seconds < 3600 { return String(format: "%dm %02ds", seconds / 60, seconds % 60) }
        let minutes = (seconds + 30) / 60
        return String(format: "%dh %02dm", minutes / 60, minutes % 60)
    }

    /// A distance in time to or from now, coarse: `45s`, `3m 12s`, `3h 12m`, `2d 4h`.
    public static func relative(seconds: Int64) -> String {
        let s = max(0, seconds)
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m \(s % 60)s" }
        if s < 86_400 { return "\(s / 3600)h \(s / 60 % 60)m" }
        return "\(s / 86_400)d \(s / 3600 % 24)h"
    }
}
