import Foundation
import GRDB
import JobctlPostgres
import JobctlPostgresStore
import JobctlStore
import Testing

@testable import JobctlArcade
@testable import JobctlRunning

/// The arcade on a PostgreSQL APP_DB (issue 11, "Configuration"): the same demo data, the same
/// job results as on SQLite, hostile rows failing one pool alone, and `PAYOUT_TX`.
@Suite(.postgresCluster, .serialized) struct ArcadePostgresTests {
    static let now = instant("2026-03-16T00:05:00Z")
    static let options = DemoDataOptions(days: 20, sessions: 3000, seed: 7)

    /// The counters of a run that do not depend on timing.
    static func counters(_ result: JobResult) -> [String: Int64] {
        var counters = result.metrics.counters
        for timing in ["longest_transaction_ms", "longest_lock_wait_ms", "batches"] { counters[timing] = nil }
        counters["processed"] = Int64(result.metrics.processed)
        counters["created"] = Int64(result.metrics.created)
        counters["updated"] = Int64(result.metrics.updated)
        counters["skipped"] = Int64(result.metrics.skipped)
        return counters
    }

    static func tablesAgree(_ pg: ArcadePostgresFixture, _ sqlite: DatabaseQueue) throws {
        for (table, _) in ArcadeSchema.columns {
            let (a, b) = (try pg.dump(table), try ArcadePostgresFixture.dump(table, sqlite: sqlite))
            #expect(a.count == b.count, "\(table): \(a.count) rows on PostgreSQL, \(b.count) on SQLite")
            #expect(a == b, "\(table) differs; first difference: \(zip(a, b).first { $0 != $1 }.map { "\($0)" } ?? "")")
        }
    }

    @Test func demoDataAndTheThreeJobsGiveTheSameRowsOnPostgresAsOnSQLite() async throws {
        let pg = try ArcadePostgresFixture()
        let sqlite = try ArcadeFixture(prepare: { path in
            _ = try DemoData.create(path: path, now: Self.now, options: Self.options)
        })
        let summary = try DemoData.create(url: pg.url, now: Self.now, options: Self.options)
        #expect(summary.sessions == 3000 && summary.activePools > 0 && summary.payouts > 0)
        try Self.tablesAgree(pg, sqlite.queue)
        #expect(try pg.int("SELECT sum(amount_paid) AS n FROM game_sessions") > 0)

        let jobs: [any BuiltinJob] = [PrizePoolJob(), LeaderboardJob(), CleanupJob(batchSize: 50)]
        for job in jobs {
            let onPostgres = try await job.run(pg.context(now: Self.now))
            let onSQLite = try await job.run(sqlite.context(now: "2026-03-16T00:05:00Z"))
            #expect(Self.counters(onPostgres) == Self.counters(onSQLite), "\(type(of: job))")
            #expect(onPostgres.partialFailure == onSQLite.partialFailure)
        }
        // The jobs did work: pools finalized and paid, sessions deleted, entries archived.
        let leftActive = "SELECT count(*) AS n FROM prize_pools WHERE status = 'active' AND period_date < '2026-03-15'"
        #expect(try pg.int(leftActive) == 0)
        #expect(try pg.int("SELECT count(*) AS n FROM leaderboard_archive") > 0)
        try Self.tablesAgree(pg, sqlite.queue)
    }

    /// `PAYOUT_TX`: APP_DB is the state's database and the run was reaped (`abandoned`) before
    /// it paid: each pool's transaction finds the fence gone, rolls back and the run stops.
    /// Without the fence check the run would pay every due pool.
    @Test func aReapedRunPaysNothingMoreWhenAppDBIsTheStateDatabase() async throws {
        let pg = try ArcadePostgresFixture()
        let store = try PostgresTestDatabase.store(pg.name, times: .database)
        _ = try DemoData.create(url: pg.url, now: Self.now, options: DemoDataOptions(days: 5, sessions: 800, seed: 3))
        let start = ExecutionStart(
            job: "prizepool", scheduledFor: nil, startedAt: Self.now, attempt: 1, triggeredBy: .manual, user: "t",
            host: "h", pid: 1)
        let reaped = try #require(try store.claim(start).claim)
        try pg.connection.execute(
            "UPDATE jobctl_execution SET status = 'abandoned', lease_until = NULL, finished_at = now() WHERE id = $1",
            [.int64(reaped.runID)])
        let payouts = try pg.int("SELECT count(*) AS n FROM prize_payouts")
        let active = try pg.int("SELECT count(*) AS n FROM prize_pools WHERE status = 'active'")
        await #expect(throws: JobFailure.self) {
            try await PrizePoolJob().run(pg.context(now: Self.now, fence: store.fence(forRun: reaped.runID)))
        }
        #expect(try pg.int("SELECT count(*) AS n FROM prize_payouts") == payouts)
        #expect(try pg.int("SELECT count(*) AS n FROM prize_pools WHERE status = 'active'") == active)

