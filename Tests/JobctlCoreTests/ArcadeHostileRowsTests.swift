import Foundation
import GRDB
import Testing

@testable import JobctlArcade
@testable import JobctlRunning

/// Issue 9, items 1, 2 and 5: malformed rows, loose money and flagged winners.
@Suite("arcade hostile rows")
struct ArcadeHostileRowsTests {
    static let now = "2026-03-02T00:10:00Z"
    static let day = "2026-03-01"
    static let t = "2026-03-01T10:00:00.000Z"

    func prizepool(_ f: ArcadeFixture, now: String = Self.now) async throws -> JobResult {
        try await PrizePoolJob().run(f.context(now: now))
    }

    func row(_ f: ArcadeFixture, _ sql: String, _ arguments: StatementArguments = []) throws -> [String: DatabaseValue]
    {
        try f.queue.read { db in
            guard let row = try Row.fetchOne(db, sql: sql, arguments: arguments) else { return [:] }
            return Dictionary(uniqueKeysWithValues: row.columnNames.map { ($0, row[$0] ?? .null) })
        }
    }

    /// Scores SQLite keeps as TEXT, BLOB or REAL (a number beyond Int64 is REAL): before, the
    /// forced decode trapped and a TEXT score, sorting above every number, always ranked first.
    @Test func textScoreDoesNotKillTheSchedulerNorRankFirst() async throws {
        let f = try ArcadeFixture()
        let pool = try f.pool(date: Self.day, total: 5_000_000)
        try f.eligibleEntry(
            session: "good", player: ArcadeFixture.player(7), score: 90, date: Self.day, created: Self.t)
        try f.eligibleEntry(
            session: "less", player: ArcadeFixture.player(8), score: 10, date: Self.day, created: Self.t)
        for (i, score) in ["'abc'", "x'00ff'", "12.5", "99999999999999999999"].enumerated() {
            try f.session("bad\(i)", score: 1, created: Self.t)
            try f.execute(
                """
                INSERT INTO leaderboard_entries (session_id, game_type, player_address, score, period_type, period_date, created_at)
                VALUES ('bad\(i)', 'snake', ?, \(score), 'daily', ?, ?)
                """, [ArcadeFixture.player(20 + i), Self.day, Self.t])
        }
        #expect(try f.int("SELECT COUNT(*) FROM leaderboard_entries WHERE typeof(score) != 'integer'") == 4)
        let result = try await prizepool(f)
        #expect(result.partialFailure == nil)
        let won = try row(f, "SELECT winner_address, winning_score FROM prize_pools WHERE id = ?", [pool])
        #expect(won["winner_address"] == ArcadeFixture.player(7).databaseValue)
        #expect(won["winning_score"] == 90.databaseValue)
        // Passed over: the TEXT, BLOB and huge scores, which sort above 90 (12.5 sorts below).
        #expect(result.metrics[counter: "entries_excluded"] == 3)

        let board = try await LeaderboardJob().run(f.context(now: "2026-03-01T12:00:00Z"))
        #expect(board.partialFailure == nil)
        #expect(board.metrics[counter: "anomalies_malformed_score"] == 4)
        #expect(f.logs.all.contains { $0.contains("top eligible 0x0000…0007 with 90") })
    }

