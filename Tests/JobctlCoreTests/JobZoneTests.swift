import Foundation
import Testing

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlTime

/// Issue 10: jobs got a Foundation `TimeZone` built from the scheduler's zone, so a prizepool
/// firing in UTC logged "(GMT)" (Linux Foundation's name for it). Jobs now get the zone rules
/// the scheduler fires them by, under the name the config gave.
@Suite struct JobZoneTests {
    @Test func aBuiltinJobInUTCNamesItsZoneUTCNotGMT() async throws {
        let f = try ArcadeFixture()
        let utc = try Zones.named("UTC")
        var context = f.context(now: "2026-03-02T00:00:05Z")
        context.zone = utc
        _ = try await PrizePoolJob().run(context)
        _ = try await LeaderboardJob(options: [:]).run(context)
        let starts = f.logs.all.filter { $0.contains(": start") }
        #expect(starts.count == 2)
        #expect(starts.allSatisfy { $0.contains("(UTC)") && !$0.contains("GMT") }, "\(starts)")
    }

    @Test func periodDaysComeFromTheZoneRules() throws {
        let newYork = try Zones.named("America/New_York")
        // 2026-03-08 06:59:59Z is 01:59:59 EST, 07:00:00Z is 03:00:00 EDT: both on March 8.
        let day = Civil.days(year: 2026, month: 3, day: 8)
        #expect(ArcadeTime.localDay(of: instant("2026-03-08T06:59:59Z"), in: newYork) == day)
        #expect(ArcadeTime.localDay(of: instant("2026-03-08T07:00:00Z"), in: newYork) == day)
        #expect(ArcadeTime.localDay(of: instant("2026-03-08T04:59:59Z"), in: newYork) == day - 1)
    }
}
