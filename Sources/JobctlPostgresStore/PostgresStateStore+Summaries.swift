import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlStore
import JobctlTime

/// The summaries (`PostgresSummarySchema`), read in one REPEATABLE READ transaction (one
/// snapshot) with a fixed number of queries, with SQLite's answers: all-time figures from the
/// summary tables; a `since` window from the per-day rows of the whole UTC days after it plus
/// the rows of its partial first day (`HistoryStore+SummaryWindow`).
extension PostgresStateStore {
    public func summaryReport(_ request: SummaryRequest) throws -> SummaryReport {
        try transaction(.repeatableRead) { tx in try Self.summaryReport(tx, request) }
    }

    static func summaryReport(_ tx: PostgresConnection, _ request: SummaryRequest) throws -> SummaryReport {
        var jobs = try allTimeSummaries(tx, job: request.job)
        if let since = request.since {
            jobs = try windowSummaries(tx, markers: jobs, request: request, since: since)
        } else if request.durations {
            let filter = request.job == nil ? "" : "WHERE job = $1::text"
            try readHistograms(
                tx, "SELECT job, bucket, count FROM jobctl_summary_durations \(filter)",
                request.job.map { [.text($0)] } ?? [], into: &jobs)
        }
        let listed = jobs.values.filter { $0.runs > 0 }.sorted { $0.job < $1.job }
        let lastRuns = request.lastRuns ? try lastRuns(tx, job: request.job) : [:]
        let recent =
            request.recent > 0
            ? try tx.query(
                """
                SELECT \(PostgresExecutionRow.columns(of: "e")) FROM jobctl_execution e
                ORDER BY e.started_at DESC, e.id DESC LIMIT $1::bigint
                """, [.int(request.recent)]
            ).map(PostgresExecutionRow.record) : []
        let version = try dataVersion(tx)
        let figures = request.alertFigures ? try alertFigures(tx) : AlertFigures()
        let pauses = request.pauses ? try allPauses(tx) : []
        return SummaryReport(
            since: request.since, jobs: listed, lastRuns: lastRuns, recent: recent, version: version, figures: figures,
            pauses: pauses)
    }

    /// Every job's all-time figures and markers.
    static func allTimeSummaries(_ tx: PostgresConnection, job: String?) throws -> [String: JobSummary] {
        let filter = job == nil ? "" : "WHERE job = $1::text"
        let parameters: [PostgresValue?] = job.map { [.text($0)] } ?? []
        var jobs: [String: JobSummary] = [:]
        for row in try tx.query("SELECT * FROM jobctl_summary \(filter)", parameters) {
            guard let name = try row.string("job") else { continue }
            var summary = try figures(row, job: name)
            summary.lastSuccess = try row.int64("last_success_finished").map(HistoryTime.date(milliseconds:))
            summary.lastFailure = try row.int64("last_failure_finished").map(HistoryTime.date(milliseconds:))
            summary.failingStreak = try count(row, "failing_streak")
            summary.lastLatenessMs = try row.int64("last_lateness_ms")
            jobs[name] = summary
        }
        try readCounts(tx, "SELECT job, status, count FROM jobctl_summary_status \(filter)", parameters, into: &jobs)
        return jobs
    }

    /// Sums and maxima of a summary row, a day row, or grouped rows (same column names).
    static func figures(_ row: PostgresRow, job: String) throws -> JobSummary {
        var summary = JobSummary(job: job)
        summary.durationCount = try count(row, "duration_count")
        summary.durationSumMs = try row.double("duration_sum") ?? 0
        summary.durationMaxMs = try row.int64("duration_max")
        summary.latenessCount = try count(row, "lateness_count")
        summary.latenessSumMs = try row.double("lateness_sum") ?? 0
        summary.latenessMaxMs = try row.int64("lateness_max")
        return summary
    }

    /// A count that fits an `Int`; NULL reads as 0 (an aggregate over no row).
    static func count(_ row: PostgresRow, _ column: String) throws -> Int {
        guard let value = try row.int64(column) else { return 0 }
        guard let result = Int(exactly: value) else {
            throw PostgresStateStoreError.unreadableRow("\(column) is out of range in a summary row")
        }
        return result
    }

    /// Adds `(job, status, count)` rows to the jobs' counts; a status this binary does not
    /// know (`queued`) is left out, as SQLite has no column for it.
    static func readCounts(
        _ tx: PostgresConnection, _ sql: String, _ parameters: [PostgresValue?], into jobs: inout [String: JobSummary]
    ) throws {
        for row in try tx.query(sql, parameters) {
            guard let name = try row.string("job"), jobs[name] != nil,
                let status = try row.string("status").flatMap(ExecutionStatus.init(rawValue:))
            else { continue }
            let sum = jobs[name, default: JobSummary(job: name)].counts[status, default: 0] + (try count(row, "count"))
            jobs[name]?.counts[status] = sum == 0 ? nil : sum
        }
    }

    /// Adds `(job, bucket, count)` rows to the jobs' histograms.
    static func readHistograms(
        _ tx: PostgresConnection, _ sql: String, _ parameters: [PostgresValue?], into jobs: inout [String: JobSummary]
    ) throws {
        for row in try tx.query(sql, parameters) {
            guard let name = try row.string("job"), jobs[name] != nil, let bucket = try row.int64("bucket"),
                let key = Int(exactly: bucket)
            else { continue }
            jobs[name]?.durations.add(key: key, count: try count(row, "count"))
        }
    }

    /// The newest execution (any status) of every job, one index probe per job.
    static func lastRuns(_ tx: PostgresConnection, job: String?) throws -> [String: ExecutionRecord] {
        let records = try tx.query(
            """
            SELECT \(PostgresExecutionRow.columns(of: "e")) FROM jobctl_summary s CROSS JOIN LATERAL (
              SELECT x.* FROM jobctl_execution x WHERE x.job = s.job ORDER BY x.started_at DESC, x.id DESC LIMIT 1) e
            \(job == nil ? "" : "WHERE s.job = $1::text")
            """, job.map { [.text($0)] } ?? []
        ).map(PostgresExecutionRow.record)
        return Dictionary(records.map { ($0.job, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
