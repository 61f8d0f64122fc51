import Foundation
import GRDB
import Testing

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlDevSupport
@testable import JobctlRunning
@testable import JobctlTime

@Suite("prizepool")
struct ArcadePrizePoolTests {
    func run(_ fixture: ArcadeFixture, now: String, tz: String = "UTC") async throws -> JobResult {
        try await PrizePoolJob().run(fixture.context(now: now, tz: tz))
    }

    @Test func tiesAreBrokenByEarliestCreatedAtThenLowestId() async throws {
        let f = try ArcadeFixture()
        let pool = try f.pool(date: "2026-03-01", total: 12_500_000)
        try f.eligibleEntry(
            id: 5, session: "s5", player: ArcadeFixture.player(5), score: 100, date: "2026-03-01",
            created: "2026-03-01T10:00:00.000Z")
        try f.eligibleEntry(
            id: 7, session: "s7", player: ArcadeFixture.player(7), score: 100, date: "2026-03-01",
            created: "2026-03-01T09:00:00.000Z")
        try f.eligibleEntry(
            id: 6, session: "s6", player: ArcadeFixture.player(6), score: 100, date: "2026-03-01",
            created: "2026-03-01T09:00:00.000Z")
        try f.eligibleEntry(
            id: 1, session: "s1", player: ArcadeFixture.player(1), score: 99, date: "2026-03-01",
            created: "2026-03-01T08:00:00.000Z")
        // Same score, earlier, but another board.
        try f.eligibleEntry(
            id: 2, session: "s2", player: ArcadeFixture.player(2), score: 500, date: "2026-03-02",
            created: "2026-03-01T08:00:00.000Z")
        try f.eligibleEntry(
            id: 3, session: "s3", game: "pong", player: ArcadeFixture.player(3), score: 500, date: "2026-03-01",
            created: "2026-03-01T08:00:00.000Z")

        let result = try await run(f, now: "2026-03-02T00:00:30Z")
        #expect(result.partialFailure == nil)
        let row = try f.queue.read { db in
            try Row.fetchOne(
                db,
                sql:
                    "SELECT status, winner_address, winning_score, prize_amount, finalized_at FROM prize_pools WHERE id = ?",
                arguments: [pool])
        }
        #expect(row?["status"] == "finalized")
        #expect(row?["winner_address"] == ArcadeFixture.player(6))
        #expect(row?["winning_score"] == 100)
        #expect(row?["prize_amount"] == 12_500_000)
        #expect(row?["finalized_at"] == "2026-03-02T00:00:30.000Z")
        let payout = try f.queue.read { db in
            try Row.fetchOne(db, sql: "SELECT pool_id, winner_address, amount FROM prize_payouts")
        }
        #expect(payout?["pool_id"] == pool)
        #expect(payout?["winner_address"] == ArcadeFixture.player(6))
        #expect(payout?["amount"] == 12_500_000)
        #expect(result.metrics.updated == 1)
        #expect(result.metrics[counter: "pools_finalized"] == 1)
        #expect(result.metrics[counter: "payout_total"] == 12_500_000)
        // The log names the pool, the short address and the prize in USDC.
        #expect(
            f.logs.all.contains {
                $0.contains("snake daily 2026-03-01") && $0.contains("0x0000…0006") && $0.contains("12.50 USDC")
            })
        #expect(f.logs.all.contains { $0.contains("prizepool: start") })
        #expect(f.logs.all.contains { $0.contains("prizepool: done") && $0.contains("1 pools finalized") })
    }

    /// A pool of 0 with no entries closes empty (one with money fails instead:
    /// `aPoolWithMoneyAndNoEligibleEntryFailsInsteadOfClosingEmpty`).
    @Test func poolWithoutEntriesIsFinalizedWithoutWinnerOrPayout() async throws {
        let f = try ArcadeFixture()
        try f.pool(date: "2026-03-01", total: 0)
        let result = try await run(f, now: "2026-03-02T00:00:00Z")
        #expect(
            try f.int(
                "SELECT COUNT(*) FROM prize_pools WHERE status = 'finalized' AND winner_address IS NULL AND winning_score IS NULL AND prize_amount IS NULL"
            ) == 1)
        #expect(try f.int("SELECT COUNT(*) FROM prize_payouts") == 0)
        #expect(result.metrics[counter: "pools_without_winner"] == 1)
        #expect(result.metrics[counter: "pools_finalized"] == 1)
        #expect(result.metrics[counter: "payout_total"] == 0)
        #expect(result.metrics.created == 0)
    }

    /// Now is Wednesday 2026-03-04 00:30 UTC.
    @Test func onlyEndedPoolsAreFinalizedIncludingOnesMissedEarlier() async throws {
        let f = try ArcadeFixture()
        try f.pool(period: "daily", date: "2026-03-03", total: 0)  // yesterday: ended
        try f.pool(period: "daily", date: "2026-03-04", total: 0)  // today: running
        try f.pool(period: "daily", date: "2026-03-05", total: 0)  // tomorrow (pre-created)
        try f.pool(period: "daily", date: "2026-02-20", total: 0)  // missed days ago
        try f.pool(period: "weekly", date: "2026-03-02", total: 0)  // this week: running
        try f.pool(period: "weekly", date: "2026-02-23", total: 0)  // last week: ended
        try f.pool(period: "weekly", date: "2026-02-09", total: 0)  // missed weeks ago
        let result = try await run(f, now: "2026-03-04T00:30:00Z")
        let finalized = try f.strings(
            "SELECT period_type || ' ' || period_date FROM prize_pools WHERE status = 'finalized' ORDER BY 1")
        #expect(finalized == ["daily 2026-02-20", "daily 2026-03-03", "weekly 2026-02-09", "weekly 2026-02-23"])
        #expect(result.metrics.processed == 4)
        // A second run finds nothing left to do.
        let again = try await run(f, now: "2026-03-04T00:31:00Z")
        #expect(again.metrics.processed == 0 && again.metrics.updated == 0)
    }

    @Test(arguments: [
        ("2026-03-08T23:59:59.999Z", false),  // Sunday: the week of Monday 03-02 is still on
        ("2026-03-09T00:00:00Z", true),  // Monday 00:00: it ended
    ])
    func weeklyPoolEndsOnMonday(now: String, ended: Bool) async throws {
        let f = try ArcadeFixture()
        try f.pool(period: "weekly", date: "2026-03-02")
        try f.eligibleEntry(
            session: "s", score: 3, period: "weekly", date: "2026-03-02", created: "2026-03-03T10:00:00.000Z")
        _ = try await run(f, now: now)
        #expect(try f.int("SELECT COUNT(*) FROM prize_pools WHERE status = 'finalized'") == (ended ? 1 : 0))
        #expect(try f.int("SELECT COUNT(*) FROM prize_payouts") == (ended ? 1 : 0))
    }

    /// 2026-03-09 03:00 UTC is still Sunday 03-08 23:00 in New York (EDT since that morning).
    @Test func periodsAreCalendarDatesInTheJobsZone() async throws {
        let f = try ArcadeFixture()
        try f.pool(period: "daily", date: "2026-03-08", total: 0)
        try f.pool(period: "daily", date: "2026-03-07", total: 0)
        try f.pool(period: "weekly", date: "2026-03-02", total: 0)
        _ = try await run(f, now: "2026-03-09T03:00:00Z", tz: "America/New_York")
        #expect(
            try f.strings("SELECT period_type || ' ' || period_date FROM prize_pools WHERE status = 'finalized'") == [
                "daily 2026-03-07"
            ])
        _ = try await run(f, now: "2026-03-09T04:00:00Z", tz: "America/New_York")
        #expect(try f.int("SELECT COUNT(*) FROM prize_pools WHERE status = 'active'") == 0)
    }

    @Test func aGameWhoseFinalizationFailsMakesThePartialRunAndTheOthersGoOn() async throws {
        let f = try ArcadeFixture()
        for game in ArcadeSchema.games {
            for day in ["2026-03-01", "2026-03-02"] {
                try f.pool(game: game, date: day, total: 1_000_000)
                try f.eligibleEntry(
                    session: "\(game)-\(day)", game: game, score: 10, date: day, created: "\(day)T12:00:00.000Z")
            }
        }
        try f.execute(
            """
            CREATE TRIGGER pong_is_broken BEFORE UPDATE ON prize_pools WHEN OLD.game_type = 'pong'
            BEGIN SELECT RAISE(ABORT, 'pong payouts are frozen'); END
            """)
        let result = try await run(f, now: "2026-03-05T00:00:00Z")
        let failure = try #require(result.partialFailure)
        #expect(failure.contains("pong") && failure.contains("frozen"))
        #expect(result.metrics[counter: "pools_finalized"] == 8)
        #expect(result.metrics[counter: "pools_failed"] == 2)
        #expect(try f.int("SELECT COUNT(*) FROM prize_pools WHERE status = 'active'") == 2)
        #expect(try f.int("SELECT COUNT(*) FROM prize_payouts") == 8)
        #expect(
            try f.int(
                "SELECT COUNT(*) FROM prize_payouts p JOIN prize_pools l ON l.id = p.pool_id WHERE l.game_type = 'pong'"
            ) == 0)

        try f.execute("DROP TRIGGER pong_is_broken")
        let retry = try await run(f, now: "2026-03-05T00:10:00Z")
        #expect(retry.partialFailure == nil)
        #expect(retry.metrics[counter: "pools_finalized"] == 2)
        #expect(try f.int("SELECT COUNT(*) FROM prize_payouts") == 10)
    }

    /// A payout row that exists for a pool still marked active (written by hand, restored from
    /// a backup…) is never doubled: the pool's transaction fails and rolls back.
    @Test func anExistingPayoutIsNeverDoubledEvenForAnActivePool() async throws {
        let f = try ArcadeFixture()
        let odd = try f.pool(game: "pong", date: "2026-03-01", total: 5)
        try f.pool(game: "snake", date: "2026-03-01", total: 7)
        try f.eligibleEntry(
            session: "a", game: "pong", score: 1, date: "2026-03-01", created: "2026-03-01T01:00:00.000Z")
        try f.eligibleEntry(
            session: "b", game: "snake", score: 1, date: "2026-03-01", created: "2026-03-01T01:00:00.000Z")
        try f.execute(
            "INSERT INTO prize_payouts (pool_id, winner_address, amount, created_at) VALUES (?, 'w', 5, 'x')", [odd])
        let result = try await run(f, now: "2026-03-02T00:00:00Z")
        #expect(result.partialFailure?.contains("pong") == true)
        #expect(try f.int("SELECT COUNT(*) FROM prize_payouts WHERE pool_id = ?", [odd]) == 1)
        #expect(try f.int("SELECT COUNT(*) FROM prize_pools WHERE id = ? AND status = 'active'", [odd]) == 1)
        #expect(try f.int("SELECT COUNT(*) FROM prize_payouts") == 2)
    }

    @Test func whenEveryPoolFailsTheRunFails() async throws {
        let f = try ArcadeFixture()
        try f.pool(date: "2026-03-01", total: 0)
        try f.execute("CREATE TRIGGER frozen BEFORE UPDATE ON prize_pools BEGIN SELECT RAISE(ABORT, 'frozen'); END")
        await #expect(throws: JobFailure.self) { _ = try await run(f, now: "2026-03-05T00:00:00Z") }
    }

    @Test func finalizingAnAlreadyFinalizedPoolNeverCreatesASecondPayout() async throws {
        let f = try ArcadeFixture()
        let id = try f.pool(date: "2026-03-01")
        try f.eligibleEntry(session: "s", score: 1, date: "2026-03-01", created: "2026-03-01T01:00:00.000Z")
        let pool = PrizePoolJob.Pool(id: id, game: "snake", periodType: "daily", periodDate: "2026-03-01")
        let db = try ArcadeDatabase(path: f.path)
        let first = try db.writeImmediate { try PrizePoolJob.finalize(pool, finalizedAt: "x", $0) }
        let second = try db.writeImmediate { try PrizePoolJob.finalize(pool, finalizedAt: "y", $0) }
        guard case .finalized = first, case .alreadyFinalized = second else {
            Issue.record("expected finalized then alreadyFinalized, got \(first) and \(second)")
            return
        }
        #expect(try f.int("SELECT COUNT(*) FROM prize_payouts") == 1)
    }

    @Test func concurrentRunsInOneProcessPayEachPoolOnce() async throws {
        let f = try ArcadeFixture()
        for day in 1...28 {
            let date = "2026-02-\(day < 10 ? "0" : "")\(day)"
            for game in ArcadeSchema.games {
                try f.pool(game: game, date: date, total: Int64(day) * 10_000)
                try f.eligibleEntry(
                    session: "\(game)\(date)", game: game, score: Int64(day), date: date,
                    created: "\(date)T05:00:00.000Z")
            }
        }
        let context = f.context(now: "2026-03-02T00:00:00Z")
        let results = try await withThrowingTaskGroup(of: JobResult.self) { group in
            for _ in 0..<4 { group.addTask { try await PrizePoolJob().run(context) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.map { $0.metrics.updated }.reduce(0, +) == 140)
        let paid: Int64 = results.map { $0.metrics[counter: "payout_total"] }.reduce(0, +)
        var expected: Int64 = 0
        for day in 1...28 { expected += 5 * Int64(day) * 10_000 }
        #expect(paid == expected)
        #expect(try f.int("SELECT COUNT(*) FROM prize_payouts") == 140)
        #expect(try f.int("SELECT COUNT(*) FROM prize_pools WHERE status = 'active'") == 0)
    }

    @Test func withoutAppDatabaseTheRunFailsWithOneLine() async throws {
        let context = JobContext(
            appDatabasePath: nil, logger: .init(label: "t"), zone: try Zones.named("UTC"), scheduledAt: nil,
            now: { Date(timeIntervalSince1970: 0) })
        await #expect(throws: ArcadeDatabaseError.self) { _ = try await PrizePoolJob().run(context) }
    }

    @Test func anUnopenableDatabaseIsAOneLineErrorNamingTheFile() throws {
        let path = "/nonexistent-dir-\(UUID().uuidString)/arcade.db"
        do {
            _ = try ArcadeDatabase(path: path)
            Issue.record("opened \(path)")
        } catch {
            let text = "\(error)"
            #expect(text.contains(path))
            #expect(!text.contains("\n"))
        }
    }
}

@Suite("arcade formatting")
struct ArcadeFormattingTests {
    @Test(arguments: [
        (Int64(12_500_000), "12.50 USDC"), (0, "0.00 USDC"), (1, "0.000001 USDC"), (1_000_000, "1.00 USDC"),
        (123_456_789, "123.456789 USDC"), (3_444_000, "3.444 USDC"), (10_000, "0.01 USDC"), (-2_500_000, "-2.50 USDC"),
    ])
    func usdc(micro: Int64, text: String) {
        #expect(USDC.format(micro: micro) == text)
    }

    @Test func shortAddresses() {
        #expect(shortAddress("0x1234567890abcdef1234567890abcdef1234abcd") == "0x1234…abcd")
        #expect(shortAddress("0x12") == "0x12")
    }

    @Test func timestamps() {
        #expect(ArcadeTime.timestamp(instant("2026-03-01T12:34:56.789Z")) == "2026-03-01T12:34:56.789Z")
        #expect(ArcadeTime.timestamp(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
        #expect(
            ArcadeTime.dateString(day: ArcadeTime.monday(onOrBefore: Civil.days(year: 2026, month: 3, day: 8)))
                == "2026-03-02")
        #expect(
            ArcadeTime.dateString(day: ArcadeTime.monday(onOrBefore: Civil.days(year: 2026, month: 3, day: 9)))
                == "2026-03-09")
    }

    @Test(arguments: [
        ("90s", Int64(90_000)), ("30m", 1_800_000), ("1h30m", 5_400_000), ("90d", 7_776_000_000), ("500ms", 500),
    ])
    func durations(text: String, ms: Int64) {
        #expect(DurationText.milliseconds(text) == ms)
    }

    @Test(arguments: ["", "10", "m", "1x", "-5m", "1h 2m"])
    func badDurations(text: String) {
        #expect(DurationText.milliseconds(text) == nil)
    }

    @Test func optionsAreValidatedAgainstTheJobsSpecs() throws {
        let options = try DirectRun.parseOptions(
            ["batch_size=10", "session_expiry=1h", "archive_after=7d"], for: BuiltinJobKind(CleanupJob.self))
        let job = CleanupJob(options: options)
        #expect(
            job.batchSize == 10 && job.sessionExpiryMilliseconds == 3_600_000
                && job.archiveAfterMilliseconds == 604_800_000)
        #expect(throws: DirectRun.OptionError.self) {
            try DirectRun.parseOptions(["batch_size=0"], for: BuiltinJobKind(CleanupJob.self))
        }
        #expect(throws: DirectRun.OptionError.self) {
            try DirectRun.parseOptions(["nope=1"], for: BuiltinJobKind(PrizePoolJob.self))
        }
        #expect(throws: DirectRun.OptionError.self) {
            try DirectRun.parseOptions(["fail_on_anomalies=maybe"], for: BuiltinJobKind(LeaderboardJob.self))
        }
    }

    @Test func registry() {
        let registry = ArcadeJobs.registry
        #expect(registry.make("prizepool", options: [:]) is PrizePoolJob)
        #expect(registry.make("leaderboard", options: [:]) is LeaderboardJob)
        #expect(registry.make("cleanup", options: [:]) is CleanupJob)
        #expect(registry.make("nope", options: [:]) == nil)
        #expect(registry.catalog.named("nope") == nil)
        #expect(registry.catalog.named("prizepool")?.defaultCatchupMilliseconds == 86_400_000)
        #expect(PrizePoolJob.defaultCatchupMilliseconds == 86_400_000)
        #expect(CleanupJob.defaultCatchupMilliseconds == nil)
    }
}
