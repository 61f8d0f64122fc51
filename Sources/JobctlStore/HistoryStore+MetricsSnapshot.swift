import Foundation
import GRDB

extension HistoryStore {
    /// Per-job figures for the Prometheus exporter, in one read with three queries whatever
    /// the number of jobs. Counters and the histogram come from the running totals
    /// (`job_totals`, `job_duration_buckets`), which pruning does not lower; the gauges (last
    /// success, consecutive failures, lateness) from the job summaries, which pruning does not
    /// change either.
    public func metricsSnapshot() throws -> [JobMetricsSnapshot] {
        let bounds = PrometheusExporter.durationBuckets.map { Int64(($0 * 1000).rounded()) }
        return try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT job, status, runs, durations, duration_sum_ms, items_processed
                    FROM job_totals ORDER BY job, status
                    """)
            var snapshots: [JobMetricsSnapshot] = []
            for row in rows {
                let job: String = try row.decode(forColumn: "job")
                if snapshots.last?.job != job {
                    snapshots.append(
                        JobMetricsSnapshot(
                            job: job, runs: Dictionary(uniqueKeysWithValues: ExecutionStatus.allCases.map { ($0, 0) }),
                            durationBuckets: Array(repeating: 0, count: bounds.count), durationCount: 0,
                            durationSumSeconds: 0, lastSuccess: nil, consecutiveFailures: 0, itemsProcessed: 0,
                            lastLatenessSeconds: nil))
                }
                let last = snapshots.count - 1
                let statusText: String = try row.decode(forColumn: "status")
                if let status = ExecutionStatus(rawValue: statusText) {
                    snapshots[last].runs[status, default: 0] += try row.decode(Int.self, forColumn: "runs")
                }
                snapshots[last].durationCount += try row.decode(Int.self, forColumn: "durations")
                snapshots[last].durationSumSeconds +=
                    Double(try row.decode(Int64.self, forColumn: "duration_sum_ms")) / 1000
                snapshots[last].itemsProcessed += try row.decode(Int64.self, forColumn: "items_processed")
            }
            let bucketRows = try Row.fetchAll(db, sql: "SELECT job, le_ms, count FROM job_duration_buckets")
            let indexOfJob = Dictionary(uniqueKeysWithValues: snapshots.enumerated().map { ($1.job, $0) })
            for row in bucketRows {
                guard let index = indexOfJob[try row.decode(String.self, forColumn: "job")] else { continue }
                let le: Int64 = try row.decode(forColumn: "le_ms")
                let count: Int = try row.decode(forColumn: "count")
                // Cumulative: the count belongs to every bound at or above its own.
                for (bucket, bound) in bounds.enumerated() where le <= bound {
                    snapshots[index].durationBuckets[bucket] += count
                }
            }
            // The gauges: the markers of the summaries (all-time, kept by the database).
            let markers = try Self.allTimeSummaries(db, job: nil)
            for index in snapshots.indices {
                guard let summary = markers[snapshots[index].job] else { continue }
                snapshots[index].lastSuccess = summary.lastSuccess
                snapshots[index].consecutiveFailures = summary.failingStreak
                snapshots[index].lastLatenessSeconds = summary.lastLatenessMs.map { Double($0) / 1000 }
            }
            return snapshots
        }
    }
}
