import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlStore
import JobctlTime

/// `stats --since`: the whole UTC days after `since` from the per-day rows, plus the rows of
/// `since`'s own day that started at or after it (SQLite's `HistoryStore+SummaryWindow`). Each
/// figure is one query over both parts (`UNION ALL`), summed per job in SQL. Parameters:
/// $1 the first whole day, $2 `since` (ms), $3 the job when filtered.
extension PostgresStateStore {
    static let dayMilliseconds: Int64 = 86_400_000

    static func windowSummaries(
        _ tx: PostgresConnection, markers: [String: JobSummary], request: SummaryRequest, since: Date
    ) throws -> [String: JobSummary] {
        let sinceMs = HistoryTime.milliseconds(since)
        let sinceDay = floorDiv(sinceMs, dayMilliseconds)
        let firstWholeDay = sinceDay * dayMilliseconds == sinceMs ? sinceDay : sinceDay + 1
        var parameters: [PostgresValue?] = [.int64(firstWholeDay), .int64(sinceMs)]
        if let job = request.job { parameters.append(.text(job)) }
        let filtered = request.job != nil
        var jobs: [String: JobSummary] = [:]
        for (name, summary) in markers {
            jobs[name] = JobSummary(
                job: name, lastSuccess: summary.lastSuccess, lastFailure: summary.lastFailure,
                failingStreak: summary.failingStreak, lastLatenessMs: summary.lastLatenessMs)
        }
        for row in try tx.query(windowFiguresSQL(filtered: filtered), parameters) {
            guard let name = try row.string("job"), var summary = jobs[name] else { continue }
            let window = try figures(row, job: name)
            summary.durationCount = window.durationCount
            summary.durationSumMs = window.durationSumMs
            summary.durationMaxMs = window.durationMaxMs
            summary.latenessCount = window.latenessCount
            summary.latenessSumMs = window.latenessSumMs
            summary.latenessMaxMs = window.latenessMaxMs
            jobs[name] = summary
        }
        try readCounts(tx, windowCountsSQL(filtered: filtered), parameters, into: &jobs)
        if request.durations {
            try readHistograms(tx, windowDurationsSQL(filtered: filtered), parameters, into: &jobs)
        }
        return jobs
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// The day rows of the window and the rows of its partial first day.
    static func windowParts(day columns: String, rows: String, filtered: Bool, table: String, rowsWhere: String = "")
        -> String
    {
        """
        SELECT \(columns) FROM \(table) d WHERE d.day >= $1::bigint \(filtered ? "AND d.job = $3::text" : "")
        UNION ALL
        SELECT \(rows) FROM jobctl_execution e
        WHERE e.started_at >= jobctl_ts($2::bigint) AND e.started_at < jobctl_ts($1::bigint * 86400000)
          \(filtered ? "AND e.job = $3::text" : "") \(rowsWhere)
        """
    }

    static func windowFiguresSQL(filtered: Bool) -> String {
        let day =
            "d.job, d.duration_count, d.duration_sum, d.duration_max, d.lateness_count, d.lateness_sum, "
            + "d.lateness_max"
        let rows = """
            e.job, count(e.duration_ms), COALESCE(sum(e.duration_ms), 0), max(e.duration_ms),
            count(e.lateness_ms), COALESCE(sum(e.lateness_ms), 0), max(e.lateness_ms)
            """
        return """
            SELECT job, sum(duration_count) AS duration_count, sum(duration_sum) AS duration_sum,
                   max(duration_max) AS duration_max, sum(lateness_count) AS lateness_count,
                   sum(lateness_sum) AS lateness_sum, max(lateness_max) AS lateness_max
            FROM (\(windowParts(day: day, rows: rows, filtered: filtered, table: "jobctl_day_summary",
                    rowsWhere: "GROUP BY e.job"))) x
            GROUP BY job
            """
    }

    static func windowCountsSQL(filtered: Bool) -> String {
        """
        SELECT job, status, sum(x.count) AS count
        FROM (\(windowParts(day: "d.job, d.status, d.count", rows: "e.job, e.status, count(*)", filtered: filtered,
                table: "jobctl_day_status", rowsWhere: "GROUP BY e.job, e.status"))) x
        GROUP BY job, status
        """
    }

    static func windowDurationsSQL(filtered: Bool) -> String {
        """
        SELECT job, bucket, sum(x.count) AS count
        FROM (\(windowParts(day: "d.job, d.bucket, d.count", rows: "e.job, jobctl_bucket(e.duration_ms), count(*)",
                filtered: filtered, table: "jobctl_day_durations",
                rowsWhere: "AND e.duration_ms IS NOT NULL GROUP BY e.job, 2"))) x
        GROUP BY job, bucket
        """
    }
}
