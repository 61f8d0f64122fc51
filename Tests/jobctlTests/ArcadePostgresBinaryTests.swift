import Foundation
import JobctlPostgres
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The arcade on a PostgreSQL APP_DB through the real binaries (issue 11, "Prizepool on
/// PostgreSQL"): demo-data and arcade init there, check, and concurrent prizepool runs from two
/// processes (two nodes) with `kill -9`, judged by independent SQL.
@Suite(.postgresCluster, .serialized) struct ArcadePostgresBinaryTests {
    struct Setup {
        let url: String
        let connection: PostgresConnection
        let directory: URL

        init() throws {
            let cluster = try PostgresTestCluster.require()
            url = try cluster.freshDatabase(prefix: "b_").url
            connection = try PostgresConnection(PostgresConfiguration(url))
            directory = try Binary.temporaryDirectory()
        }

        /// A node's config: its own directory (its own lock files), the shared database as
        /// STATE_DB and APP_DB.
        func config(_ node: String, appDB: String? = nil, extra: String = "") throws -> String {
            let dir = directory.appendingPathComponent(node)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let path = dir.appendingPathComponent("jobs.conf").path
            try "STATE_DB=\(url)\nAPP_DB=\(appDB ?? url)\nLEASE=2s\n\(extra)@daily prizepool\n".write(
                toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        func count(_ sql: String, _ parameters: [PostgresValue?] = []) throws -> Int64 {
            try connection.query(sql, parameters).first?.int64("n") ?? -1
        }
    }

    /// Finalized pools among `$1` whose winner is not the board's top eligible entry, written
    /// here independently of `ArcadeBoard` (window functions; docs/arcade.md's rules).
    static let wrongWinnersSQL = """
        WITH numbered AS (
          SELECT e.*, row_number() OVER (
                   PARTITION BY e.game_type, e.period_type, e.period_date, e.session_id ORDER BY e.id) AS copy
          FROM leaderboard_entries e),
        eligible AS (
          SELECT n.* FROM numbered n JOIN game_sessions s ON s.id = n.session_id AND s.status = 'completed'
          WHERE n.copy = 1 AND n.score >= 0 AND n.player_address ~ '^0x[0-9a-fA-F]{40}$'),
        best AS (
          SELECT * FROM (SELECT *, row_number() OVER (
                 PARTITION BY game_type, period_type, period_date ORDER BY score DESC, created_at, id) AS place
               FROM eligible) x WHERE place = 1)
        SELECT count(*) AS n FROM prize_pools p
        LEFT JOIN best b ON (b.game_type, b.period_type, b.period_date) = (p.game_type, p.period_type, p.period_date)
        WHERE p.id = ANY($1::bigint[]) AND (p.status <> 'finalized'
          OR p.winner_address IS DISTINCT FROM b.player_address OR p.winning_score IS DISTINCT FROM b.score
          OR p.prize_amount IS DISTINCT FROM CASE WHEN b.id IS NULL THEN NULL ELSE p.total_amount END)
        """

    /// Every due pool finalized once, by the right winner, with one payout of its total.
    static func judge(_ setup: Setup, due: String, iteration: Int) throws {
        #expect(try setup.count(wrongWinnersSQL, [.text(due)]) == 0, "iteration \(iteration): wrong or unpaid pools")
        let payouts = try setup.count(
            """
            SELECT count(*) AS n FROM prize_payouts o JOIN prize_pools p ON p.id = o.pool_id
            WHERE p.id = ANY($1::bigint[]) AND o.amount = p.total_amount AND o.winner_address = p.winner_address
            """, [.text(due)])
        let winners = try setup.count(
            "SELECT count(*) AS n FROM prize_pools WHERE id = ANY($1::bigint[]) AND winner_address IS NOT NULL",
            [.text(due)])
        #expect(payouts == winners && winners > 0, "iteration \(iteration): \(payouts) payouts, \(winners) winners")
        let distinct = try setup.count("SELECT count(DISTINCT pool_id) AS n FROM prize_payouts")
        #expect(try setup.count("SELECT count(*) AS n FROM prize_payouts") == distinct)
    }

    /// Puts the due pools back to `active` without payouts, for the next iteration.
    static func reset(_ setup: Setup, due: String) throws {
        try setup.connection.transaction { c in
            try c.execute("DELETE FROM prize_payouts WHERE pool_id = ANY($1::bigint[])", [.text(due)])
            try c.execute(
                """
                UPDATE prize_pools SET status = 'active', winner_address = NULL, winning_score = NULL,
                  prize_amount = NULL, finalized_at = NULL WHERE id = ANY($1::bigint[])
                """, [.text(due)])
        }
    }

    /// What the reaper of a `run` node does to a run whose lease expired (REAP_ABANDON).
    static func reapExpired(_ setup: Setup) throws -> Int {
        try setup.connection.execute(
            """
            UPDATE jobctl_execution SET status = 'abandoned', lease_until = NULL, finished_at = now()
            WHERE status = 'running' AND lease_until < now()
            """)
    }

    @Test func twoNodesTriggeringPrizepoolOnPostgresNeverPayTwiceNorSkipAPoolEvenWithKillMinus9() throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let created = try Binary.run(["demo-data", "--app-db", setup.url, "--days", "30", "--sessions", "3000"])
        try #require(created.status == 0, "demo-data: \(created.stderr)")
        let yesterday = String(ISO8601DateFormatter().string(from: Date().addingTimeInterval(-86_400)).prefix(10))
        let ids = try setup.connection.query(
            "SELECT id FROM prize_pools WHERE status = 'active' AND period_date <= $1 AND period_type = 'daily'",
            [.text(yesterday)]
        ).compactMap { try $0.int64("id") }
        try #require(ids.count > 50)
        let due = "{" + ids.map(String.init).joined(separator: ",") + "}"
        let configs = [try setup.config("a"), try setup.config("b")]
        var killedMidRun = 0
        for iteration in 0..<12 {
            if iteration > 0 { try Self.reset(setup, due: due) }
            // Even iterations: `jobctl trigger` (claims in the state store, PAYOUT_TX fenced);
            // odd ones: `jobctl-dev _run-builtin` (no state store: the pools' own keys alone).
            let runs =
                iteration % 2 == 0
                ? try configs.map { try Binary.start(["trigger", "--config", $0, "prizepool"]) }
                : try (0..<2).map { _ in try DevBinary.start(["_run-builtin", "prizepool", "--app-db", setup.url]) }
            if iteration == 4 { killedMidRun += try Self.killTheRunningOne(setup, runs.map(\.0)) }
            for output in runs.map(Binary.finish) where ![0, 75, SIGKILL].contains(output.status) {
                Issue.record("iteration \(iteration): a run failed (\(output.status)): \(output.stderr)")
            }
            if iteration == 4 {
                // The killed node's lease runs out; a run node would reap it; the next trigger pays the rest.
                usleep(2_300_000)
                #expect(try Self.reapExpired(setup) == 1)
                let final = try Binary.run(["trigger", "--config", configs[1], "prizepool"])
                #expect(final.status == 0, "\(final.stderr)")
            }
            try Self.judge(setup, due: due, iteration: iteration)
        }
        #expect(killedMidRun == 1)
        #expect(try setup.count("SELECT count(*) AS n FROM jobctl_execution WHERE status = 'running'") == 0)
    }

    /// Waits until a trigger holds the run (its row `running`, a few pools paid), then kills
    /// that process with SIGKILL; returns 1 when it did.
    static func killTheRunningOne(_ setup: Setup, _ processes: [Process]) throws -> Int {
        for _ in 0..<400 {
            let pid = try setup.connection.query(
                "SELECT pid AS n FROM jobctl_execution WHERE status = 'running' AND job = 'prizepool'"
            ).first?.int64("n")
            if let pid, let victim = processes.first(where: { Int64($0.processIdentifier) == pid }) {
                kill(victim.processIdentifier, SIGKILL)
                return 1
            }
            usleep(5_000)
        }
        return 0
    }

    @Test func checkAndArcadeInitTakeAPostgresAppDB() throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let config = try setup.config("a")
        let before = try Binary.run(["check", "--config", config])
        #expect(before.status == 2)
        let expected = "jobs.conf:2:8: error: APP_DB: arcade database \(setup.url): has no arcade schema"
        #expect(before.stderr.contains(expected), "\(before.stderr)")
        let initialized = try Binary.run(["arcade", "init", "--app-db", setup.url])
        #expect(initialized.status == 0, "\(initialized.stderr)")
        let after = try Binary.run(["check", "--config", config])
        #expect(after.status == 0, "\(after.stderr)")

        let withPassword = try setup.config("b", appDB: "postgresql://u:secret@127.0.0.1:1/db")
        let refused = try Binary.run(["check", "--config", withPassword])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("jobs.conf:2:8: error: APP_DB: the URL contains a password"))
        // The setting was there: no second error asking for APP_DB.
        #expect(refused.stderr.contains("1 error\n"), "\(refused.stderr)")
    }

    /// APP_DB_PASSWORD_FILE reaches the job's connection, with STATE_DB_PASSWORD_FILE's rules:
    /// a file others can read is refused (the run fails, naming the file), never used.
    @Test func aWorldReadableAppDBPasswordFileIsRefusedByTheRun() throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        #expect(try Binary.run(["arcade", "init", "--app-db", setup.url]).status == 0)
        let secret = setup.directory.appendingPathComponent("app-password").path
        try "pw\n".write(toFile: secret, atomically: true, encoding: .utf8)
        chmod(secret, 0o644)
        let config = try setup.config("a", extra: "APP_DB_PASSWORD_FILE=\(secret)\n")
        let refused = try Binary.run(["trigger", "--config", config, "prizepool"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("app-password"), "\(refused.stderr)")
        chmod(secret, 0o600)
        let trigger = try Binary.run(["trigger", "--config", config, "prizepool"])
        #expect(trigger.status == 0, "\(trigger.stderr)")
    }
}
