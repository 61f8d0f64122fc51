import Foundation
import GRDB
import JobctlTime

/// `stats --since`: the window [since, ∞) is the whole UTC days after `since`, read from the
/// per-day summaries, plus the rows of `since`'s own day that started at or after it, read from
/// `job_executions` (a covering index). A `since` at midnight UTC reads days only.
extension HistoryStore {
    static func windowSummaries(
        _ db: Database, markers: [String: JobSummary], request: SummaryRequest, since: Date
    ) throws -> [String: JobSummary] {
        let dayMs = SummarySchema.dayMilliseconds
        let sinceMs = HistoryTime.milliseconds(since)
        let sinceDay = Civil.floorDiv(sinceMs, dayMs)
        let firstWholeDay = sinceDay * dayMs == sinceMs ? sinceDay : sinceDay + 1
        var jobs = markers.mapValues(\.markersOnly)
        var arguments: StatementArguments = [firstWholeDay]
        if let job = request.job { _ = arguments.append(contentsOf: [job]) }
        for row in try Row.fetchAll(db, sql: daysSQL(filtered: request.job != nil), arguments: arguments) {
            let name = try row.text("job")
            jobs[name, default: JobSummary(job: name)].merge(try figures(row, job: name))
        }
        if request.durations {
            try readHistograms(
                db, sql: dayDurationsSQL(filtered: request.job != nil), arguments: arguments, into: &jobs)
        }
        if firstWholeDay != sinceDay {
            try addRows(db, from: sinceMs, before: firstWholeDay * dayMs, request: request, into: &jobs)
        }
        return jobs
    }

    /// Adds the executions that started in [from, before) (less than a day of them).
    static func addRows(
        _ db: Database, from: Int64, before: Int64, request: SummaryRequest, into jobs: inout [String: JobSummary]
    ) throws {
        var arguments: StatementArguments = request.job.map { [$0] } ?? []
        _ = arguments.append(contentsOf: [from, before])
        for row in try Row.fetchAll(db, sql: rowsSQL(filtered: request.job != nil), arguments: arguments) {
            let name = try row.text("job")
            jobs[name, default: JobSummary(job: name)].merge(try figures(row, job: name))
        }
        if request.durations {
            try readHistograms(
                db, sql: rowDurationsSQL(filtered: request.job != nil), arguments: arguments, into: &jobs)
        }
    }

    /// The whole days from `?` on, summed per job (`?`: the job, when filtered). CROSS JOIN
    /// keeps SQLite's join order: per job, a range of its days (left to choose, it scans every
    /// day of every job).
    static func daysSQL(filtered: Bool) -> String {
        let sums =
            (SummarySchema.sumColumns.map { "SUM(d.\($0)) AS \($0)" }
            + SummarySchema.maxColumns.map { "MAX(d.\($0)) AS \($0)" }).joined(separator: ", ")
        return """
            SELECT d.job AS job, \(sums) FROM job_summary s CROSS JOIN job_day_summary d ON d.job = s.job AND d.day >= ?
            \(filtered ? "WHERE s.job = ?" : "") GROUP BY d.job
            """
    }

    static func dayDurationsSQL(filtered: Bool) -> String {
        """
        SELECT h.job AS job, h.bucket AS bucket, SUM(h.count) AS count
        FROM job_summary s CROSS JOIN job_day_durations h ON h.job = s.job AND h.day >= ?
        \(filtered ? "WHERE s.job = ?" : "") GROUP BY h.job, h.bucket
        """
    }

    /// The rows of the job (`?`, when filtered) or of every job that started in [?, ?), read from
    /// the covering (job, status, started_at, duration_ms, lateness_ms, …) index, one range per
    /// job and status: at 10 million rows (14,000 a day) about four times faster than the
    /// `started_at` index and a table lookup per row.
    static func rowsWhere(filtered: Bool) -> String {
        let statuses = ExecutionStatus.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return (filtered ? "job = ?" : "job IN (SELECT job FROM job_summary)")
            + " AND status IN (\(statuses)) AND started_at >= ? AND started_at < ?"
    }

    /// Those rows summed per job, with the column names of the summaries.
    static func rowsSQL(filtered: Bool) -> String {
        let statusColumns = ExecutionStatus.allCases.map { "SUM(status = '\($0.rawValue)') AS \($0.rawValue)" }
        return """
            SELECT job, \(statusColumns.joined(separator: ", ")),
                COUNT(duration_ms) AS duration_count, TOTAL(duration_ms) AS duration_sum,
                MAX(duration_ms) AS duration_max, COUNT(lateness_ms) AS lateness_count,
                TOTAL(lateness_ms) AS lateness_sum, MAX(lateness_ms) AS lateness_max
            FROM job_executions WHERE \(rowsWhere(filtered: filtered)) GROUP BY job
            """
    }

    static func rowDurationsSQL(filtered: Bool) -> String {
        """
        SELECT job, \(SummarySchema.bucketSQL("duration_ms")) AS bucket, COUNT(*) AS count FROM job_executions
        WHERE \(rowsWhere(filtered: filtered)) AND duration_ms IS NOT NULL
        GROUP BY job, bucket
        """
    }
}
