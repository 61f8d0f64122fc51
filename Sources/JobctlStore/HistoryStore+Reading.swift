import Foundation
import GRDB
import JobctlTime

/// Reading executions: the history, one run, the last fire for catch-up.
extension HistoryStore {
    /// The newest fire time recorded for a `schedule` or `catchup` run of the job (run or
    /// skipped), for catch-up after downtime; nil if none.
    public func lastScheduledFire(job: String) throws -> Instant? {
        try read { db in
            // The first IN term repeats the partial index's WHERE so that SQLite may use it.
            let ms = try Int64.fetchOne(
                db,
                sql: """
                    SELECT scheduled_at FROM job_executions
                    WHERE job = ? AND triggered_by IN \(BackfillTriggerSchema.fireTriggers)
                      AND triggered_by IN ('schedule','catchup')
                    ORDER BY scheduled_at DESC LIMIT 1
                    """,
                arguments: [job])
            return ms.map(Instant.init(milliseconds:))
        }
    }

    /// Executions matching the filter, newest first (by start time, then id).
    public func executions(_ filter: HistoryFilter) throws -> [ExecutionRecord] {
        guard filter.limit >= 0 else {
            throw HistoryError.invalidArgument("limit must not be negative, got \(filter.limit)")
        }
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let job = filter.job {
            conditions.append("job = ?")
            _ = arguments.append(contentsOf: [job])
        }
        if let status = filter.status {
            conditions.append("status = ?")
            _ = arguments.append(contentsOf: [status.rawValue])
        }
        if let since = filter.since {
            conditions.append("started_at >= ?")
            _ = arguments.append(contentsOf: [HistoryTime.milliseconds(since)])
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        _ = arguments.append(contentsOf: [filter.limit])
        let sql = "SELECT * FROM job_executions \(whereClause) ORDER BY started_at DESC, id DESC LIMIT ?"
        return try read { db in
            try ExecutionRecord.fetchAll(db, sql: sql, arguments: arguments)
        }
    }

    /// One execution by id.
    public func execution(id: Int64) throws -> ExecutionRecord? {
        try read { db in try ExecutionRecord.fetchOne(db, key: id) }
    }

    /// The `EXPLAIN QUERY PLAN` details of a statement, for tests that pin index use.
    func queryPlan(_ sql: String, arguments: StatementArguments = []) throws -> [String] {
        try read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map {
                try $0.decode(String.self, forColumn: "detail")
            }
        }
    }
}
