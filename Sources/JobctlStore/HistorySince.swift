import Foundation
import JobctlTime

/// Reads `--since`: an RFC 3339 timestamp (`2026-03-08T07:00:00Z`, `…+01:00`, fractions
/// allowed) or a duration back from `now` (`90s`, `45m`, `24h`, `7d`, `2w`, `1h30m`). `now` is
/// a parameter: the command reads the clock, this does not.
public enum HistorySince {
    public static func parse(_ text: String, now: Date) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let ms = DurationText.milliseconds(trimmed) {
            return now.addingTimeInterval(-Double(ms) / 1000)
        }
        return rfc3339(trimmed)
    }

    static func rfc3339(_ text: String) -> Date? {
        TimeText.instantMilliseconds(text).map(HistoryTime.date(milliseconds:))
    }
}
