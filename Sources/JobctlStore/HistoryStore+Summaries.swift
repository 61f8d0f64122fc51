import Foundation
import GRDB

/// The SQLite summaries (`SummarySchema`), read in one read transaction with a fixed number of
/// queries: all-time figures read the summary tables only; a `since` window reads the per-day
/// rows of the whole days after it and the rows of the partial first day (at most a day's
/// executions), so its cost grows with the window's days and with executions per day, never
/// with the size of the history.
extension HistoryStore: ExecutionSummaries {
    public func summaryReport(_ request: SummaryRequest) throws -> SummaryReport {
        try read { db in try Self.summaryReport(db, request) }
    }

    static func summaryReport(_ db: Database, _ request: SummaryRequest) throws -> SummaryReport {
        var jobs = try allTimeSummaries(db, job: request.job)
        if let since = request.since {
            jobs = try windowSummaries(db, markers: jobs, request: request, since: since)
        } else if request.durations {
            let filter = request.job == nil ? "" : "WHERE job = ?"
            try readHistograms(
                db, sql: "SELECT job, bucket, count FROM job_summary_durations \(filter)",
                arguments: request.job.map { [$0] } ?? [], into: &jobs)
        }
        let listed = jobs.values.filter { $0.runs > 0 }.sorted { $0.job < $1.job }
        let lastRuns = request.lastRuns ? try lastRuns(db, job: request.job) : [:]
        let recent =
            request.recent > 0
            ? try ExecutionRecord.fetchAll(
                db, sql: "SELECT * FROM job_executions ORDER BY started_at DESC, id DESC LIMIT ?",
                arguments: [request.recent]) : []
        let figures = request.alertFigures ? try alertFigures(db) : AlertFigures()
        let pauses = request.pauses ? try allPauses(db) : []
        // Last: the version of the state the queries above read.
        let version = try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0
        return SummaryReport(
            since: request.since, jobs: listed, lastRuns: lastRuns, recent: recent, version: version, figures: figures,
            pauses: pauses)
    }

    /// Every job's all-time figures and markers.
    static func allTimeSummaries(_ db: Database, job: String?) throws -> [String: JobSummary] {
        let filter = job == nil ? "" : "WHERE job = ?"
        var jobs: [String: JobSummary] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM job_summary \(filter)", arguments: job.map { [$0] } ?? []) {
            let name: String = try row.text("job")
            var summary = try figures(row, job: name)
            summary.lastSuccess = try row.optionalInteger("last_success_finished").map(HistoryTime.date(milliseconds:))
            summary.lastFailure = try row.optionalInteger("last_failure_finished").map(HistoryTime.date(milliseconds:))
            summary.failingStreak = try row.count("failing_streak")
            summary.lastLatenessMs = try row.optionalInteger("last_lateness_ms")
            jobs[name] = summary
        }
        return jobs
    }

    /// Counts, sums and maxima of a row of `job_summary` or `job_day_summary`, or of the
    /// grouped days (same column names).
    static func figures(_ row: Row, job: String) throws -> JobSummary {
        var summary = JobSummary(job: job)
        for status in ExecutionStatus.allCases where SummarySchema.statuses.contains(status.rawValue) {
            let count = try row.count(status.rawValue)
            if count != 0 { summary.counts[status] = count }
        }
        summary.durationCount = try row.count("duration_count")
        summary.durationSumMs = try row.number("duration_sum")
        summary.durationMaxMs = try row.optionalInteger("duration_max")
        summary.latenessCount = try row.count("lateness_count")
        summary.latenessSumMs = try row.number("lateness_sum")
        summary.latenessMaxMs = try row.optionalInteger("lateness_max")
        return summary
    }

    /// Adds `(job, bucket, count)` rows to the jobs' histograms.
    static func readHistograms(
        _ db: Database, sql: String, arguments: StatementArguments, into jobs: inout [String: JobSummary]
    ) throws {
        for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
            let name = try row.text("job")
            guard let bucket = try row.optionalInteger("bucket") else { continue }
            jobs[name, default: JobSummary(job: name)].durations.add(key: Int(bucket), count: try row.count("count"))
        }
    }

    /// The newest execution (any status) of every job, with one index probe per job.
    static func lastRuns(_ db: Database, job: String?) throws -> [String: ExecutionRecord] {
        let records = try ExecutionRecord.fetchAll(
            db, sql: lastRunsSQL(filtered: job != nil), arguments: job.map { [$0] } ?? [])
        return Dictionary(records.map { ($0.job, $0) }, uniquingKeysWith: { first, _ in first })
    }

    static func lastRunsSQL(filtered: Bool) -> String {
        """
        SELECT e.* FROM job_summary s JOIN job_executions e ON e.id = (
            SELECT x.id FROM job_executions x WHERE x.job = s.job ORDER BY x.started_at DESC, x.id DESC LIMIT 1)
        \(filtered ? "WHERE s.job = ?" : "")
        """
    }
}

extension Row {
    /// A job name; a row without one is damaged.
    func text(_ column: String) throws -> String {
        guard let value = String.fromDatabaseValue(self[column] as DatabaseValue) else {
            throw HistoryRowError("\(column) is not text in a summary row")
        }
        return value
    }

    /// A count: NULL reads as 0 (an aggregate over no row).
    func count(_ column: String) throws -> Int {
        let value = self[column] as DatabaseValue
        if value.isNull { return 0 }
        guard let count = Int64.fromDatabaseValue(value), let result = Int(exactly: count) else {
            throw HistoryRowError("\(column) is not a whole number in a summary row")
        }
        return result
    }

    func optionalInteger(_ column: String) throws -> Int64? {
        let value = self[column] as DatabaseValue
        if value.isNull { return nil }
        guard let result = Int64.fromDatabaseValue(value) else {
            throw HistoryRowError("\(column) is not a whole number in a summary row")
        }
        return result
    }

    /// A sum: an integer, or a real once it outgrew 64 bits; NULL reads as 0.
    func number(_ column: String) throws -> Double {
        let value = self[column] as DatabaseValue
        if value.isNull { return 0 }
        guard let result = Double.fromDatabaseValue(value) else {
            throw HistoryRowError("\(column) is not a number in a summary row")
        }
        return result
    }
}
