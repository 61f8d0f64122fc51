import Foundation
import JobctlPostgres
import JobctlRunning
import JobctlStore

/// `cleanup` on PostgreSQL: the same three steps, cutoffs and counters as on SQLite, each
/// transaction handling at most `batch_size` rows. PostgreSQL locks rows, not the database, so
/// there is no write lock to hand back to the arcade: no pause and no checkpoint between
/// batches (`longest_lock_wait_ms` stays 0). Entries are selected by `id`, the primary key.
extension CleanupJob {
    func runOnPostgres(_ context: JobContext) async throws -> JobResult {
        let started = context.now()
        let logger = context.logger
        let database = try ArcadePostgresDatabase.open(context)
        let cut = cutoffs(now: started, zone: context.zone)
        logger.info(
            "cleanup: start — active sessions created before \(cut.sessionCreatedBefore), orphaned entries, daily entries up to \(cut.lastArchivedDaily) and weekly up to \(cut.lastArchivedWeekly) to archive (batches of \(batchSize), PostgreSQL)"
        )
        var metrics = JobMetrics()
        for counter in [
            "sessions_deleted", "orphans_deleted", "entries_archived", "entries_kept_for_open_pools", "batches",
            "longest_transaction_ms", "longest_lock_wait_ms",
        ] {
            metrics[counter: counter] = 0
        }
        let limit = Int64(batchSize)
        func batch(_ body: (PostgresConnection) throws -> Int) throws -> Int {
            try context.checkCancellation()
            let t0 = context.now()
            let count = try database.write(body)
            metrics[counter: "batches"] += 1
            let ms = context.now().milliseconds(since: t0)
            metrics[counter: "longest_transaction_ms"] = max(metrics[counter: "longest_transaction_ms"], ms)
            return count
        }
        while true {
            let n = try batch { c in
                try c.execute(
                    """
                    DELETE FROM game_sessions WHERE id IN (
                      SELECT id FROM game_sessions WHERE status = 'active' AND created_at < $1 LIMIT $2)
                    """, [.text(cut.sessionCreatedBefore), .int64(limit)])
            }
            metrics[counter: "sessions_deleted"] += Int64(n)
            if n < batchSize { break }
        }
        logger.info("cleanup: deleted \(metrics[counter: "sessions_deleted"]) expired active sessions")
        while true {
            let n = try batch { c in
                try c.execute(
                    """
                    DELETE FROM leaderboard_entries WHERE id IN (
                      SELECT e.id FROM leaderboard_entries e
                      WHERE NOT EXISTS (SELECT 1 FROM game_sessions s WHERE s.id = e.session_id) LIMIT $1)
                    """, [.int64(limit)])
            }
            metrics[counter: "orphans_deleted"] += Int64(n)
            if n < batchSize { break }
        }
        logger.info("cleanup: deleted \(metrics[counter: "orphans_deleted"]) orphaned leaderboard entries")
        let archivedAt = ArcadeTime.timestamp(started)
        for (period, lastDate) in [("daily", cut.lastArchivedDaily), ("weekly", cut.lastArchivedWeekly)] {
            var cursor: (date: String, id: Int64) = ("", Int64.min)
            while true {
                var step = PostgresArchiveStep(scanned: 0, archived: 0, kept: 0)
                _ = try batch { c in
                    step = try Self.archiveStep(
                        c, period: period, lastDate: lastDate, after: cursor, limit: limit, archivedAt: archivedAt)
                    return step.scanned
                }
                metrics[counter: "entries_archived"] += step.archived
                metrics[counter: "entries_kept_for_open_pools"] += step.kept
                guard let last = step.last, step.scanned == batchSize else { break }
                cursor = last
            }
        }
        if metrics[counter: "entries_kept_for_open_pools"] > 0 {
            let kept = metrics[counter: "entries_kept_for_open_pools"]
            logger.warning("cleanup: kept \(kept) old entries whose pool is not finalized yet (is prizepool behind?)")
        }
        logger.info("cleanup: archived \(metrics[counter: "entries_archived"]) leaderboard entries")
        metrics.processed = Int(
            metrics[counter: "sessions_deleted"] + metrics[counter: "orphans_deleted"]
                + metrics[counter: "entries_archived"])
        metrics.created = Int(metrics[counter: "entries_archived"])
        let elapsed = context.now().milliseconds(since: started)
        logger.info(
            "cleanup: done — \(metrics[counter: "sessions_deleted"]) sessions deleted, \(metrics[counter: "orphans_deleted"]) orphans deleted, \(metrics[counter: "entries_archived"]) entries archived in \(metrics[counter: "batches"]) transactions, in \(elapsed) ms"
        )
        return JobResult(metrics: metrics)
    }

    struct PostgresArchiveStep {
        var scanned: Int
        var archived: Int64
        var kept: Int64
        var last: (date: String, id: Int64)? = nil
    }

    /// One archive step (SQLite's `archiveStep`): up to `limit` entries after `cursor` in
    /// (period_date, id) order; those whose board has no pool or a finalized one are moved,
    /// insert and delete in one statement.
    static func archiveStep(
        _ c: PostgresConnection, period: String, lastDate: String, after cursor: (date: String, id: Int64),
        limit: Int64, archivedAt: String
    ) throws -> PostgresArchiveStep {
        let rows = try c.query(
            """
            SELECT e.id, e.period_date,
                   EXISTS (SELECT 1 FROM prize_pools p
                           WHERE p.game_type = e.game_type AND p.period_type = e.period_type
                             AND p.period_date = e.period_date AND p.status IS DISTINCT FROM 'finalized') AS open_pool
            FROM leaderboard_entries e
            WHERE e.period_type = $1 AND e.period_date <= $2 AND (e.period_date, e.id) > ($3, $4)
            ORDER BY e.period_date, e.id LIMIT $5
            """, [.text(period), .text(lastDate), .text(cursor.date), .int64(cursor.id), .int64(limit)])
        var step = PostgresArchiveStep(scanned: rows.count, archived: 0, kept: 0)
        var ids: [Int64] = []
        for row in rows {
            guard let id = try row.int64("id"), let date = try row.string("period_date") else { continue }
            step.last = (date, id)
            if try row.bool("open_pool") == false { ids.append(id) } else { step.kept += 1 }
        }
        if ids.isEmpty { return step }
        step.archived = Int64(
            try c.execute(
                """
                WITH moved AS (DELETE FROM leaderboard_entries WHERE id = ANY($1::bigint[]) RETURNING *)
                INSERT INTO leaderboard_archive
                  (id, session_id, game_type, player_address, score, period_type, period_date, created_at, archived_at)
                SELECT id, session_id, game_type, player_address, score, period_type, period_date, created_at, $2
                FROM moved
                """, [.text("{" + ids.map(String.init).joined(separator: ",") + "}"), .text(archivedAt)]))
        return step
    }
}
