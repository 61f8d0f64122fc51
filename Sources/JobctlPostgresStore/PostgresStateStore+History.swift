import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlStore
import JobctlTime

/// Catch-up, retention and history reads, with SQLite's semantics (`HistoryStore`).
extension PostgresStateStore {
    /// The newest fire recorded for a `schedule` or `catchup` run of the job (run or skipped).
    public func lastScheduledFire(job: String) throws -> Instant? {
        let ms = try transaction { tx in
            try tx.query(
                """
                SELECT jobctl_ms(scheduled_at) AS ms FROM jobctl_execution
                WHERE job = $1::text AND scheduled_at IS NOT NULL AND triggered_by <> 'manual'
                  AND triggered_by IN ('schedule', 'catchup')
                ORDER BY scheduled_at DESC LIMIT 1
                """, [.text(job)]
            ).first?.int64("ms")
        }
        return ms.map(Instant.init(milliseconds:))
    }

    /// Deletes finished rows that started and finished before `cutoff`, oldest first, one short
    /// transaction per batch of `batchSize`. The summaries' triggers keep the all-time figures.
    public func prune(finishedBefore cutoff: Date, batchSize: Int) throws -> Int {
        guard batchSize >= 1 else {
            throw PostgresStateStoreError.invalidArgument("batch size must be at least 1, got \(batchSize)")
        }
        let cutoffValue = try Self.timestamp(cutoff)
        var total = 0
        while true {
            let deleted = try Self.retryingDeadlocks {
                try transaction { tx in
                    try tx.execute(
                        """
                        DELETE FROM jobctl_execution WHERE id IN (
                          SELECT id FROM jobctl_execution
                          WHERE started_at < $1::timestamptz AND finished_at < $1::timestamptz
                            AND status NOT IN ('running', 'queued')
                          ORDER BY started_at LIMIT $2::integer)
                        """, [cutoffValue, .int(batchSize)])
                }
            }
            total += deleted
            if deleted < batchSize { return total }
        }
    }

    /// Executions matching the filter, newest first (by start, then id).
    public func executions(_ filter: HistoryFilter) throws -> [ExecutionRecord] {
        guard filter.limit >= 0 else {
            throw PostgresStateStoreError.invalidArgument("limit must not be negative, got \(filter.limit)")
        }
        var conditions: [String] = []
        var parameters: [PostgresValue?] = []
        if let job = filter.job {
            parameters.append(.text(job))
            conditions.append("e.job = $\(parameters.count)::text")
        }
        if let status = filter.status {
            parameters.append(.text(status.rawValue))
            conditions.append("e.status = $\(parameters.count)::text")
        }
        if let since = filter.since {
            parameters.append(try Self.timestamp(since))
            conditions.append("e.started_at >= $\(parameters.count)::timestamptz")
        }
        parameters.append(.int(filter.limit))
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = """
            SELECT \(PostgresExecutionRow.columns(of: "e")) FROM jobctl_execution e \(whereClause)
            ORDER BY e.started_at DESC, e.id DESC LIMIT $\(parameters.count)::bigint
            """
        return try transaction { tx in try tx.query(sql, parameters).map(PostgresExecutionRow.record) }
    }

    /// One execution by id.
    public func execution(id: Int64) throws -> ExecutionRecord? {
        try transaction { tx in
            try tx.query(
                "SELECT \(PostgresExecutionRow.columns(of: "e")) FROM jobctl_execution e WHERE e.id = $1::bigint",
                [.int64(id)]
            ).first.map(PostgresExecutionRow.record)
        }
    }

    /// Changes whenever a transaction that changed an execution commits (any node): the sum
    /// of the jobs' summary versions (see `PostgresSummarySchema`), folded into an `Int`.
    public func dataVersion() throws -> Int {
        try transaction { tx in try Self.dataVersion(tx) }
    }

    static func dataVersion(_ tx: PostgresConnection) throws -> Int {
        let sum = try tx.query(
            """
            SELECT ((SELECT COALESCE(sum(version), 0) FROM jobctl_summary)
                    + (SELECT COALESCE(sum(hashtext(job || ' ' || paused_at::text)), 0) FROM jobctl_pause))
                   % 9223372036854775807 AS v
            """
        ).first?.int64("v")
        return Int(truncatingIfNeeded: sum ?? 0)
    }
}