        // The same run with its lease held pays (the setup could pay).
        let live = try #require(try store.claim(start).claim)
        let result = try await PrizePoolJob().run(pg.context(now: Self.now, fence: store.fence(forRun: live.runID)))
        #expect(result.metrics.created > 0)
        #expect(try pg.int("SELECT count(*) AS n FROM prize_payouts") == payouts + Int64(result.metrics.created))
    }

    /// Rows PostgreSQL's types still allow: a negative total, totals whose sum overflows Int64,
    /// a board whose only entry is flagged, a malformed period date. Each fails its pool alone.
    @Test func negativeAndOverflowingAmountsOnPostgresFailOnePoolAlone() async throws {
        let pg = try ArcadePostgresFixture()
        #expect(try ArcadePostgresDatabase.initialize(url: pg.url))
        let day = "2026-03-15"
        let t = "2026-03-15T10:00:00.000Z"
        let games: [(String, Int64, String)] = [
            ("breakout", Int64.max, ArcadeFixture.player(1)), ("pong", 1, ArcadeFixture.player(2)),
            ("tetris", -5, ArcadeFixture.player(3)), ("space_invaders", 3, "0xnot-an-address"),
        ]
        for (i, (game, total, player)) in games.enumerated() {
            try pg.connection.execute(
                "INSERT INTO game_sessions VALUES ($1, $2, $3, 'completed', 10000, 50, $4, $4)",
                [.text("s\(i)"), .text(game), .text(player), .text(t)])
            try pg.connection.execute(
                """
                INSERT INTO leaderboard_entries
                  (session_id, game_type, player_address, score, period_type, period_date, created_at)
                VALUES ($1, $2, $3, 50, 'daily', $4, $5)
                """, [.text("s\(i)"), .text(game), .text(player), .text(day), .text(t)])
            try pg.connection.execute(
                """
                INSERT INTO prize_pools (game_type, period_type, period_date, total_amount, status)
                VALUES ($1, 'daily', $2, $3, 'active')
                """,
                [.text(game), .text(day), .int64(total)])
        }
        try pg.connection.execute(
            """
            INSERT INTO prize_pools (game_type, period_type, period_date, total_amount, status)
            VALUES ('snake', 'weekly', 'not-a-date', 7, 'active')
            """)
        let result = try await PrizePoolJob().run(pg.context(now: Self.now))
        let error = try #require(result.partialFailure)
        #expect(result.metrics[counter: "pools_finalized"] == 1)
        #expect(result.metrics[counter: "pools_failed"] == 4)
        #expect(result.metrics[counter: "payout_total"] == Int64.max)
        #expect(error.contains("would overflow") && error.contains("INTEGER -5") && error.contains("not a YYYY-MM-DD"))
        #expect(error.contains("malformed_address=1"))
        #expect(try pg.int("SELECT count(*) AS n FROM prize_payouts") == 1)
        #expect(try pg.int("SELECT count(*) AS n FROM prize_pools WHERE status = 'active'") == 4)
    }

    /// The schema of `arcade init` beside the state's tables; a foreign table is refused.
    @Test func arcadeInitOnPostgresLeavesTheStateTablesAndRefusesAnotherApplicationsTables() throws {
        let pg = try ArcadePostgresFixture()
        _ = try PostgresTestDatabase.store(pg.name)
        #expect(try ArcadePostgresDatabase.initialize(url: pg.url))
        #expect(try !ArcadePostgresDatabase.initialize(url: pg.url))
        #expect(try ArcadePostgresDatabase(url: pg.url, requireSchema: true).schemaCheck().missingIndexes.isEmpty)

        let other = try ArcadePostgresFixture()
        try other.connection.execute("CREATE TABLE invoices (id bigint)")
        #expect(throws: ArcadeDatabaseError.self) { try ArcadePostgresDatabase.initialize(url: other.url) }
        try other.connection.execute("CREATE TABLE prize_pools (id text)")
        let check = try ArcadePostgresDatabase(url: other.url, requireSchema: false).schemaCheck()
        #expect(check.problem?.contains("missing table") == true)
    }
}
