import Foundation
import GRDB
import Testing

@testable import JobctlArcade
@testable import JobctlRunning

@Suite("leaderboard")
struct ArcadeLeaderboardTests {
    /// Now: Wednesday 2026-03-04 15:00 UTC; this week's Monday is 2026-03-02.
    static let now = "2026-03-04T15:00:00Z"

    func fill(_ f: ArcadeFixture) throws {
        let t = "2026-03-04T10:00:00.000Z"
        try f.session("good1", score: 50, created: t)
        try f.session("good2", score: 40, created: t)
        try f.session("playing", status: "active", created: t)
        try f.session("neg", score: -5, created: t)
        try f.session("dup", score: 30, created: t)
        // Today's daily snake board: two good, one missing session, one active session,
        // one negative score, one session twice.
        for (session, score) in [
            ("good1", 50), ("good2", 40), ("gone", 70), ("playing", 10), ("neg", -5), ("dup", 30), ("dup", 30),
        ] {
            try f.entry(session: session, score: Int64(score), period: "daily", date: "2026-03-04", created: t)
        }
        // This week's and alltime boards: clean.
        for session in ["good1", "good2"] {
            try f.entry(session: session, score: 50, period: "weekly", date: "2026-03-02", created: t)
            try f.entry(session: session, score: 50, period: "alltime", date: "alltime", created: t)
        }
        // Yesterday's board and last week's are not checked.
        try f.entry(session: "gone-too", score: 1, period: "daily", date: "2026-03-03", created: t)
        try f.entry(session: "gone-too", score: 1, period: "weekly", date: "2026-02-23", created: t)
        // Another game's board, also clean, plus a game the arcade added later.
        try f.session("p1", game: "pong", score: 9, created: t)
        try f.entry(session: "p1", game: "pong", score: 9, period: "daily", date: "2026-03-04", created: t)
        try f.session("m1", game: "minesweeper", score: 9, created: t)
        try f.entry(session: "m1", game: "minesweeper", score: 9, period: "alltime", date: "alltime", created: t)
    }

    @Test func anomaliesAreCountedByKindAndReportedNotFixed() async throws {
        let f = try ArcadeFixture()
        try fill(f)
        let before = try f.int("SELECT COUNT(*) FROM leaderboard_entries")
        let result = try await LeaderboardJob().run(f.context(now: Self.now))
        #expect(result.partialFailure == nil)
        let m = result.metrics
        #expect(m[counter: "boards_checked"] == 18)  // 6 games × 3 periods
        #expect(m[counter: "entries_validated"] == 7 + 2 + 2 + 1 + 1)
        #expect(m.processed == 13)
        #expect(m[counter: "anomalies_missing_session"] == 1)
        #expect(m[counter: "anomalies_session_not_completed"] == 1)
        #expect(m[counter: "anomalies_negative_score"] == 1)
        #expect(m[counter: "anomalies_duplicate_session"] == 1)
        #expect(m[counter: "anomalies"] == 4)
        #expect(try f.int("SELECT COUNT(*) FROM leaderboard_entries") == before)
        #expect(
            f.logs.all.contains {
                $0.hasPrefix("warning") && $0.contains("snake daily 2026-03-04") && $0.contains("missing_session=1")
            })
        #expect(f.logs.all.contains { $0.contains("leaderboard: done") && $0.contains("4 anomalies") })
    }

    @Test func failOnAnomaliesFailsWithTheMetrics() async throws {
        let f = try ArcadeFixture()
        try fill(f)
        do {
            _ = try await LeaderboardJob(options: ["fail_on_anomalies": .boolean(true)]).run(f.context(now: Self.now))
            Issue.record("expected a failure")
        } catch let failure as JobFailure {
            #expect(failure.metrics[counter: "anomalies"] == 4)
            #expect(failure.message.contains("fail_on_anomalies"))
        }
    }

    @Test func cleanBoardsPassEvenWithFailOnAnomalies() async throws {
        let f = try ArcadeFixture()
        try f.session("a", score: 5, created: "2026-03-04T01:00:00.000Z")
        try f.entry(session: "a", score: 5, date: "2026-03-04", created: "2026-03-04T01:00:00.000Z")
        let result = try await LeaderboardJob(failOnAnomalies: true).run(f.context(now: Self.now))
        #expect(result.metrics[counter: "anomalies"] == 0)
        #expect(result.metrics[counter: "boards_checked"] == 15)
        #expect(result.metrics[counter: "entries_validated"] == 1)
    }

    @Test func todayAndThisWeekAreInTheJobsZone() async throws {
        let f = try ArcadeFixture()
        // 2026-03-09 03:00 UTC is Sunday 2026-03-08 in New York: the week of 2026-03-02.
        try f.entry(session: "gone", score: 1, period: "daily", date: "2026-03-08", created: "2026-03-09T02:00:00.000Z")
        try f.entry(
            session: "gone", score: 1, period: "weekly", date: "2026-03-02", created: "2026-03-09T02:00:00.000Z")
        let ny = try await LeaderboardJob().run(f.context(now: "2026-03-09T03:00:00Z", tz: "America/New_York"))
        #expect(ny.metrics[counter: "anomalies_missing_session"] == 2)
        let utc = try await LeaderboardJob().run(f.context(now: "2026-03-09T03:00:00Z"))
        #expect(utc.metrics[counter: "anomalies_missing_session"] == 0)
    }

    @Test func unreadableBoardsFailTheRun() async throws {
        let f = try ArcadeFixture()
        let context = f.context(now: Self.now)
        try f.execute("DROP TABLE game_sessions; CREATE VIEW game_sessions AS SELECT 1 AS x")
        await #expect(throws: (any Error).self) { _ = try await LeaderboardJob().run(context) }
    }
}
