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
        let start =
            "cleanup: start — active sessions created before \(cut.sessionCreatedBefore), orphaned entries, "
            + "daily entries up to \(cut.lastArchivedDaily) and weekly up to \(cut.lastArchivedWeekly) to archive "
            + "(batches of \(batchSize), PostgreSQL)"
        logger.info("\(start)")
        let pass = CleanupPostgresPass(database: database, context: context, batchSize: batchSize)
        try pass.deleteExpiredSessions(createdBefore: cut.sessionCreatedBefore)
        try pass.deleteOrphanedEntries()
        try pass.archiveEntries(cut, archivedAt: ArcadeTime.timestamp(started))
        let metrics = Self.totals(pass.metrics)
        let elapsed = context.now().milliseconds(since: started)
        let done =
            "cleanup: done — \(metrics[counter: "sessions_deleted"]) sessions deleted, "
            + "\(metrics[counter: "orphans_deleted"]) orphans deleted, \(metrics[counter: "entries_archived"]) "
            + "entries archived in \(metrics[counter: "batches"]) transactions, in \(elapsed) ms"
        logger.info("\(done)")
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
