import Foundation
import GRDB
import JobctlConfig
import JobctlRunning
import JobctlStore
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
/// Winner: the board's top *eligible* entry (`ArcadeBoard`: the anomaly rules shared with
/// `leaderboard`; highest score, then earliest `created_at`, then lowest entry `id`). Flagged
/// entries are never paid; they are counted in `entries_excluded` and logged.
///
/// Money is read strictly: `total_amount` counts only when stored as an INTEGER ≥ 0. A pool
/// is refused — left `active`, nothing written, the reason in the run's error — when its
/// total is anything else, when its total is above 0 and no entry is eligible (for example
/// because cleanup archived them, or all are flagged), or when adding its prize to this run's
/// `payout_total` would overflow Int64 (checked inside the transaction, before the commit, so
/// no payout is ever made that the run cannot count; the next run starts from 0 and pays it).
/// A pool with total 0 and no eligible entry is finalized with no winner and no payout. A due
/// pool whose game, period type or date is malformed fails alone the same way.
///
/// Every pool stands alone: one that fails leaves the others to go on; the run is then
/// `partial`, or `failed` when no due pool could be finalized or skipped.
public struct PrizePoolJob: BuiltinJob {
    public static let name = "prizepool"
    public static let summary = "finalizes ended prize pools and creates their payouts, exactly once"
    public static let options: [JobOptionSpec] = []
    public static let defaultCatchupMilliseconds: Int64? = 86_400_000
    public static let workCounter: String? = "pools_due"
    public static let activityCounter: String? = "sessions_seen"
    /// `payout_total` is money: "0.42 USDC paid".
    public static let counterReadings: [String: CounterReading] = ["payout_total": USDC.reading(label: "paid")]

    public init(options: [String: JobOptionValue]) {}

    public init() {}

    struct Pool: Sendable {
        var id: Int64
        var game: String
        var periodType: String
        var periodDate: String

        var label: String {
            "\(game.escapedForMessage(limit: 40)) \(periodType) \(periodDate)"
        }
    }

    /// A pool found due: well formed, or what is wrong with it.
    enum Due: Sendable {
        case pool(Pool)
        case malformed(label: String, reason: String)
    }

    /// How finalizing one due pool ended (one run has many).
    enum PoolOutcome: Sendable {
        /// Finalized; `payoutTotal` is the run's total including this prize.
        case finalized(winner: ArcadeBoard.Winner?, prize: Int64, payoutTotal: Int64, board: ArcadeBoard)
        case alreadyFinalized
        /// Left active, nothing written.
        case refused(reason: String, board: ArcadeBoard?)
    }

    public func run(_ context: JobContext) async throws -> JobResult {
        let started = context.now()
        let logger = context.logger
        let database: any PrizePoolDatabase = try ArcadeJobDatabases.open(context, job: Self.name)
        let today = ArcadeTime.localDay(of: started, in: context.zone)
        let lastDaily = ArcadeTime.dateString(day: today - 1)
        let lastWeekly = ArcadeTime.dateString(day: today - 7)
        logger.info(
            "prizepool: start — finalizing daily pools up to \(lastDaily) and weekly pools up to \(lastWeekly) (\(context.zone.identifier))"
        )
        let (due, seen) = try database.duePools(lastDaily: lastDaily, lastWeekly: lastWeekly, seenBefore: started)
        var tally = Tally(due: due.count, logger: logger)
        tally.metrics[counter: "sessions_seen"] = seen
        for item in due {
            try context.checkCancellation()
            tally.metrics.processed += 1
            switch item {
            case .malformed(let label, let reason):
                tally.fail(label, reason)
            case .pool(let pool):
                let finalizedAt = ArcadeTime.timestamp(context.now())
                let paid = tally.payoutTotal
                do {
                    let outcome = try database.finalize(pool, finalizedAt: finalizedAt, paidSoFar: paid)
                    tally.record(outcome, pool: pool, archived: { try database.archivedEntries(of: pool) })
                } catch let superseded as ArcadeRunSuperseded {
                    // PAYOUT_TX: the run lost its lease; pay nothing more.
                    tally.fail(pool.label, "\(superseded)")
                    throw JobFailure("prizepool: \(superseded)", metrics: tally.metrics)
                } catch {
                    tally.fail(pool.label, "\(error)")
                }
            }
        }
        let elapsed = context.now().milliseconds(since: started)
        return try tally.result(elapsedMilliseconds: elapsed)
    }

