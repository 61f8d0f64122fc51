import Foundation

/// Prometheus text exposition format 0.0.4, for node_exporter's textfile collector or a scrape.
public enum PrometheusExporter {
    /// Upper bounds (seconds) of the duration histogram: jobs take from milliseconds to hours.
    /// The same bounds as the totals kept by the database (`HistoryStore.histogramBoundsMs`).
    public static let durationBuckets: [Double] = HistoryStore.histogramBoundsMs.map { Double($0) / 1000 }

    /// `alerts`: the families the alert rules need (docs/alerts.md); always listed, with samples
    /// from what it holds.
    public static func render(_ snapshots: [JobMetricsSnapshot], alerts: AlertMetrics = AlertMetrics()) -> String {
        let text = PrometheusText()
        runsAndDurations(snapshots, into: text)
        gauges(snapshots, into: text)
        for alert in alerts.families {
            text.family(alert.name, "gauge", alert.help) {
                for s in alert.samples {
                    text.sample(alert.name, s.labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, s.value)
                }
            }
        }
        return text.out
    }

    /// Every job's runs by status and its duration histogram.
    static func runsAndDurations(_ snapshots: [JobMetricsSnapshot], into text: PrometheusText) {
        text.family(
            "jobctl_job_runs_total", "counter", "Finished executions recorded in the history, by job and final status."
        ) {
            for s in snapshots {
                // `running` and `queued` are states, not outcomes: a counter of them would go down.
                for status in ExecutionStatus.allCases where status != .running && status != .queued {
                    text.sample(
                        "jobctl_job_runs_total", [("job", s.job), ("status", status.rawValue)],
                        String(s.runs[status] ?? 0))
                }
            }
        }
        text.family(
            "jobctl_job_duration_seconds", "histogram",
            "Duration of executions that ran to an end (not skipped, running or interrupted)."
        ) {
            for s in snapshots {
                for (index, bound) in durationBuckets.enumerated() {
                    text.sample(
                        "jobctl_job_duration_seconds_bucket", [("job", s.job), ("le", number(bound))],
                        String(s.durationBuckets[index]))
                }
                text.sample(
                    "jobctl_job_duration_seconds_bucket", [("job", s.job), ("le", "+Inf")], String(s.durationCount))
                text.sample("jobctl_job_duration_seconds_sum", [("job", s.job)], number(s.durationSumSeconds))
                text.sample("jobctl_job_duration_seconds_count", [("job", s.job)], String(s.durationCount))
            }
        }
    }

    /// The rest of every job's families, in this order: last success, failing streak, items
    /// processed, lateness.
    static func gauges(_ snapshots: [JobMetricsSnapshot], into text: PrometheusText) {
        text.family(
            "jobctl_job_last_success_timestamp_seconds", "gauge",
            "When the newest successful execution finished, in seconds since the Unix epoch."
        ) {
            for s in snapshots {
                if let last = s.lastSuccess {
                    text.sample(
                        "jobctl_job_last_success_timestamp_seconds", [("job", s.job)],
                        number(Double(HistoryTime.milliseconds(last)) / 1000))
                }
            }
        }
        text.family(
            "jobctl_job_consecutive_failures", "gauge",
            "Failed, timed-out or interrupted executions since the last success."
        ) {
            for s in snapshots {
                text.sample("jobctl_job_consecutive_failures", [("job", s.job)], String(s.consecutiveFailures))
            }
        }
        text.family(
            "jobctl_job_items_processed_total", "counter",
            "Items the job reported as processed, summed over executions."
        ) {
            for s in snapshots {
                text.sample("jobctl_job_items_processed_total", [("job", s.job)], String(s.itemsProcessed))
            }
        }
        text.family(
            "jobctl_job_lateness_seconds", "gauge",
            "How late the newest scheduled or catch-up execution started after its fire time."
        ) {
            for s in snapshots {
                if let lateness = s.lastLatenessSeconds {
                    text.sample("jobctl_job_lateness_seconds", [("job", s.job)], number(lateness))
                }
            }
        }
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
