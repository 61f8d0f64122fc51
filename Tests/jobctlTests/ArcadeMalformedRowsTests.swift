import Foundation
import GRDB
import Testing

/// Issue 9's test: a demo database seeded with malformed rows of every kind. `jobctl trigger`
/// (the real binary) never dies: each bad pool fails alone with its reason (run `partial`),
/// every other ended pool is finalized, and each winner is the one an independent query
/// finds.
@Suite("arcade malformed rows", .serialized)
struct ArcadeMalformedRowsTests {
    /// What was done to which pool, and whether that pool must fail.
    struct Seeded {
        var failing: [Int64: String] = [:]
        var finalizedDespite: [Int64] = []
    }

    @Test func malformedRowsOfEveryKindFailOnlyTheirPool() throws {
        let dir = try ArcadeBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("arcade.db").path
        let created = try ArcadeBinary.run([
            "demo-data", "--app-db", db, "--days", "10", "--sessions", "6000", "--seed", "3",
        ])
        try #require(created.status == 0, "demo-data: \(created.stderr)")
        let config = dir.appendingPathComponent("jobs.conf")
        try "APP_DB=arcade.db\n0 0 * * * prizepool\n0 * * * * leaderboard\n".write(
            to: config, atomically: true, encoding: .utf8)
        let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))

        let queue = try ArcadeBinary.open(db)
        let seeded = try queue.write { db in try Self.seed(db, today: today) }
        let due = try Self.count(queue, Self.endedActivePools, today)

        let trigger = try Binary.run(["trigger", "--config", config.path, "prizepool"])
        #expect(trigger.status == 1, "\(trigger.stderr)")
        let rows = try historyRows(dir.appendingPathComponent("jobctl.db").path)
        #expect(rows.map(\.status) == ["partial"])
        let error = try #require(rows.first?.error)
        for (_, reason) in seeded.failing { #expect(error.contains(reason), "missing '\(reason)' in \(error)") }
        let metrics = try Self.metrics(dir.appendingPathComponent("jobctl.db").path)
        #expect(metrics.counters["pools_due"] == Int64(due))
        #expect(metrics.counters["pools_failed"] == Int64(seeded.failing.count))
        #expect(metrics.counters["pools_finalized"] == Int64(due - seeded.failing.count))

        // The failing pools are still active and unpaid; every other ended pool is done.
        let ids = seeded.failing.keys.map(String.init).joined(separator: ",")
        let despite = seeded.finalizedDespite.map(String.init).joined(separator: ",")
        let counts = try queue.read { db in
            try [
                "SELECT COUNT(*) FROM prize_pools WHERE id IN (\(ids)) AND status = 'active'",
                "SELECT COUNT(*) FROM prize_payouts WHERE pool_id IN (\(ids))",
                Self.endedActivePools,
                ArcadeBinary.wrongWinnersSQL,
                """
                SELECT COUNT(*) FROM prize_pools p LEFT JOIN prize_payouts y ON y.pool_id = p.id
                WHERE p.status = 'finalized' AND (y.id IS NULL OR y.amount IS NOT p.total_amount
                  OR y.winner_address IS NOT p.winner_address)
                """,
                "SELECT COUNT(*) FROM prize_pools WHERE id IN (\(despite)) AND status = 'finalized'",
            ].map { sql in try Int.fetchOne(db, sql: sql, arguments: sql == Self.endedActivePools ? [today] : []) ?? -1
            }
        }
        #expect(counts[0] == seeded.failing.count)
        #expect(counts[1] == 0)
        #expect(counts[2] == seeded.failing.count)
        #expect(counts[3] == 0, "a winner differs from the independent query's")
        #expect(counts[4] == 0, "a finalized pool without its payout of the total")
        #expect(counts[5] == seeded.finalizedDespite.count)

        // leaderboard reads the same rows: it reports them and lives on.
        let board = try DevBinary.run(["_run-builtin", "leaderboard", "--app-db", db, "--log-level", "error"])
        let report = try #require(ArcadeBinary.report(board), "\(board.stderr)")
        #expect(report.status == "partial")
        #expect(report.error?.contains("game_type BLOB of 5 bytes") == true)
        #expect((report.metrics?.counters["anomalies_malformed_score"] ?? 0) >= 3)
        #expect((report.metrics?.counters["anomalies_malformed_address"] ?? 0) >= 1)
        #expect((report.metrics?.counters["anomalies_duplicate_session"] ?? 0) >= 1)
    }

    static let endedActivePools = """
        SELECT COUNT(*) FROM prize_pools WHERE status = 'active'
          AND ((period_type = 'daily' AND period_date < ?1)
            OR (period_type = 'weekly' AND date(period_date, '+7 days') <= ?1)
            OR typeof(game_type) != 'text' OR date(period_date) IS NOT period_date)
        """

    static func count(_ queue: DatabaseQueue, _ sql: String, _ today: String) throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: sql, arguments: [today]) ?? -1 }
    }

    static func metrics(_ state: String) throws -> ArcadeBinary.Report.Metrics {
        let queue = try DatabaseQueue(path: state)
        let text = try queue.read { db in try String.fetchOne(db, sql: "SELECT metrics FROM job_executions") } ?? ""
        return try JSONDecoder().decode(ArcadeBinary.Report.Metrics.self, from: Data(text.utf8))
    }

    /// Corrupts distinct ended daily pools (and their boards) one way each.
    static func seed(_ db: Database, today: String) throws -> Seeded {
        var seeded = Seeded()
        let pools = try Row.fetchAll(
            db,
            sql: """
                SELECT id, game_type, period_date FROM prize_pools
                WHERE status = 'active' AND period_type = 'daily' AND period_date < ? ORDER BY id LIMIT 12
                """,
            arguments: [today])
        try #require(pools.count == 12)
        func pool(_ i: Int) -> (id: Int64, game: String, date: String) {
            (pools[i]["id"], pools[i]["game_type"], pools[i]["period_date"])
        }
        func label(_ i: Int) -> String { "\(pool(i).game) daily \(pool(i).date)" }
        func board(_ i: Int) -> String {
            "game_type = '\(pool(i).game)' AND period_type = 'daily' AND period_date = '\(pool(i).date)'"
        }
        // Money read strictly.
        for (i, (value, text)) in [
            ("12.75", "REAL 12.75"), ("'12.50 USDC'", "TEXT '12.50 USDC'"), ("'abc'", "TEXT 'abc'"),
            ("-5", "INTEGER -5"),
        ].enumerated() {
            try db.execute(sql: "UPDATE prize_pools SET total_amount = \(value) WHERE id = ?", arguments: [pool(i).id])
            seeded.failing[pool(i).id] = "\(label(i)): total_amount is \(text), not an exact non-negative integer"
        }
        // A board archived away, and a board where every entry is flagged.
        try db.execute(
            sql:
                "INSERT INTO leaderboard_archive SELECT *, 'x' FROM leaderboard_entries WHERE \(board(4)); DELETE FROM leaderboard_entries WHERE \(board(4))"
        )
        seeded.failing[pool(4).id] = "\(label(4)): total_amount is"
        try db.execute(sql: "UPDATE leaderboard_entries SET score = -1 WHERE \(board(5))")
        seeded.failing[pool(5).id] = "\(label(5)): total_amount is"
        // Pools whose own columns are malformed.
        try db.execute(
            sql:
                "INSERT INTO prize_pools (game_type, period_type, period_date, total_amount, status) VALUES (x'0102', 'daily', '2020-01-01', 5, 'active')"
        )
        seeded.failing[db.lastInsertedRowID] = "pool \(db.lastInsertedRowID): game_type is BLOB of 2 bytes, not text"
        try db.execute(
            sql:
                "INSERT INTO prize_pools (game_type, period_type, period_date, total_amount, status) VALUES ('pong', 'daily', '2020-1-1', 5, 'active')"
        )
        seeded.failing[db.lastInsertedRowID] = "pool \(db.lastInsertedRowID): period_date is TEXT '2020-1-1'"
        // Boards whose best entries are flagged, one anomaly each: their pools are paid to the
        // top eligible entry.
        func top(_ i: Int) -> String {
            "(SELECT MAX(score) FROM leaderboard_entries WHERE \(board(i)) AND typeof(score) = 'integer') + 1000"
        }
        let insert =
            "INSERT INTO leaderboard_entries (session_id, game_type, player_address, score, period_type, period_date, created_at)"
        func best(_ i: Int) -> String {
            "(SELECT id FROM leaderboard_entries WHERE \(board(i)) AND typeof(score) = 'integer' ORDER BY score DESC, created_at, id LIMIT 1)"
        }
        for score in ["'zzz'", "x'ff'", "1e30"] {
            try db.execute(sql: "UPDATE leaderboard_entries SET score = \(score) WHERE id = \(best(6))")
        }
        try db.execute(
            sql:
                "\(insert) SELECT session_id, game_type, player_address, \(top(7)), period_type, period_date, created_at FROM leaderboard_entries WHERE \(board(7)) ORDER BY id LIMIT 1"
        )
        try db.execute(
            sql:
                "\(insert) SELECT 'no-such-session', game_type, player_address, \(top(8)), period_type, period_date, created_at FROM leaderboard_entries WHERE \(board(8)) LIMIT 1"
        )
        try db.execute(sql: "UPDATE leaderboard_entries SET player_address = '0xnothex' WHERE id = \(best(9))")
        try db.execute(
            sql:
                "UPDATE game_sessions SET status = 'active' WHERE id = (SELECT session_id FROM leaderboard_entries WHERE id = \(best(10)))"
        )
        // An entry whose game can't be named, and copies of an alltime entry (a board that
        // leaderboard checks) with malformed scores and a malformed address.
        try db.execute(sql: "\(insert) VALUES ('s', x'0102030405', '0x00', 1, 'daily', ?, 'x')", arguments: [today])
        for (score, address) in [
            ("'abc'", "player_address"), ("x'ff'", "player_address"), ("1e30", "player_address"), ("1", "'0xnothex'"),
        ] {
            try db.execute(
                sql: """
                    \(insert) SELECT session_id, game_type, \(address), \(score), period_type, period_date, created_at
                    FROM leaderboard_entries WHERE period_type = 'alltime' ORDER BY id LIMIT 1
                    """)
        }
        seeded.finalizedDespite = (6...11).map { pool($0).id }
        return seeded
    }
}
