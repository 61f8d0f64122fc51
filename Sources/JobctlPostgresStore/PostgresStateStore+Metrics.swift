import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlStore
import JobctlTime

/// The Prometheus figures and the alert figures, with SQLite's answers (`HistoryMetrics`,
/// `HistoryStore+AlertFigures`), in one snapshot each.
extension PostgresStateStore {
    /// Per job that has a finished execution: runs per final status, the duration histogram at
    /// `PrometheusExporter`'s bounds, the duration count and sum and the items processed (all
    /// never lowered by pruning; summed status by status in SQLite's order, so that even the
    /// floating-point sum is the same), and the gauges from the summaries' markers. Jobs in byte
    /// order of their names (SQLite's BINARY collation), whatever the database's collation.
    public func metricsSnapshot() throws -> [JobMetricsSnapshot] {
        try transaction(.repeatableRead) { tx in
            var snapshots: [JobMetricsSnapshot] = []
            var index: [String: Int] = [:]
            let counts = try tx.query(
                """
                SELECT job, status, count, durations, duration_sum, items_processed FROM jobctl_summary_status
                WHERE status <> 'running' AND count <> 0 ORDER BY job COLLATE "C", status COLLATE "C"
                """)
            for row in counts {
                guard let job = try row.string("job") else { continue }
                if index[job] == nil {
                    index[job] = snapshots.count
                    snapshots.append(Self.emptySnapshot(job))
                }
                guard let at = index[job], let status = try row.string("status").flatMap(ExecutionStatus.init)
                else { continue }
                snapshots[at].runs[status, default: 0] += try Self.count(row, "count")
                snapshots[at].durationCount += try Self.count(row, "durations")
                snapshots[at].durationSumSeconds += Double(try row.int64("duration_sum") ?? 0) / 1000
                snapshots[at].itemsProcessed += try row.int64("items_processed") ?? 0
            }
            try Self.addGauges(tx, to: &snapshots, index: index)
            try Self.addBuckets(tx, to: &snapshots, index: index)
            return snapshots
        }
    }

    static func emptySnapshot(_ job: String) -> JobMetricsSnapshot {
        JobMetricsSnapshot(
            job: job, runs: Dictionary(uniqueKeysWithValues: ExecutionStatus.allCases.map { ($0, 0) }),
            durationBuckets: Array(repeating: 0, count: PrometheusExporter.durationBuckets.count), durationCount: 0,
            durationSumSeconds: 0, lastSuccess: nil, consecutiveFailures: 0, itemsProcessed: 0,
            lastLatenessSeconds: nil)
    }

    /// The gauges: last success, failing streak, last lateness.
    static func addGauges(
        _ tx: PostgresConnection, to snapshots: inout [JobMetricsSnapshot], index: [String: Int]
    ) throws {
        for row in try tx.query("SELECT * FROM jobctl_summary") {
            guard let job = try row.string("job"), let at = index[job] else { continue }
            snapshots[at].lastSuccess = try row.int64("last_success_finished").map(HistoryTime.date(milliseconds:))
            snapshots[at].consecutiveFailures = try count(row, "failing_streak")
            snapshots[at].lastLatenessSeconds = try row.int64("last_lateness_ms").map { Double($0) / 1000 }
        }
    }

    /// Cumulative counts at each bound: a count belongs to every bound at or above its own.
    static func addBuckets(
        _ tx: PostgresConnection, to snapshots: inout [JobMetricsSnapshot], index: [String: Int]
    ) throws {
        let bounds = PrometheusExporter.durationBuckets.map { Int64(($0 * 1000).rounded()) }
        for row in try tx.query("SELECT job, le_ms, count FROM jobctl_summary_le") {
            guard let job = try row.string("job"), let at = index[job], let le = try row.int64("le_ms") else {
                continue
            }
            let count = try count(row, "count")
            for (bucket, bound) in bounds.enumerated() where le <= bound {
                snapshots[at].durationBuckets[bucket] += count
            }
        }
    }

    /// The work markers (one row per job) and the start of each job's oldest running run.
    public func alertFigures() throws -> AlertFigures {
        try transaction(.repeatableRead) { tx in try Self.alertFigures(tx) }
    }

    /// `alertFigures` inside the caller's transaction (the status read takes them with its summary).
    static func alertFigures(_ tx: PostgresConnection) throws -> AlertFigures {
        var figures = AlertFigures()
        let date = { (ms: Int64) in HistoryTime.date(milliseconds: ms) }
        for row in try tx.query("SELECT * FROM jobctl_work_summary") {
            guard let job = try row.string("job"), let first = try row.int64("first_metered"),
                let last = try row.int64("last_metered")
            else { continue }
            figures.work[job] = JobWorkMarkers(
                firstMetered: date(first), lastMetered: date(last),
                lastWork: try row.int64("last_work").map(date), lastQuiet: try row.int64("last_quiet").map(date))
        }
        let running = try tx.query(
            """
            SELECT job, jobctl_ms(min(started_at)) AS since FROM jobctl_execution
            WHERE status = 'running' GROUP BY job
            """
        )
        for row in running {
            guard let job = try row.string("job"), let since = try row.int64("since") else { continue }
            figures.runningSince[job] = date(since)
        }
        return figures
    }
}
