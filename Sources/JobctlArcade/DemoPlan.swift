import Foundation
import JobctlTime

/// The sizes and time windows of one demo database (`DemoData`), from its options: a recent
/// window of `days` days before `now` with 95 % of the sessions, and 28 days of old history
/// ending at least 7 days before it with the rest.
struct DemoPlan {
    static let dayMs: Int64 = 86_400_000

    let now: Date
    let nowMs: Int64
    let total: Int
    let oldCount: Int
    let recentCount: Int
    let recentStart: Int64
    let oldStart: Int64
    let playerCount: Int
    let zone: TimeZone
    /// The same zone's rules, for day numbers.
    let rules: ZoneRules

    init(now: Date, options: DemoDataOptions) {
        self.now = now
        nowMs = ArcadeTime.epochMilliseconds(now)
        let days = max(1, options.days)
        total = max(0, options.sessions)
        oldCount = total / 20
        recentCount = total - oldCount
        recentStart = nowMs - Int64(days) * Self.dayMs
        oldStart = nowMs - Int64(max(days + 7, 100) + 28) * Self.dayMs
        playerCount = max(1000, min(20_000, total / 40))
        zone = options.timeZone
        rules = ZoneRules(options.timeZone)
    }
}
