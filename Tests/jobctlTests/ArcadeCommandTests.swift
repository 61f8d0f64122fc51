import Foundation
import GRDB
import Testing

@Suite("arcade commands", .serialized)
struct ArcadeCommandTests {
    static func count(_ queue: DatabaseQueue, _ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? -1 }
    }

    /// The arcade's writer (another process) inserts a session per transaction while cleanup
    /// runs in small batches: only the targeted rows disappear and the counts add up.
    @Test func cleanupWhileAnotherProcessWritesRemovesOnlyTheTargetedRows() throws {
        let dir = try ArcadeBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("arcade.db").path
        let created = try ArcadeBinary.run([
            "demo-data", "--app-db", db, "--days", "10", "--sessions", "20000", "--seed", "9",
        ])
        try #require(created.status == 0, "demo-data: \(created.stderr)")
        // Whole seconds: `--now` is passed without a fraction, so the test's cutoff must be the
        // job's. With `Date()` a session created in the sub-second gap between the two cutoffs
        // was counted expired here but (rightly) kept by cleanup: "2030 of 2031" once in a while.
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let nowText = ISO8601DateFormatter().string(from: now)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let cutoff = formatter.string(from: now.addingTimeInterval(-1800))

        let queue = try ArcadeBinary.open(db)
        let sessions = try Self.count(queue, "SELECT COUNT(*) FROM game_sessions")
        let completed = try Self.count(queue, "SELECT COUNT(*) FROM game_sessions WHERE status = 'completed'")
        let expired = try Self.count(
            queue, "SELECT COUNT(*) FROM game_sessions WHERE status = 'active' AND created_at < ?", [cutoff])
        let orphans = try Self.count(
            queue,
            "SELECT COUNT(*) FROM leaderboard_entries e WHERE NOT EXISTS (SELECT 1 FROM game_sessions s WHERE s.id = e.session_id)"
        )
        let entries = try Self.count(queue, "SELECT COUNT(*) FROM leaderboard_entries")
        let pools = try queue.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT quote(id) || status || quote(winner_address) || total_amount FROM prize_pools ORDER BY id")
        }
        let payouts = try Self.count(queue, "SELECT COUNT(*) FROM prize_payouts")
        try queue.close()

        let stop = dir.appendingPathComponent("stop").path
        let writer = try DevBinary.start(["_arcade-writer", "--app-db", db, "--seconds", "60", "--stop-file", stop])
        usleep(300_000)
        let cleanup = try DevBinary.run([
            "_run-builtin", "cleanup", "--app-db", db, "--now", nowText, "--option", "batch_size=300", "--log-level",
            "warning",
        ])
        usleep(200_000)
        _ = FileManager.default.createFile(atPath: stop, contents: Data())
        let writerOutput = ArcadeBinary.finish(writer)
        try #require(cleanup.status == 0, "cleanup: \(cleanup.stderr)")
        try #require(writerOutput.status == 0, "writer: \(writerOutput.stderr)")
        let report = try #require(ArcadeBinary.report(cleanup))
        let metrics = try #require(report.metrics)
        struct WriterStats: Decodable { var transactions: Int }
        let inserted = try JSONDecoder().decode(WriterStats.self, from: Data(writerOutput.stdout.utf8)).transactions
        #expect(inserted > 0)

        #expect(metrics.counters["sessions_deleted"] == Int64(expired))
        #expect(metrics.counters["orphans_deleted"] == Int64(orphans))
        let archived = Int(metrics.counters["entries_archived"] ?? -1)
        #expect(archived > 0)
        #expect((metrics.counters["batches"] ?? 0) > 10)

        let after = try ArcadeBinary.open(db)
        #expect(try Self.count(after, "SELECT COUNT(*) FROM game_sessions") == sessions - expired + inserted)
        #expect(try Self.count(after, "SELECT COUNT(*) FROM game_sessions WHERE status = 'completed'") == completed)
        #expect(
            try Self.count(
                after, "SELECT COUNT(*) FROM game_sessions WHERE status = 'active' AND created_at < ?", [cutoff]) == 0)
        #expect(try Self.count(after, "SELECT COUNT(*) FROM leaderboard_entries") == entries - orphans - archived)
        #expect(try Self.count(after, "SELECT COUNT(*) FROM leaderboard_archive") == archived)
        #expect(
            try after.read { db in
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT quote(id) || status || quote(winner_address) || total_amount FROM prize_pools ORDER BY id"
                )
            } == pools)
        #expect(try Self.count(after, "SELECT COUNT(*) FROM prize_payouts") == payouts)
    }

    /// cleanup killed with SIGKILL at random moments: each batch is all or nothing, so no
    /// entry is ever lost or both archived and kept, and a later run finishes the work.
    @Test func cleanupKilledMidWayLosesNothing() throws {
        let dir = try ArcadeBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = dir.appendingPathComponent("original.db").path
        let created = try ArcadeBinary.run([
            "demo-data", "--app-db", original, "--days", "20", "--sessions", "20000", "--seed", "4",
        ])
        try #require(created.status == 0, "demo-data: \(created.stderr)")
        let nowText = ISO8601DateFormatter().string(from: Date())
        var rng = SystemRandomNumberGenerator()
        for iteration in 0..<4 {
            let db = dir.appendingPathComponent("run\(iteration).db").path
            try FileManager.default.copyItem(atPath: original, toPath: db)
            let args = [
                "_run-builtin", "cleanup", "--app-db", db, "--now", nowText, "--log-level", "error",
                "--option", "archive_after=3d", "--option", "batch_size=1000",
            ]
            let victim = try DevBinary.start(args)
            usleep(UInt32.random(in: 20_000...300_000, using: &rng))
            kill(victim.0.processIdentifier, SIGKILL)
            _ = ArcadeBinary.finish(victim)

            let queue = try ArcadeBinary.open(db)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "ATTACH DATABASE ? AS original", arguments: [original])
                // Never both archived and kept; every archived row is the original row.
                #expect(
                    try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM leaderboard_entries e JOIN leaderboard_archive a USING (id)")
                        == 0)
                #expect(
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT COUNT(*) FROM leaderboard_archive a LEFT JOIN original.leaderboard_entries o USING (id)
                            WHERE o.id IS NULL OR o.session_id != a.session_id OR o.score != a.score
                               OR o.period_type != a.period_type OR o.period_date != a.period_date OR o.created_at != a.created_at
                            """) == 0)
                // Every original entry whose session exists is still somewhere.
                #expect(
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT COUNT(*) FROM original.leaderboard_entries o
                            WHERE EXISTS (SELECT 1 FROM original.game_sessions s WHERE s.id = o.session_id AND s.status = 'completed')
                              AND NOT EXISTS (SELECT 1 FROM leaderboard_entries e WHERE e.id = o.id)
                              AND NOT EXISTS (SELECT 1 FROM leaderboard_archive a WHERE a.id = o.id)
                            """) == 0)
                // Completed sessions, pools and payouts untouched.
                #expect(
                    try Int.fetchOne(
                        db,
                        sql:
                            "SELECT (SELECT COUNT(*) FROM original.game_sessions WHERE status = 'completed') - (SELECT COUNT(*) FROM game_sessions WHERE status = 'completed')"
                    ) == 0)
                #expect(
                    try Int.fetchOne(
                        db,
                        sql:
                            "SELECT (SELECT COUNT(*) FROM original.prize_payouts) - (SELECT COUNT(*) FROM prize_payouts)"
                    ) == 0)
                try db.execute(sql: "DETACH DATABASE original")
            }
            try queue.close()
            let rerun = try DevBinary.run(args)
            #expect(rerun.status == 0, "iteration \(iteration): \(rerun.stderr)")
            let finalQueue = try ArcadeBinary.open(db)
            try finalQueue.writeWithoutTransaction { db in
                try db.execute(sql: "ATTACH DATABASE ? AS original", arguments: [original])
                let expected = try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM original.leaderboard_entries o
                        WHERE EXISTS (SELECT 1 FROM original.game_sessions s WHERE s.id = o.session_id AND s.status = 'completed')
                        """)
                let now = try Int.fetchOne(
                    db,
                    sql:
                        "SELECT (SELECT COUNT(*) FROM leaderboard_entries) + (SELECT COUNT(*) FROM leaderboard_archive)"
                )
                #expect(now == expected, "iteration \(iteration)")
                try db.execute(sql: "DETACH DATABASE original")
            }
        }
    }

    @Test func aFailingGameMakesAPartialRunThatExitsOne() throws {
        let dir = try ArcadeBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("arcade.db").path
        #expect(try ArcadeBinary.run(["demo-data", "--app-db", db, "--days", "5", "--sessions", "2000"]).status == 0)
        let queue = try ArcadeBinary.open(db)
        try queue.write { db in
            try db.execute(
                sql:
                    "CREATE TRIGGER no_tetris BEFORE UPDATE ON prize_pools WHEN OLD.game_type = 'tetris' BEGIN SELECT RAISE(ABORT, 'tetris frozen'); END"
            )
        }
        let output = try DevBinary.run(["_run-builtin", "prizepool", "--app-db", db])
        #expect(output.status == 1)
        let report = try #require(ArcadeBinary.report(output))
        #expect(report.status == "partial")
        #expect(report.error?.contains("tetris frozen") == true)
        #expect((report.metrics?.counters["pools_finalized"] ?? 0) > 0)
        #expect(
            try Self.count(
                queue,
                "SELECT COUNT(*) FROM prize_pools WHERE status = 'active' AND game_type != 'tetris' AND period_type = 'daily' AND period_date < date('now')"
            ) == 0)
        // The log has a start line, one line per pool and a summary, on stderr.
        #expect(output.stderr.contains("prizepool: start"))
        #expect(output.stderr.contains("USDC"))
        #expect(output.stderr.contains("prizepool: done"))
    }

    @Test func demoDataRefusesToReplaceADatabaseWithoutForce() throws {
        let dir = try ArcadeBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("arcade.db").path
        #expect(try ArcadeBinary.run(["demo-data", "--app-db", db, "--sessions", "100"]).status == 0)
        let again = try ArcadeBinary.run(["demo-data", "--app-db", db, "--sessions", "100"])
        #expect(again.status != 0)
        #expect(again.stderr.contains(db) && again.stderr.contains("--force"))
        #expect(!again.stderr.contains("\n\n"))
        #expect(try ArcadeBinary.run(["demo-data", "--app-db", db, "--sessions", "100", "--force"]).status == 0)
    }

    @Test func badOptionsAreUsageErrors() throws {
        let bad = try DevBinary.run([
            "_run-builtin", "cleanup", "--app-db", "/nonexistent/x.db", "--option", "batch_size=0",
        ])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("batch_size"))
        let unknown = try DevBinary.run(["_run-builtin", "nope", "--app-db", "x.db"])
        #expect(unknown.status == 2)
        let unopenable = try DevBinary.run(["_run-builtin", "leaderboard", "--app-db", "/nonexistent-dir/x.db"])
        #expect(unopenable.status == 1)
        #expect(unopenable.stderr.contains("/nonexistent-dir/x.db"))
    }
}