    /// `total_amount` was truncated (REAL 12.75 → 12, '12.50 USDC' → 12, 'abc' → 0) and a
    /// negative total was paid. Now the pool fails alone, nothing is paid, and the others go on.
    @Test(arguments: [
        ("12.75", "REAL 12.75"), ("1e20", "REAL 1e+20"), ("'12.50 USDC'", "TEXT '12.50 USDC'"),
        ("'abc'", "TEXT 'abc'"), ("-5", "INTEGER -5"), ("x'0102'", "BLOB of 2 bytes"),
    ])
    func moneyIsReadStrictlyNeverTruncated(total: String, described: String) async throws {
        let f = try ArcadeFixture()
        let bad = try f.pool(game: "pong", date: Self.day, total: 0)
        try f.execute("UPDATE prize_pools SET total_amount = \(total) WHERE id = ?", [bad])
        try f.eligibleEntry(session: "p", game: "pong", score: 5, date: Self.day, created: Self.t)
        let good = try f.pool(game: "snake", date: Self.day, total: 2_000_000)
        try f.eligibleEntry(session: "s", game: "snake", score: 5, date: Self.day, created: Self.t)
        let result = try await prizepool(f)
        let failure = try #require(result.partialFailure)
        #expect(
            failure.contains("pong daily \(Self.day): total_amount is \(described), not an exact non-negative integer"))
        #expect(try f.int("SELECT COUNT(*) FROM prize_payouts WHERE pool_id = ?", [bad]) == 0)
        #expect(try f.strings("SELECT status FROM prize_pools WHERE id = ?", [bad]) == ["active"])
        #expect(try f.int("SELECT amount FROM prize_payouts WHERE pool_id = ?", [good]) == 2_000_000)
        #expect(result.metrics[counter: "pools_due"] == 2)
        #expect(result.metrics[counter: "pools_failed"] == 1)
        #expect(result.metrics[counter: "payout_total"] == 2_000_000)
    }

    /// Two pools near 2^62 overflowed the run's payout sum after the commit and trapped. The
    /// sum is checked inside the transaction: the second pool is not paid in this run (so no
    /// payout goes uncounted), and the next run pays it.
    @Test func payoutTotalOverflowNeverTrapsNorLosesTheRecordOfAPayout() async throws {
        let f = try ArcadeFixture()
        let big: Int64 = 1 << 62
        let first = try f.pool(date: "2026-02-27", total: big)
        let second = try f.pool(date: "2026-02-28", total: big)
        try f.eligibleEntry(session: "a", score: 1, date: "2026-02-27", created: "2026-02-27T10:00:00.000Z")
        try f.eligibleEntry(session: "b", score: 1, date: "2026-02-28", created: "2026-02-28T10:00:00.000Z")
        let run = try await prizepool(f)
        #expect(run.partialFailure?.contains("would overflow") == true)
        #expect(run.metrics[counter: "payout_total"] == big)
        #expect(run.metrics[counter: "pools_finalized"] == 1)
        #expect(try f.int("SELECT COUNT(*) FROM prize_payouts WHERE pool_id = ?", [first]) == 1)
        #expect(try f.strings("SELECT status FROM prize_pools WHERE id = ?", [second]) == ["active"])
        let next = try await prizepool(f, now: "2026-03-02T00:20:00Z")
        #expect(next.partialFailure == nil)
        #expect(next.metrics[counter: "payout_total"] == big)
        #expect(try f.int("SELECT COUNT(*) FROM prize_payouts") == 2)
    }

    /// prizepool paid entries that leaderboard reports as anomalies. Each entry above the
    /// rightful winner has one anomaly kind; none may win.
    @Test func flaggedWinnersNeverGetPaid() async throws {
        let f = try ArcadeFixture()
        let pool = try f.pool(date: Self.day, total: 3_000_000)
        try f.entry(session: "gone", player: ArcadeFixture.player(1), score: 900, date: Self.day, created: Self.t)
        try f.session("playing", player: ArcadeFixture.player(2), status: "active", created: Self.t)
        try f.entry(session: "playing", player: ArcadeFixture.player(2), score: 800, date: Self.day, created: Self.t)
        try f.eligibleEntry(
            session: "twice", player: ArcadeFixture.player(3), score: 5, date: Self.day, created: Self.t)
        try f.entry(session: "twice", player: ArcadeFixture.player(3), score: 700, date: Self.day, created: Self.t)
        try f.eligibleEntry(session: "badaddr", player: "0x12345", score: 600, date: Self.day, created: Self.t)
        try f.eligibleEntry(
            session: "nul", player: ArcadeFixture.player(4), score: 550, date: Self.day, created: Self.t)
        // A NUL inside: SQLite's length() of the text stops there, the byte length does not.
        try f.execute(
            "UPDATE leaderboard_entries SET player_address = player_address || char(0) || 'zz' WHERE session_id = 'nul'"
        )
        try f.eligibleEntry(session: "neg", player: ArcadeFixture.player(5), score: -1, date: Self.day, created: Self.t)
        try f.eligibleEntry(
            session: "right", player: ArcadeFixture.player(6), score: 100, date: Self.day, created: Self.t)
        let result = try await prizepool(f)
        #expect(result.partialFailure == nil)
        let won = try row(f, "SELECT winner_address, winning_score FROM prize_pools WHERE id = ?", [pool])
        #expect(won["winner_address"] == ArcadeFixture.player(6).databaseValue)
        #expect(won["winning_score"] == 100.databaseValue)
        #expect(try f.strings("SELECT winner_address FROM prize_payouts") == [ArcadeFixture.player(6)])
        // Passed over on the way to the winner: gone, playing, twice's copy, two bad addresses.
        #expect(result.metrics[counter: "entries_excluded"] == 5)
        #expect(
            f.logs.all.contains {
                $0.contains("passed over 5") && $0.contains("missing_session=1") && $0.contains("duplicate_session=1")
                    && $0.contains("malformed_address=2") && $0.contains("session_not_completed=1")
            })

        let board = try await LeaderboardJob().run(f.context(now: "2026-03-01T23:00:00Z"))
        let m = board.metrics
        #expect(m[counter: "anomalies_missing_session"] == 1)
        #expect(m[counter: "anomalies_session_not_completed"] == 1)
        #expect(m[counter: "anomalies_duplicate_session"] == 1)
        #expect(m[counter: "anomalies_malformed_address"] == 2)
        #expect(m[counter: "anomalies_negative_score"] == 1)
    }

    /// A pool with money and no entry that may win used to close empty and report succeeded.
    @Test func aPoolWithMoneyAndNoEligibleEntryFailsInsteadOfClosingEmpty() async throws {
        let f = try ArcadeFixture()
        let empty = try f.pool(game: "pong", date: Self.day, total: 1_500_000)
        let flagged = try f.pool(game: "tetris", date: Self.day, total: 1_500_000)
        try f.entry(session: "gone", game: "tetris", score: 3, date: Self.day, created: Self.t)
        try f.pool(game: "snake", date: Self.day, total: 1_000)
        try f.eligibleEntry(session: "s", score: 1, date: Self.day, created: Self.t)
        let result = try await prizepool(f)
        let failure = try #require(result.partialFailure)
        #expect(
            failure.contains(
                "pong daily \(Self.day): total_amount is 1.50 USDC but no entry is eligible to win (no entries)"))
        #expect(
            failure.contains(
                "tetris daily \(Self.day): total_amount is 1.50 USDC but no entry is eligible to win (1 entries, all flagged (missing_session=1))"
            ))
        #expect(
            try f.int("SELECT COUNT(*) FROM prize_pools WHERE id IN (?, ?) AND status = 'active'", [empty, flagged])
                == 2)
        #expect(try f.int("SELECT COUNT(*) FROM prize_payouts") == 1)
        #expect(result.metrics[counter: "pools_failed"] == 2)
        #expect(result.metrics[counter: "pools_finalized"] == 1)
    }

    /// Before, an `active` pool whose entries cleanup had archived was finalized empty.
    @Test func prizepoolRefusesToCloseEmptyAPoolWhoseEntriesWereArchived() async throws {
        let f = try ArcadeFixture()
        let pool = try f.pool(date: Self.day, total: 1_500_000)
        try f.eligibleEntry(session: "s", score: 9, date: Self.day, created: Self.t)
        try f.pool(game: "pong", date: Self.day, total: 0)
        // What an older cleanup did to it.
        try f.execute(
            """
            INSERT INTO leaderboard_archive SELECT *, 'x' FROM leaderboard_entries;
            DELETE FROM leaderboard_entries;
            """)
        let result = try await prizepool(f)
        #expect(result.partialFailure?.contains("1 entries of its board are in leaderboard_archive") == true)
        #expect(try f.strings("SELECT status FROM prize_pools WHERE id = ?", [pool]) == ["active"])
        #expect(try f.int("SELECT COUNT(*) FROM prize_payouts") == 0)
    }

    /// Active pools whose game, period type or date can't be read were never found due (their
    /// money forgotten) or trapped in the decode; each now fails alone with its reason.
    @Test func malformedPoolRowsFailAloneWithTheirReason() async throws {
        let f = try ArcadeFixture()
        let a = try f.pool(game: "x1", date: Self.day, total: 1)
        let b = try f.pool(game: "x2", date: Self.day, total: 1)
        let c = try f.pool(game: "x3", date: Self.day, total: 1)
        // A TEXT column turns numbers into text: only a BLOB can be "not text" there.
        try f.execute("UPDATE prize_pools SET game_type = x'4142' WHERE id = ?", [a])
        try f.execute("UPDATE prize_pools SET period_date = '2026-3-1' WHERE id = ?", [b])
        try f.execute("UPDATE prize_pools SET period_type = 'monthly' WHERE id = ?", [c])
        try f.pool(date: Self.day, total: 0)
        let result = try await prizepool(f)
        let failure = try #require(result.partialFailure)
        #expect(failure.contains("pool \(a): game_type is BLOB of 2 bytes, not text"))
        #expect(failure.contains("pool \(b): period_date is TEXT '2026-3-1', not a YYYY-MM-DD date"))
        #expect(failure.contains("pool \(c): period_type is TEXT 'monthly', not 'daily' or 'weekly'"))
        #expect(result.metrics[counter: "pools_due"] == 4)
        #expect(result.metrics[counter: "pools_finalized"] == 1)
    }

    /// A `game_type` that is not text made leaderboard's list of games trap.
    @Test func aNonTextGameTypeDoesNotKillLeaderboard() async throws {
        let f = try ArcadeFixture()
        try f.eligibleEntry(session: "s", score: 1, date: Self.day, created: Self.t)
        try f.execute("UPDATE leaderboard_entries SET game_type = x'07'")
        let result = try await LeaderboardJob().run(f.context(now: "2026-03-01T12:00:00Z"))
        #expect(result.partialFailure?.contains("game_type BLOB of 1 bytes") == true)
        #expect(result.metrics[counter: "boards_checked"] == 15)
    }

    /// leaderboard counts a whole board, prizepool walks it entry by entry: on a board where
    /// no entry is eligible both see exactly the same anomalies.
    @Test func leaderboardAndPrizepoolShareOneDefinitionOfAnomalies() throws {
        let f = try ArcadeFixture()
        try f.entry(session: "gone", score: 9, date: Self.day, created: Self.t)
        try f.entry(session: "gone", score: 8, date: Self.day, created: Self.t)
        try f.session("act", status: "active", created: Self.t)
        try f.entry(session: "act", player: "0xnothex", score: -3, date: Self.day, created: Self.t)
        try f.eligibleEntry(session: "ok", score: -1, date: Self.day, created: Self.t)
        try f.eligibleEntry(session: "ok2", score: 4, date: Self.day, created: Self.t)
        try f.execute("UPDATE leaderboard_entries SET score = 'high' WHERE session_id = 'ok2'")
        let (count, walk) = try f.queue.read { db in
            (
                try ArcadeBoard.count(db, game: "snake", period: "daily", date: Self.day),
                try ArcadeBoard.winner(db, game: "snake", period: "daily", date: Self.day)
            )
        }
        #expect(walk.winner == nil)
        #expect(count.entries == 5 && walk.entries == 5 && walk.flagged == 5)
        #expect(count.anomalies == walk.anomalies)
        #expect(
            count.anomalies == [
                .missingSession: 2, .duplicateSession: 1, .sessionNotCompleted: 1, .malformedAddress: 1,
                .negativeScore: 2,
                .malformedScore: 1,
            ])
    }

    @Test(arguments: [
        ("0x" + String(repeating: "a", count: 40), true), ("0x" + String(repeating: "F", count: 40), true),
        ("0x" + String(repeating: "a", count: 39), false), ("0X" + String(repeating: "a", count: 40), false),
        ("0x" + String(repeating: "g", count: 40), false), ("0x" + String(repeating: "é", count: 40), false),
    ])
    func addressesAreCheckedTheSameInSwiftAndSQL(address: String, valid: Bool) throws {
        #expect(ArcadeBoard.isWellFormedAddress(address) == valid)
        let f = try ArcadeFixture()
        try f.eligibleEntry(session: "s", player: address, score: 1, date: Self.day, created: Self.t)
        let walk = try f.queue.read { db in try ArcadeBoard.winner(db, game: "snake", period: "daily", date: Self.day) }
        #expect((walk.winner != nil) == valid)
    }
}
