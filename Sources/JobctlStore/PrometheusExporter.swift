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

/// Prometheus text exposition format 0.0.4, for node_exporter's textfile collector or a scrape.
public enum PrometheusExporter {
    /// Upper bounds (seconds) of the duration histogram: jobs take from milliseconds to hours.
    /// The same bounds as the totals kept by the database (`HistoryStore.histogramBoundsMs`).
    public static let durationBuckets: [Double] = HistoryStore.histogramBoundsMs.map { Double($0) / 1000 }

    /// `alerts`: the families the alert rules need (docs/alerts.md); always listed, with samples
    /// from what it holds.
    public static func render(_ snapshots: [JobMetricsSnapshot], alerts: AlertMetrics = AlertMetrics()) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: () -> Void) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            samples()
        }
        func sample(_ name: String, _ labels: [(String, String)], _ value: String) {
            let labelText = labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",")
            out += labels.isEmpty ? "\(name) \(value)\n" : "\(name){\(labelText)} \(value)\n"
        }
        family(
            "jobctl_job_runs_total", "counter", "Finished executions recorded in the history, by job and final status."
        ) {
            for s in snapshots {
                // `running` is a state, not an outcome: a counter of it would go down.
                for status in ExecutionStatus.allCases where status != .running {
                    sample(
                        "jobctl_job_runs_total", [("job", s.job), ("status", status.rawValue)],
                        String(s.runs[status] ?? 0))
                }
            }
        }
        family(
            "jobctl_job_duration_seconds", "histogram",
            "Duration of executions that ran to an end (not skipped, running or interrupted)."
        ) {
            for s in snapshots {
                for (index, bound) in durationBuckets.enumerated() {
                    sample(
                        "jobctl_job_duration_seconds_bucket", [("job", s.job), ("le", number(bound))],
                        String(s.durationBuckets[index]))
                }
                sample("jobctl_job_duration_seconds_bucket", [("job", s.job), ("le", "+Inf")], String(s.durationCount))
                sample("jobctl_job_duration_seconds_sum", [("job", s.job)], number(s.durationSumSeconds))
                sample("jobctl_job_duration_seconds_count", [("job", s.job)], String(s.durationCount))
            }
        }
        family(
            "jobctl_job_last_success_timestamp_seconds", "gauge",
            "When the newest successful execution finished, in seconds since the Unix epoch."
        ) {
            for s in snapshots {
                if let last = s.lastSuccess {
                    sample(
                        "jobctl_job_last_success_timestamp_seconds", [("job", s.job)],
                        number(Double(HistoryTime.milliseconds(last)) / 1000))
                }
            }
        }
        family(
            "jobctl_job_consecutive_failures", "gauge",
            "Failed, timed-out or interrupted executions since the last success."
        ) {
            for s in snapshots {
                sample("jobctl_job_consecutive_failures", [("job", s.job)], String(s.consecutiveFailures))
            }
        }
        family(
            "jobctl_job_items_processed_total", "counter",
            "Items the job reported as processed, summed over executions."
        ) {
            for s in snapshots {
                sample("jobctl_job_items_processed_total", [("job", s.job)], String(s.itemsProcessed))
            }
        }
        family(
            "jobctl_job_lateness_seconds", "gauge",
            "How late the newest scheduled or catch-up execution started after its fire time."
        ) {
            for s in snapshots {
                if let lateness = s.lastLatenessSeconds {
                    sample("jobctl_job_lateness_seconds", [("job", s.job)], number(lateness))
                }
            }
        }
        for alert in alerts.families {
            family(alert.name, "gauge", alert.help) {
                for s in alert.samples {
                    sample(alert.name, s.labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, s.value)
                }
            }
        }
        return out
    }

    /// A label value with `\`, `"` and newlines escaped.
    public static func escape(_ value: String) -> String {
        var out = ""
        for ch in value {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out
    }

    /// A float as Prometheus reads it: "1", "0.25", "1772942400.123".
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
