import Foundation
import GRDB
import Testing

@testable import JobctlArcade

@Suite("demo data")
struct ArcadeDemoDataTests {
    static let now = instant("2026-03-04T15:00:00Z")

    func make(seed: UInt64 = 1, sessions: Int = 4000, days: Int = 10, tz: String = "UTC") throws -> (
        ArcadeFixture, DemoDataSummary
    ) {
        let options = DemoDataOptions(
            days: days, sessions: sessions, seed: seed, timeZone: TimeZone(identifier: tz) ?? .gmt)
        var summary = DemoDataSummary()
        let f = try ArcadeFixture { path in summary = try DemoData.create(path: path, now: Self.now, options: options) }
        return (f, summary)
    }

    func fingerprint(_ f: ArcadeFixture) throws -> [String] {
        try f.strings(
            """
            SELECT (SELECT group_concat(id || player_address || status || amount_paid || ifnull(score, '') || created_at, ',') FROM game_sessions)
            UNION ALL SELECT (SELECT group_concat(session_id || period_date || score, ',') FROM leaderboard_entries)
            UNION ALL SELECT (SELECT group_concat(game_type || period_date || total_amount || status, ',') FROM prize_pools)
            """)
    }

    @Test func theSameSeedGivesTheSameDatabase() throws {
        let (a, _) = try make(seed: 7)
        let (b, _) = try make(seed: 7)
        let (c, _) = try make(seed: 8)
        #expect(try fingerprint(a) == fingerprint(b))
        #expect(try fingerprint(a) != fingerprint(c))
    }

