import Foundation
import JobctlPostgres
import JobctlRunning
import JobctlStore

/// One run of `cleanup` on PostgreSQL: its transactions (each at most `batch_size` rows) and the
/// run's metrics, with the same counters as SQLite's `CleanupPass`.
final class CleanupPostgresPass {
    let database: ArcadePostgresDatabase
    let context: JobContext
    let batchSize: Int
    var metrics = JobMetrics()

    init(database: ArcadePostgresDatabase, context: JobContext, batchSize: Int) {
        self.database = database
        self.context = context
        self.batchSize = batchSize
        for counter in [
            "sessions_deleted", "orphans_deleted", "entries_archived", "entries_kept_for_open_pools", "batches",
            "longest_transaction_ms", "longest_lock_wait_ms",
        ] {
            metrics[counter: counter] = 0
        }
    }

    /// One write transaction (fenced when the run's fence applies); returns the rows `body` handled.
    func batch(_ body: (PostgresConnection) throws -> Int) throws -> Int {
        try context.checkCancellation()
        let t0 = context.now()
        let count = try database.write(body)
        metrics[counter: "batches"] += 1
        let ms = context.now().milliseconds(since: t0)
        metrics[counter: "longest_transaction_ms"] = max(metrics[counter: "longest_transaction_ms"], ms)
        return count
    }

    /// Runs `statement` (which deletes at most `$n` rows) until it deletes fewer than a batch.
    func deleteInBatches(_ statement: String, _ parameters: [PostgresValue?], counter: String) throws {
        let limit = PostgresValue.int64(Int64(batchSize))
        while true {
            let n = try batch { c in try c.execute(statement, parameters + [limit]) }
            metrics[counter: counter] += Int64(n)
            if n < batchSize { break }
        }
    }

    /// Step 1: active sessions created before the cutoff.
    func deleteExpiredSessions(createdBefore cutoff: String) throws {
        try deleteInBatches(
            """
            DELETE FROM game_sessions WHERE id IN (
              SELECT id FROM game_sessions WHERE status = 'active' AND created_at < $1 LIMIT $2)
            """, [.text(cutoff)], counter: "sessions_deleted")
        context.logger.info("cleanup: deleted \(metrics[counter: "sessions_deleted"]) expired active sessions")
    }

    /// Step 2: entries whose session is missing.
    func deleteOrphanedEntries() throws {
        try deleteInBatches(
            """
            DELETE FROM leaderboard_entries WHERE id IN (
              SELECT e.id FROM leaderboard_entries e
              WHERE NOT EXISTS (SELECT 1 FROM game_sessions s WHERE s.id = e.session_id) LIMIT $1)
            """, [], counter: "orphans_deleted")
        context.logger.info("cleanup: deleted \(metrics[counter: "orphans_deleted"]) orphaned leaderboard entries")
    }

    /// Step 3: old daily and weekly entries of boards whose pool is finalized (or absent).
    func archiveEntries(_ cut: CleanupJob.Cutoffs, archivedAt: String) throws {
        for (period, lastDate) in [("daily", cut.lastArchivedDaily), ("weekly", cut.lastArchivedWeekly)] {
            var cursor: (date: String, id: Int64) = ("", Int64.min)
            while true {
                var step = CleanupJob.PostgresArchiveStep(scanned: 0, archived: 0, kept: 0)
                _ = try batch { c in
                    step = try CleanupJob.archiveStep(
                        c, period: period, lastDate: lastDate, after: cursor, limit: Int64(batchSize),
                        archivedAt: archivedAt)
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
            context.logger.warning(
                "cleanup: kept \(kept) old entries whose pool is not finalized yet (is prizepool behind?)")
        }
        context.logger.info("cleanup: archived \(metrics[counter: "entries_archived"]) leaderboard entries")
    }
}
