import Foundation
import GRDB
import Testing

/// Two concurrent `jobctl _run-builtin prizepool` processes, one (or, every other iteration,
/// both) killed with SIGKILL at a random moment, then a final run: every ended pool is finalized exactly once, its winner is
/// the top scorer (found here with a different query), and there is one payout per pool with
/// a winner — never two.
@Suite("arcade exactly-once", .serialized)
struct ArcadeExactlyOnceTests {
    static let iterations = 15
    /// Under a loaded machine the timing that makes runs race or die mid-run is rarer: the test
    /// goes on past `iterations` (up to this many) until it has seen each case it must cover.
    static let maxIterations = 60

    @Test func concurrentRunsAndKillMinus9NeverPayTwiceNorSkipAPool() throws {
        let dir = try ArcadeBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let template = dir.appendingPathComponent("template.db").path
        let created = try ArcadeBinary.run([
            "demo-data", "--app-db", template, "--days", "60", "--sessions", "12000", "--seed", "5",
        ])
        try #require(created.status == 0, "demo-data: \(created.stderr)")
        // The runs' clock: the real now, fixed, so this test's own date arithmetic agrees.
        let formatter = ISO8601DateFormatter()
        let nowText = formatter.string(from: Date())
        let today = String(nowText.prefix(10))

        var rng = SystemRandomNumberGenerator()
        var killedMidRun = 0
        var overlapped = 0  // iterations where a run found pools the other had just finalized
        var finishedByFinalRun = 0  // iterations where the final run still had work (after the kill)
        var ran = 0
        for iteration in 0..<Self.maxIterations {
            let covered = killedMidRun > ran / 3 && overlapped > 0 && finishedByFinalRun > 0
            if ran >= Self.iterations && covered { break }
            ran += 1
            let db = dir.appendingPathComponent("run\(iteration).db").path
            try FileManager.default.copyItem(atPath: template, toPath: db)
            let args = ["_run-builtin", "prizepool", "--app-db", db, "--now", nowText, "--log-level", "error"]
            let a = try DevBinary.start(args)
            let b = try DevBinary.start(args)
            usleep(UInt32.random(in: 0...300_000, using: &rng))
            // Odd iterations kill both runs (a crash of the only run), at different moments.
            var victims = Bool.random(using: &rng) ? [a.0, b.0] : [b.0, a.0]
            if iteration % 2 == 0 { victims.removeLast() }
            for (i, victim) in victims.enumerated() {
                if i > 0 { usleep(UInt32.random(in: 0...80_000, using: &rng)) }
                if victim.isRunning {
                    kill(victim.processIdentifier, SIGKILL)
                    killedMidRun += 1
                }
            }
            let outputs = [ArcadeBinary.finish(a), ArcadeBinary.finish(b)]
            for output in outputs where output.status != 0 && output.status != SIGKILL {
                // A survivor must succeed (SIGKILL shows as status 9 with reason uncaughtSignal).
                Issue.record("iteration \(iteration): a run failed: \(output.stderr)")
            }
            if outputs.contains(where: { ($0.status == 0 ? ArcadeBinary.report($0)?.metrics?.skipped ?? 0 : 0) > 0 }) {
                overlapped += 1
            }
            let final = try DevBinary.run(args)
            #expect(final.status == 0, "iteration \(iteration): final run: \(final.stderr)")
            if (ArcadeBinary.report(final)?.metrics?.updated ?? 0) > 0 { finishedByFinalRun += 1 }
            try Self.verify(db, today: today, iteration: iteration)
            try? FileManager.default.removeItem(atPath: db)
            try? FileManager.default.removeItem(atPath: db + "-wal")
            try? FileManager.default.removeItem(atPath: db + "-shm")
        }
        // Most kills should land while a run is still working (else the test proves little).
        #expect(killedMidRun > ran / 3)
        #expect(overlapped > 0, "the two runs never raced for a pool")
        #expect(finishedByFinalRun > 0, "no crash ever left work for the final run")
        print(
            "exactly-once: \(killedMidRun) kills while running, \(overlapped) races seen, final run had work in \(finishedByFinalRun) of \(ran)"
        )
    }

    static func verify(_ path: String, today: String, iteration: Int) throws {
        let queue = try ArcadeBinary.open(path)
        try queue.read { db in
            let leftActive =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM prize_pools WHERE status = 'active'
                          AND ((period_type = 'daily' AND period_date < :today)
                            OR (period_type = 'weekly' AND date(period_date, '+7 days') <= :today))
                        """, arguments: ["today": today]) ?? -1
            #expect(leftActive == 0, "iteration \(iteration): ended pools left active")
            let finalizedTooEarly =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM prize_pools WHERE status = 'finalized'
                          AND ((period_type = 'daily' AND period_date >= :today)
                            OR (period_type = 'weekly' AND date(period_date, '+7 days') > :today))
                        """, arguments: ["today": today]) ?? -1
            #expect(finalizedTooEarly == 0)
            // Never two payouts for a pool, whatever the schema says.
            let doubled =
                try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM (SELECT pool_id FROM prize_payouts GROUP BY pool_id HAVING COUNT(*) > 1)"
                ) ?? -1
            #expect(doubled == 0, "iteration \(iteration): a pool was paid twice")
            // One payout per finalized pool with a winner, none for the others.
            let withWinner =
                try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM prize_pools WHERE status = 'finalized' AND winner_address IS NOT NULL")
                ?? -1
            let payouts = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prize_payouts") ?? -2
            #expect(withWinner == payouts)
            let mismatched =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM prize_pools p LEFT JOIN prize_payouts y ON y.pool_id = p.id
                        WHERE p.status = 'finalized' AND (
                          (p.winner_address IS NOT NULL AND (y.id IS NULL OR y.winner_address != p.winner_address OR y.amount != p.total_amount))
                          OR (p.winner_address IS NULL AND y.id IS NOT NULL))
                        """) ?? -1
            #expect(mismatched == 0)
            // The winner, found independently: an eligible entry of the board that no other
            // eligible entry beats (flagged entries never win).
            let wrongWinner = try Int.fetchOne(db, sql: ArcadeBinary.wrongWinnersSQL) ?? -1
            #expect(wrongWinner == 0, "iteration \(iteration): a wrong winner")
        }
    }
}