    @Test func theDataIsRealistic() throws {
        let (f, summary) = try make()
        #expect(summary.sessions == 4000)
        #expect(try f.int("SELECT COUNT(*) FROM game_sessions") == 4000)
        #expect(try f.int("SELECT COUNT(DISTINCT game_type) FROM game_sessions") == 5)
        #expect(try f.int("SELECT COUNT(DISTINCT player_address) FROM game_sessions") > 500)
        #expect(
            try f.int(
                "SELECT COUNT(*) FROM game_sessions WHERE player_address NOT GLOB '0x[0-9a-f]*' OR length(player_address) != 42"
            ) == 0)
        #expect(try f.int("SELECT COUNT(*) FROM game_sessions WHERE amount_paid NOT BETWEEN 10000 AND 100000") == 0)
        #expect(
            try f.int(
                "SELECT COUNT(*) FROM game_sessions WHERE status = 'completed' AND (score IS NULL OR completed_at IS NULL)"
            ) == 0)
        #expect(
            try f.int(
                "SELECT COUNT(*) FROM game_sessions WHERE created_at > '2026-03-04T15:00:00.000Z' OR completed_at > '2026-03-04T15:00:00.000Z'"
            ) == 0)
        // Expired active sessions, as counted, and a few still playing.
        #expect(
            try f.int(
                "SELECT COUNT(*) FROM game_sessions WHERE status = 'active' AND created_at < '2026-03-04T14:30:00.000Z'"
            ) == summary.expiredActiveSessions)
        #expect(summary.expiredActiveSessions > 100)
        // Three entries per completed session, plus the orphans.
        #expect(summary.leaderboardEntries == 3 * summary.completedSessions + summary.orphanedEntries)
        #expect(
            try f.int(
                "SELECT COUNT(*) FROM leaderboard_entries e WHERE NOT EXISTS (SELECT 1 FROM game_sessions s WHERE s.id = e.session_id)"
            ) == summary.orphanedEntries)
        // Weekly entries are dated by Monday.
        #expect(
            try f.int(
                "SELECT COUNT(*) FROM leaderboard_entries WHERE period_type = 'weekly' AND strftime('%w', period_date) != '1'"
            ) == 0)
        // Pool totals are 70 % of the period's payments.
        #expect(
            try f.int(
                """
                SELECT COUNT(*) FROM prize_pools p WHERE p.period_type = 'daily' AND p.total_amount !=
                  (SELECT SUM(amount_paid) * 7 / 10 FROM game_sessions s WHERE s.game_type = p.game_type AND date(s.created_at) = p.period_date)
                """) == 0)
        #expect(
            try f.int(
                """
                SELECT COUNT(*) FROM prize_pools p WHERE p.period_type = 'weekly' AND p.total_amount !=
                  (SELECT SUM(amount_paid) * 7 / 10 FROM game_sessions s WHERE s.game_type = p.game_type
                   AND date(s.created_at, '-6 days', 'weekday 1') = p.period_date)
                """) == 0)
        // Old history is paid; every payout matches its pool.
        #expect(summary.finalizedPools > 0 && summary.payouts > 0)
        #expect(
            try f.int("SELECT COUNT(*) FROM prize_pools WHERE status = 'finalized' AND winner_address IS NOT NULL")
                == summary.payouts)
        #expect(
            try f.int(
                "SELECT COUNT(*) FROM prize_pools WHERE status = 'finalized' AND winner_address IS NULL AND prize_amount IS NOT NULL"
            ) == 0)
        #expect(
            try f.int(
                "SELECT COUNT(*) FROM prize_payouts y JOIN prize_pools p ON p.id = y.pool_id WHERE y.amount != p.total_amount OR y.winner_address != p.winner_address"
            ) == 0)
        #expect(try f.strings("PRAGMA journal_mode") == ["wal"])
    }

    @Test func theFirstRunsFinalizeThePastAndCleanUp() async throws {
        let (f, summary) = try make()
        let pools = try await PrizePoolJob().run(f.context(now: "2026-03-04T15:00:00Z"))
        // 10 days of daily pools before today, and the ended weeks.
        #expect(
            pools.metrics[counter: "pools_finalized"]
                == Int64(summary.activePools - (try f.int("SELECT COUNT(*) FROM prize_pools WHERE status = 'active'"))))
        #expect(
            try f.int(
                "SELECT COUNT(*) FROM prize_pools WHERE status = 'active' AND period_type = 'daily' AND period_date < '2026-03-04'"
            ) == 0)
        #expect(
            try f.int(
                "SELECT COUNT(*) FROM prize_pools WHERE status = 'active' AND period_type = 'weekly' AND period_date < '2026-03-02'"
            ) == 0)
        #expect(try f.int("SELECT COUNT(*) FROM prize_pools WHERE status = 'active'") == 10)  // today's and this week's
        let cleanup = try await CleanupJob().run(f.context(now: "2026-03-04T15:00:00Z"))
        #expect(cleanup.metrics[counter: "sessions_deleted"] == Int64(summary.expiredActiveSessions))
        #expect(cleanup.metrics[counter: "orphans_deleted"] == Int64(summary.orphanedEntries))
        #expect(cleanup.metrics[counter: "entries_archived"] > 0)
    }

    @Test func aNonEmptyDatabaseIsNotReplacedWithoutForce() throws {
        let (f, _) = try make(sessions: 100)
        do {
            _ = try DemoData.create(path: f.path, now: Self.now, options: DemoDataOptions(sessions: 10))
            Issue.record("replaced a non-empty database")
        } catch {
            #expect("\(error)".contains(f.path) && "\(error)".contains("--force"))
        }
        #expect(try f.int("SELECT COUNT(*) FROM game_sessions") == 100)
    }

    @Test func periodDatesFollowTheZone() throws {
        let (f, _) = try make(sessions: 2000, days: 3, tz: "Pacific/Auckland")
        // Auckland is UTC+13 in March: a session completed at 12:00Z or later is on the next day.
        #expect(
            try f.int(
                """
                SELECT COUNT(*) FROM leaderboard_entries e JOIN game_sessions s ON s.id = e.session_id
                WHERE e.period_type = 'daily' AND e.period_date != date(s.completed_at, '+13 hours')
                """) == 0)
    }
}
