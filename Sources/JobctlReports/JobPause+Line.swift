import Foundation
import JobctlStore
import JobctlTime

extension JobPause {
    /// One line for `list` and `stats`: `paused: prizepool by alice since
    /// 2026-11-23T04:00:00+00:00 (3h 12m ago): deploying`, the time in `zone`.
    public func line(now: Date, zone: ZoneRules?) -> String {
        let seconds = at.unixSeconds
        let when = zone.map { TimeText.rfc3339(seconds, in: $0) } ?? HistoryTime.rfc3339(at)
        let ago = DurationText.relative(seconds: now.unixSeconds - seconds)
        return "paused: \(job) by \(by) since \(when) (\(ago) ago)" + (note.map { ": \($0)" } ?? "")
    }
}
