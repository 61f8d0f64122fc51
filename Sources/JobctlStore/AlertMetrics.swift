import Foundation

/// The metrics `docs/prometheus-alerts.yml` needs beyond the history's counters and gauges
/// (docs/alerts.md): when the exposition was made, what each job of the config is expected to
/// do, what is running since when, and the idle money jobs.
public struct AlertMetrics: Sendable, Equatable {
    /// When the exposition was made (`jobctl_metrics_generated_timestamp_seconds`): the
    /// "no fresh metrics" rule watches it.
    public var generatedAt: Date?
    /// The config's jobs; empty without a config (the per-job expectations are then absent).
    public var expectations: [JobExpectation]
    public var figures: AlertFigures

    public init(generatedAt: Date? = nil, expectations: [JobExpectation] = [], figures: AlertFigures = AlertFigures()) {
        self.generatedAt = generatedAt
        self.expectations = expectations
        self.figures = figures
    }

    /// One metric family: its samples' labels and values, in exposition order.
    public struct Family: Sendable, Equatable {
        public var name: String
        public var help: String
        public var samples: [(labels: [String: String], value: String)]

        public static func == (a: Family, b: Family) -> Bool {
            a.name == b.name && a.help == b.help && a.samples.map(\.value) == b.samples.map(\.value)
                && a.samples.map(\.labels) == b.samples.map(\.labels)
        }
    }

    /// The gauges, every family listed even without samples.
    public var families: [Family] {
        let seconds = { (date: Date) in PrometheusExporter.number(Double(HistoryTime.milliseconds(date)) / 1000) }
        let perJob = { (value: (JobExpectation) -> String?) in
            expectations.compactMap { e in value(e).map { (labels: ["job": e.job], value: $0) } }
        }
        let now = generatedAt
        let idle = expectations.filter { $0.idleAfterSeconds != nil && now != nil }.map { e in
            let warning = now.flatMap { IdleWarning.evaluate(e, markers: figures.work[e.job], now: $0) }
            return (labels: ["job": e.job], value: warning == nil ? "0" : "1")
        }
        return [
            Family(
                name: "jobctl_metrics_generated_timestamp_seconds", help: "When this exposition was generated.",
                samples: generatedAt.map { [(labels: [:], value: seconds($0))] } ?? []),
            Family(
                name: "jobctl_job_expected_interval_seconds",
                help: "Longest gap between two fires of the job's schedule in the coming 8 days (enabled jobs).",
                samples: perJob { $0.intervalSeconds.map(String.init) }),
            Family(
                name: "jobctl_job_overdue_after_seconds",
                help: "A run still going after this long is overdue: the job's timeout, else its expected interval.",
                samples: perJob { $0.overdueAfterSeconds.map(String.init) }),
            Family(
                name: "jobctl_job_running_since_timestamp_seconds",
                help: "Start of the job's oldest execution still running, in seconds since the Unix epoch.",
                samples: figures.runningSince.sorted { $0.key < $1.key }.map {
                    (labels: ["job": $0.key], value: seconds($0.value))
                }),
            Family(
                name: "jobctl_job_last_work_timestamp_seconds",
                help: "Start of the newest run whose work counter was above 0.",
                samples: figures.work.sorted { $0.key < $1.key }.compactMap { job, markers in
                    markers.lastWork.map { (labels: ["job": job], value: seconds($0)) }
                }),
            Family(
                name: "jobctl_job_idle",
                help: "1 when a money job has found no work for longer than its idle window while there was activity.",
                samples: idle),
        ]
    }
}
