import Foundation
import GRDB
import Logging

/// `prizepool`: finalizes every ended prize pool that is still `active`.
///
/// A daily pool has ended when its date is before today; a weekly pool (dated by its Monday)
/// when its date is at least seven days before today — "today" being the calendar date of
/// `context.now()` in the job's zone. So a run just after midnight finalizes yesterday's daily
/// pools, on Monday also last week's weekly pools, and any older ones a missed run left.
///
/// Exactly once: each pool is finalized in its own `BEGIN IMMEDIATE` transaction that picks
/// the winner, sets the pool `finalized` only `WHERE status = 'active'`, and inserts the
/// payout only when that update changed a row. Two concurrent runs serialize on the write
/// lock and the loser sees `status = 'finalized'` (skipped); a crash rolls the transaction
/// back, leaving the pool `active` for the next run. `prize_payouts.pool_id UNIQUE` is the
/// last line of defence.
///
/// Winner: highest score, then earliest `created_at`, then lowest entry `id`. A pool with no
/// entries is finalized with no winner, no prize amount and no payout.
///
/// When a pool of one game fails, the game's remaining pools are left for the next run and
/// the other games go on; the run is then partial.
public struct PrizePoolJob: BuiltinJob {
    public static let name = "prizepool"
    public static let summary = "finalizes ended prize pools and creates their payouts, exactly once"
    public static let options: [JobOptionSpec] = []
    public static let defaultCatchupMilliseconds: Int64? = 86_400_000

    public init(options: [String: JobOptionValue]) {}

    public init() {}

    struct Pool: Sendable {
        var id: Int64
        var game: String
        var periodType: String
        var periodDate: String
    }

    enum Outcome {
        case finalized(winner: String?, score: Int64?, prize: Int64)
        case alreadyFinalized
    }

    public func run(_ context: JobContext) async throws -> JobResult {
        let started = context.now()
        let logger = context.logger
        let database = try ArcadeDatabase.open(context, job: Self.name)
        let today = ArcadeTime.localDay(of: started, in: context.timeZone)
        let lastDaily = ArcadeTime.dateString(day: today - 1)
        let lastWeekly = ArcadeTime.dateString(day: today - 7)
        logger.info(
            "prizepool: start — finalizing daily pools up to \(lastDaily) and weekly pools up to \(lastWeekly) (\(context.timeZone.identifier))"
        )

        let pools: [Pool] = try database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, game_type, period_type, period_date FROM prize_pools
                    WHERE status = 'active'
                      AND ((period_type = 'daily' AND period_date <= ?)
                        OR (period_type = 'weekly' AND period_date <= ?))
                    ORDER BY game_type, period_date, period_type
                    """,
                arguments: [lastDaily, lastWeekly]
            ).map { row in
                Pool(id: row[0], game: row[1], periodType: row[2], periodDate: row[3])
            }
        }

        var metrics = JobMetrics()
        metrics[counter: "pools_finalized"] = 0
        metrics[counter: "pools_without_winner"] = 0
        metrics[counter: "payout_total"] = 0
        metrics[counter: "pools_failed"] = 0
        var failures: [String] = []
        var failedGames: Set<String> = []

        for pool in pools {
            try context.checkCancellation()
            metrics.processed += 1
            if failedGames.contains(pool.game) {
                metrics[counter: "pools_failed"] += 1
                continue
            }
            let finalizedAt = ArcadeTime.timestamp(context.now())
            let outcome: Outcome
            do {
                outcome = try database.writeImmediate { db in
                    try Self.finalize(pool, finalizedAt: finalizedAt, db)
                }
            } catch {
                failedGames.insert(pool.game)
                metrics[counter: "pools_failed"] += 1
                let reason = "\(pool.game) \(pool.periodType) \(pool.periodDate): \(error)"
                failures.append(reason)
                logger.error("prizepool: failed \(reason); the rest of \(pool.game) is left for the next run")
                continue
            }
            switch outcome {
            case .alreadyFinalized:
                metrics.skipped += 1
                logger.info("prizepool: \(pool.game) \(pool.periodType) \(pool.periodDate) already finalized, skipped")
            case .finalized(let winner?, let score, let prize):
                metrics.updated += 1
                metrics.created += 1
                metrics[counter: "pools_finalized"] += 1
                metrics[counter: "payout_total"] += prize
                logger.info(
                    "prizepool: finalized \(pool.game) \(pool.periodType) \(pool.periodDate): winner \(shortAddress(winner)) score \(score ?? 0), prize \(USDC.format(micro: prize))"
                )
            case .finalized(nil, _, _):
                metrics.updated += 1
                metrics[counter: "pools_finalized"] += 1
                metrics[counter: "pools_without_winner"] += 1
                logger.info("prizepool: finalized \(pool.game) \(pool.periodType) \(pool.periodDate): no entries, no winner")
            }
        }

        let elapsed = Int((context.now().timeIntervalSince(started) * 1000).rounded())
        logger.info(
            "prizepool: done — \(metrics[counter: "pools_finalized"]) pools finalized (\(metrics[counter: "pools_without_winner"]) without winner), \(metrics.created) payouts totalling \(USDC.format(micro: metrics[counter: "payout_total"])), \(metrics.skipped) already finalized, \(metrics[counter: "pools_failed"]) failed, in \(elapsed) ms"
        )
        if failures.isEmpty {
            return JobResult(metrics: metrics)
        }
        let message = "prizepool: \(failedGames.count) of \(Set(pools.map(\.game)).count) games failed: " + failures.joined(separator: "; ")
        if metrics.updated + metrics.skipped == 0 {
            throw JobFailure(message, metrics: metrics)
        }
        return JobResult(metrics: metrics, partialFailure: message)
    }

    /// Finalizes one pool inside the caller's IMMEDIATE transaction.
    static func finalize(_ pool: Pool, finalizedAt: String, _ db: Database) throws -> Outcome {
        guard
            let total = try Int64.fetchOne(
                db, sql: "SELECT total_amount FROM prize_pools WHERE id = ? AND status = 'active'",
                arguments: [pool.id])
        else {
            return .alreadyFinalized
        }
        let top = try Row.fetchOne(
            db,
            sql: """
                SELECT player_address, score FROM leaderboard_entries
                WHERE game_type = ? AND period_type = ? AND period_date = ?
                ORDER BY score DESC, created_at ASC, id ASC
                LIMIT 1
                """,
            arguments: [pool.game, pool.periodType, pool.periodDate])
        let winner: String? = top?[0]
        let score: Int64? = top?[1]
        try db.execute(
            sql: """
                UPDATE prize_pools
                SET status = 'finalized', winner_address = ?, winning_score = ?, prize_amount = ?,
                    finalized_at = ?
                WHERE id = ? AND status = 'active'
                """,
            arguments: [winner, score, winner == nil ? nil : total, finalizedAt, pool.id])
        guard db.changesCount == 1 else { return .alreadyFinalized }
        if let winner {
            try db.execute(
                sql: """
                    INSERT INTO prize_payouts (pool_id, winner_address, amount, created_at)
                    VALUES (?, ?, ?, ?)
                    """,
                arguments: [pool.id, winner, total, finalizedAt])
        }
        return .finalized(winner: winner, score: score, prize: winner == nil ? 0 : total)
    }
}