    /// Active pools that have ended, and active pools whose game, period type or date is
    /// malformed (they could never be judged ended: reported so that their money is not
    /// forgotten).
    static func duePools(_ db: Database, lastDaily: String, lastWeekly: String) throws -> [Due] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT id, game_type, period_type, period_date FROM prize_pools
                WHERE status = 'active'
                  AND ((period_type = 'daily' AND period_date <= :daily)
                    OR (period_type = 'weekly' AND period_date <= :weekly)
                    OR typeof(game_type) IS NOT 'text' OR typeof(period_date) IS NOT 'text'
                    OR period_type NOT IN ('daily', 'weekly') OR period_type IS NULL
                    OR date(period_date) IS NOT period_date)
                ORDER BY game_type, period_date, period_type
                """,
            arguments: ["daily": lastDaily, "weekly": lastWeekly]
        ).map(decodePool)
    }

    /// `sessions_seen`: completed sessions created in the 24 hours before the run started, so
    /// that "no pool due" can be told apart from "nobody played" (the idle warning,
    /// docs/alerts.md). One COUNT on the `game_sessions(status, created_at)` index: a range of
    /// a day's sessions, whatever the table's size. `created_at` is compared as text
    /// (`ArcadeTime.timestamp`'s fixed-width UTC form, as the arcade writes it).
    static func sessionsSeen(_ db: Database, before start: Date) throws -> Int64 {
        let from = ArcadeTime.timestamp(start.addingTimeInterval(-86_400))
        let count = try Int64.fetchOne(
            db,
            sql: "SELECT COUNT(*) FROM game_sessions WHERE status = 'completed' AND created_at >= ? AND created_at < ?",
            arguments: [from, ArcadeTime.timestamp(start)])
        return count ?? 0
    }

    static func decodePool(_ row: Row) -> Due {
        let id = row.stored(0)
        let (game, type, date) = (row.stored(1), row.stored(2), row.stored(3))
        guard let poolID = id.exactInteger else {
            return .malformed(label: "pool with id \(id.storedDescription)", reason: "id is not an INTEGER")
        }
        let label = "pool \(poolID)"
        guard let gameName = game.text else {
            return .malformed(label: label, reason: "game_type is \(game.storedDescription), not text")
        }
        guard let periodType = type.text, periodType == "daily" || periodType == "weekly" else {
            return .malformed(label: label, reason: "period_type is \(type.storedDescription), not 'daily' or 'weekly'")
        }
        guard let periodDate = date.text, ArcadeTime.isDateString(periodDate) else {
            return .malformed(label: label, reason: "period_date is \(date.storedDescription), not a YYYY-MM-DD date")
        }
        return .pool(Pool(id: poolID, game: gameName, periodType: periodType, periodDate: periodDate))
    }

    /// Finalizes one pool inside the caller's IMMEDIATE transaction, or refuses it before
    /// writing anything. `paidSoFar` is the run's payout total so far.
    static func finalize(
        _ pool: Pool, finalizedAt: String, paidSoFar: Int64 = 0, _ db: Database
    ) throws -> PoolOutcome {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT total_amount FROM prize_pools WHERE id = ? AND status = 'active'",
                arguments: [pool.id])
        else {
            return .alreadyFinalized
        }
        let stored = row.stored(0)
        guard let total = stored.exactInteger, total >= 0 else {
            return .refused(reason: badTotal(stored.storedDescription), board: nil)
        }
        let board = try ArcadeBoard.winner(db, game: pool.game, period: pool.periodType, date: pool.periodDate)
        let winner = board.winner
        let payoutTotal: Int64
        switch judge(total: total, board: board, paidSoFar: paidSoFar) {
        case .refused(let reason): return .refused(reason: reason, board: board)
        case .pay(let sum): payoutTotal = sum
        }
        try db.execute(
            sql: """
                UPDATE prize_pools
                SET status = 'finalized', winner_address = ?, winning_score = ?, prize_amount = ?,
                    finalized_at = ?
                WHERE id = ? AND status = 'active'
                """,
            arguments: [winner?.address, winner?.score, winner == nil ? nil : total, finalizedAt, pool.id])
        guard db.changesCount == 1 else { return .alreadyFinalized }
        if let winner {
            try db.execute(
                sql: """
                    INSERT INTO prize_payouts (pool_id, winner_address, amount, created_at)
                    VALUES (?, ?, ?, ?)
                    """,
                arguments: [pool.id, winner.address, total, finalizedAt])
        }
        return .finalized(winner: winner, prize: winner == nil ? 0 : total, payoutTotal: payoutTotal, board: board)
    }

    /// The money decision for one pool, the same on both databases: the run's payout total
    /// with this prize (checked: an overflow refuses the pool), or why nothing is paid.
    enum Judgement: Equatable {
        case pay(payoutTotal: Int64)
        case refused(String)
    }

    static func judge(total: Int64, board: ArcadeBoard, paidSoFar: Int64) -> Judgement {
        guard board.winner != nil else {
            return total > 0 ? .refused(noEligibleEntry(total: total, board: board)) : .pay(payoutTotal: paidSoFar)
        }
        let (sum, overflow) = paidSoFar.addingReportingOverflow(total)
        if overflow {
            let reason = "adding its \(USDC.format(micro: total)) to this run's payout_total would overflow"
            return .refused(reason + "; nothing paid, pool left active for the next run")
        }
        return .pay(payoutTotal: sum)
    }

    /// A total that is not an exact non-negative integer, `described` as stored.
    static func badTotal(_ described: String) -> String {
        "total_amount is \(described), not an exact non-negative integer of micro-USDC; nothing paid, pool left active"
    }

    static func noEligibleEntry(total: Int64, board: ArcadeBoard) -> String {
        let entries: String
        if board.entries == 0 {
            entries = "no entries"
        } else {
            entries = "\(board.entries) entries, all flagged (\(board.anomalySummary))"
        }
        return "total_amount is \(USDC.format(micro: total)) but no entry is eligible to win (\(entries))"
            + "; nothing paid, pool left active"
    }

    /// Entries of the pool's board that cleanup moved to `leaderboard_archive` (a scan of the
    /// archive; only read for a refused pool with no entries).
    static func archivedEntries(of pool: Pool, _ database: ArcadeDatabase) throws -> Int64 {
        try database.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) AS n FROM leaderboard_archive
                    WHERE game_type = ? AND period_type = ? AND period_date = ?
                    """,
                arguments: [pool.game, pool.periodType, pool.periodDate])
            return row?.sqlCount("n") ?? 0
        }
    }
}
