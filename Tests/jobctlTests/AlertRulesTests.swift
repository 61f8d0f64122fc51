import Foundation
import GRDB
import Testing

/// Issue 12's alert rules and issue 15's idle warning, through the real binary.
@Suite(.serialized) struct AlertRulesTests {
    static let rulesPath = Binary.packageRoot.appendingPathComponent("docs/prometheus-alerts.yml").path

    /// A config with a daily prizepool and a command job, and a history created by a real run.
    static func install() throws -> (dir: HistoryCLITempDirectory, config: String, state: String) {
        let dir = try HistoryCLITempDirectory()
        let config = dir.file("jobs.conf")
        try """
        TZ=UTC
        STATE_DB=jobctl.db
        APP_DB=arcade.db
        0 0 * * *  prizepool  timeout=10m
        @hourly    backup     command="true"
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let trigger = try HistoryCLIBinary.run(["trigger", "backup", "--config", config])
        #expect(trigger.status == 0, "\(trigger.stderr)")
        return (dir, config, dir.file("jobctl.db"))
    }

    /// The `jobctl_…` names the rules' expressions use.
    static func ruleMetricNames() throws -> Set<String> {
        let text = try String(contentsOfFile: rulesPath, encoding: .utf8)
        var names: Set<String> = []
        for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
            // Only expressions: the annotations' text may name things in passing.
            guard !line.contains("summary:"), !line.contains("description:") else { continue }
            for match in line.matches(of: /jobctl_[a-z0-9_]+/) { names.insert(String(match.output)) }
        }
        return names
    }

    /// The rules cannot drift from the code: every metric they use is one `jobctl metrics` exports.
    @Test func alertRulesUseOnlyMetricsJobctlExports() throws {
        let (dir, config, _) = try Self.install()
        defer { dir.cleanup() }
        let metrics = try HistoryCLIBinary.run(["metrics", "--config", config])
        #expect(metrics.status == 0, "\(metrics.stderr)")
        let exported = Set(
            metrics.stdout.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("# TYPE ") else { return nil }
                return line.split(separator: " ").dropFirst(2).first.map(String.init)
            })
        let used = try Self.ruleMetricNames()
        #expect(used.count >= 7, "\(used)")
        #expect(used.subtracting(exported).isEmpty, "not exported: \(used.subtracting(exported).sorted())")
        for name in ["jobctl_metrics_generated_timestamp_seconds", "jobctl_job_expected_interval_seconds"] {
            #expect(metrics.stdout.contains("\n\(name)"), "\(name) has a sample")
        }
        #expect(metrics.stdout.contains("jobctl_job_expected_interval_seconds{job=\"prizepool\"} 86400"))
        #expect(metrics.stdout.contains("jobctl_job_overdue_after_seconds{job=\"prizepool\"} 600"))
        #expect(metrics.stdout.contains("jobctl_job_idle{job=\"prizepool\"} 0"))
    }

    /// Issue 15: prizepool found 0 pools due for 3 days while the arcade had sessions:
    /// `stats` (text and JSON) warns, exits 0, and `metrics` says `jobctl_job_idle 1`.
    @Test func statsWarnsOfAPrizepoolThatFindsNoPoolsDueWhileTheArcadeHasSessions() throws {
        let (dir, config, state) = try Self.install()
        defer { dir.cleanup() }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let queue = try DatabaseQueue(path: state)
        try queue.write { db in
            for (daysAgo, due) in [(4, 2), (3, 0), (2, 0), (1, 0), (0, 0)] {
                let started = now - Int64(daysAgo) * 86_400_000 - 60_000
                try db.execute(
                    sql: """
                        INSERT INTO job_executions
                            (job, status, started_at, finished_at, duration_ms, triggered_by, host, pid, metrics)
                        VALUES ('prizepool', 'succeeded', ?, ?, 5, 'manual', 'h', 1, ?)
                        """,
                    arguments: [started, started + 5, #"{"counters":{"pools_due":\#(due),"sessions_seen":12}}"#])
            }
        }
        let stats = try HistoryCLIBinary.run(["stats", "--config", config])
        #expect(stats.status == 0, "\(stats.stderr)")
        #expect(stats.stdout.contains("warning: prizepool: no work found (pools_due = 0) since"), "\(stats.stdout)")
        let json = try HistoryCLIBinary.run(["stats", "--config", config, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let warnings = try #require(object["warnings"] as? [[String: Any]])
        #expect(warnings.count == 1)
        #expect(warnings.first?["job"] as? String == "prizepool")
        #expect(warnings.first?["idleAfterSeconds"] as? Int == 172_800)
        let metrics = try HistoryCLIBinary.run(["metrics", "--config", config])
        #expect(metrics.stdout.contains("jobctl_job_idle{job=\"prizepool\"} 1"), "\(metrics.stdout)")
        #expect(metrics.stdout.contains("jobctl_job_last_work_timestamp_seconds{job=\"prizepool\"} "))
        // Without a config there are no schedules to judge by: no warning.
        let bare = try HistoryCLIBinary.run(["stats", "--state-db", state, "--config", "/nonexistent/jobs.conf"])
        #expect(!bare.stdout.contains("warning:"))
    }
}
