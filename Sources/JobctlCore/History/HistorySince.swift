import Foundation

/// Reads `--since`: an RFC 3339 timestamp (`2026-03-08T07:00:00Z`, `…+01:00`, fractions
/// allowed) or a duration back from `now` (`90s`, `45m`, `24h`, `7d`, `2w`, `1h30m`). `now` is
/// a parameter: the command reads the clock, this does not.
public enum HistorySince {
    public static func parse(_ text: String, now: Date) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let ms = durationMilliseconds(trimmed) {
            return now.addingTimeInterval(-Double(ms) / 1000)
        }
        return rfc3339(trimmed)
    }

    /// "1h30m" → 5_400_000; units ms, s, m, h, d, w; nil when malformed or empty.
    public static func durationMilliseconds(_ text: String) -> Int64? {
        var total: Int64 = 0
        var digits = ""
        var sawUnit = false
        let chars = Array(text)
        var i = 0
        guard !chars.isEmpty else { return nil }
        while i < chars.count {
            let c = chars[i]
            if c.isASCII, c.isNumber {
                digits.append(c)
                i += 1
                continue
            }
            guard let value = Int64(digits) else { return nil }
            let unit: Int64
            if c == "m", i + 1 < chars.count, chars[i + 1] == "s" {
                unit = 1
                i += 1
            } else {
                switch c {
                case "s": unit = 1000
                case "m": unit = 60_000
                case "h": unit = 3_600_000
                case "d": unit = 86_400_000
                case "w": unit = 604_800_000
                default: return nil
                }
            }
            let (product, overflow) = value.multipliedReportingOverflow(by: unit)
            guard !overflow else { return nil }
            let (sum, overflow2) = total.addingReportingOverflow(product)
            guard !overflow2 else { return nil }
            total = sum
            digits = ""
            sawUnit = true
            i += 1
        }
        return digits.isEmpty && sawUnit ? total : nil
    }

    static func rfc3339(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
