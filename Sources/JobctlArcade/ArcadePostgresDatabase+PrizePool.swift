import Foundation
import JobctlPostgres

/// `prizepool`'s SQL on PostgreSQL. One transaction per pool (`PAYOUT_TX` when fenced): the
/// pool row is locked (`FOR UPDATE`) while still `active`, so a concurrent run waits and then
/// finds it finalized (skipped); the update again requires `status = 'active'`, and
/// `prize_payouts.pool_id` is UNIQUE.
extension ArcadePostgresDatabase: PrizePoolDatabase {
    func duePools(lastDaily: String, lastWeekly: String, seenBefore: Date) throws -> (
        due: [PrizePoolJob.Due], seen: Int64
    ) {
        let from = ArcadeTime.timestamp(seenBefore.addingTimeInterval(-86_400))
        let to = ArcadeTime.timestamp(seenBefore)
        return try read { c in
            let due = try c.query(
                """
                SELECT id, game_type, period_type, period_date FROM prize_pools
                WHERE status = 'active'
                  AND ((period_type = 'daily' AND period_date <= $1) OR (period_type = 'weekly' AND period_date <= $2)
                    OR period_type NOT IN ('daily', 'weekly') OR period_date !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$')
                ORDER BY game_type, period_date, period_type
                """, [.text(lastDaily), .text(lastWeekly)]
            ).map(Self.decodePool)
            let seen = try c.query(
                """
                SELECT count(*) AS n FROM game_sessions
                WHERE status = 'completed' AND created_at >= $1 AND created_at < $2
                """, [.text(from), .text(to)]
            ).first?.int64("n")
            return (due, seen ?? 0)
        }
    }

    /// The columns are typed by the schema check (bigint id, text names); a value that still
    /// cannot be read makes the pool malformed, never a crash.
    static func decodePool(_ row: PostgresRow) -> PrizePoolJob.Due {
        guard let id = try? row.int64("id") else {
            let shown = (try? row.string("id")) ?? "NULL"
            return .malformed(label: "pool with id \(shown)", reason: "id is not an integer")
        }
        let label = "pool \(id)"
        let game = try? row.string("game_type")
        let type = try? row.string("period_type")
        let date = try? row.string("period_date")
        guard let game else { return .malformed(label: label, reason: "game_type is NULL, not text") }
        guard let type, type == "daily" || type == "weekly" else {
            return .malformed(label: label, reason: "period_type is \(quoted(type)), not 'daily' or 'weekly'")
        }
        guard let date, ArcadeTime.isDateString(date) else {
            return .malformed(label: label, reason: "period_date is \(quoted(date)), not a YYYY-MM-DD date")
        }
        return .pool(PrizePoolJob.Pool(id: id, game: game, periodType: type, periodDate: date))
    }

    static func quoted(_ text: String?) -> String {
        text.map { "TEXT '\($0.escapedForMessage(limit: 40))'" } ?? "NULL"
    }

    func finalize(_ pool: PrizePoolJob.Pool, finalizedAt: String, paidSoFar: Int64) throws -> PrizePoolJob.PoolOutcome {
        try write { c in try Self.finalize(pool, finalizedAt: finalizedAt, paidSoFar: paidSoFar, c) }
    }

    /// The same steps and decisions as SQLite's `PrizePoolJob.finalize`, inside the caller's transaction.
    static func finalize(
        _ pool: PrizePoolJob.Pool, finalizedAt: String, paidSoFar: Int64, _ c: PostgresConnection
    ) throws -> PrizePoolJob.PoolOutcome {
        guard
            let row = try c.query(
                "SELECT total_amount FROM prize_pools WHERE id = $1 AND status = 'active' FOR UPDATE", [.int64(pool.id)]
            ).first
        else { return .alreadyFinalized }
        let total = try? row.int64("total_amount")
        guard let total, total >= 0 else {
            let described = (try? row.string("total_amount")).map { "INTEGER \($0)" } ?? "NULL"
            return .refused(reason: PrizePoolJob.badTotal(described), board: nil)
        }
        let board = try ArcadeBoard.winner(c, game: pool.game, period: pool.periodType, date: pool.periodDate)
        let payoutTotal: Int64
        switch PrizePoolJob.judge(total: total, board: board, paidSoFar: paidSoFar) {
        case .refused(let reason): return .refused(reason: reason, board: board)
        case .pay(let sum): payoutTotal = sum
        }
        let winner = board.winner
        let updated = try c.execute(
            """
            UPDATE prize_pools
            SET status = 'finalized', winner_address = $1, winning_score = $2, prize_amount = $3, finalized_at = $4
            WHERE id = $5 AND status = 'active'
            """,
            [
                winner.map { .text($0.address) }, winner.map { .int64($0.score) },
                winner == nil ? nil : .int64(total), .text(finalizedAt), .int64(pool.id),
            ])
        guard updated == 1 else { return .alreadyFinalized }
        if let winner {
            try c.execute(
                "INSERT INTO prize_payouts (pool_id, winner_address, amount, created_at) VALUES ($1, $2, $3, $4)",
                [.int64(pool.id), .text(winner.address), .int64(total), .text(finalizedAt)])
        }
        return .finalized(winner: winner, prize: winner == nil ? 0 : total, payoutTotal: payoutTotal, board: board)
    }

    func archivedEntries(of pool: PrizePoolJob.Pool) throws -> Int64 {
        try read { c in
            try c.query(
                """
                SELECT count(*) AS n FROM leaderboard_archive
                WHERE game_type = $1 AND period_type = $2 AND period_date = $3
                """, [.text(pool.game), .text(pool.periodType), .text(pool.periodDate)]
            ).first?.int64("n") ?? 0
        }
    }
}
