import Foundation
import GRDB

/// Rows of dead runs, and rows past the retention.
extension HistoryStore {
    /// Marks rows left `running` by processes that died as `interrupted` (finished_at = now,
    /// no duration, error "process NNN on HOST died"), only for jobs whose lock is free: a job
    /// whose lock is held may really be running. The caller must take a job's lock before
    /// `begin` for this to be sound. `isLockFree` is called once per job, outside any
    /// transaction. Returns how many rows were marked.
    public func recoverInterrupted(now: Date, isLockFree: (String) -> Bool) throws -> Int {
        struct Running { var id: Int64; var job: String; var host: String; var pid: Int64 }
        let running: [Running] = try read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, job, host, pid FROM job_executions WHERE status = 'running' ORDER BY id"
            ).map {
                Running(
                    id: try $0.decode(forColumn: "id"), job: try $0.decode(forColumn: "job"),
                    host: try $0.decode(forColumn: "host"), pid: try $0.decode(forColumn: "pid"))
            }
        }
        if running.isEmpty { return 0 }
        var free: [String: Bool] = [:]
        for row in running where free[row.job] == nil {
            free[row.job] = isLockFree(row.job)
        }
        let dead = running.filter { free[$0.job] == true }
        if dead.isEmpty { return 0 }
        let nowMs = HistoryTime.milliseconds(now)
        return try write { db in
            var count = 0
            let statement = try db.cachedStatement(
                sql: """
                    UPDATE job_executions SET status = 'interrupted', finished_at = MAX(?, started_at),
                        duration_ms = NULL, error = ?
                    WHERE id = ? AND status = 'running'
                    """)
            for row in dead {
                try statement.execute(arguments: [nowMs, "process \(row.pid) on \(row.host) died", row.id])
                count += db.changesCount
            }
            return count
        }
    }

    /// Deletes finished rows older than the cutoff (started and finished before it) in batches
    /// of `batchSize` rows, oldest first, one short write transaction per batch so that a run
    /// starting meanwhile waits at most one batch. Returns rows deleted.
    public func prune(finishedBefore cutoff: Date, batchSize: Int) throws -> Int {
        guard batchSize >= 1 else {
            throw HistoryError.invalidArgument("batch size must be at least 1, got \(batchSize)")
        }
        let cutoffMs = HistoryTime.milliseconds(cutoff)
        var total = 0
        while true {
            let deleted = try write { db -> Int in
                try db.cachedStatement(
                    sql: """
                        DELETE FROM job_executions WHERE id IN (
                            SELECT id FROM job_executions
                            WHERE started_at < ? AND finished_at < ? AND status <> 'running'
                            ORDER BY started_at LIMIT ?)
                        """
                ).execute(arguments: [cutoffMs, cutoffMs, batchSize])
                return db.changesCount
            }
            total += deleted
            if deleted < batchSize { return total }
        }
    }
}
