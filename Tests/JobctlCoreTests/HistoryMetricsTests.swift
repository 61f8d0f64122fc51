import Foundation
import Testing

@testable import JobctlStore

@Suite struct HistoryMetricsTests {
    /// A sample line of the text exposition format: name, optional labels, a float value.
    static let samplePattern =
        #"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(\\[\\"n]|[^"\\\n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(\\[\\"n]|[^"\\\n])*")*\})? (NaN|[+-]Inf|-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?)$"#

    struct Sample { var name: String; var labels: String; var value: Double }

    static func parse(_ text: String) throws -> (samples: [Sample], types: [String: String]) {
        var samples: [Sample] = []
        var types: [String: String] = [:]
        var helped: Set<String> = []
        let sampleLine = try Regex(samplePattern)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let line = String(line)
            if line.hasPrefix("# HELP ") {
                let name = String(line.dropFirst(7).prefix { $0 != " " })
                helped.insert(name)
                continue
            }
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                #expect(parts.count == 4)
                #expect(helped.contains(String(parts[2])), "TYPE before HELP: \(line)")
                types[String(parts[2])] = String(parts[3])
                continue
            }
            #expect(line.wholeMatch(of: sampleLine) != nil, "not a sample line: \(line)")
            let nameEnd = line.firstIndex { $0 == "{" || $0 == " " } ?? line.endIndex
            let name = String(line[..<nameEnd])
            let valueStart = line.lastIndex(of: " ").map { line.index(after: $0) } ?? line.endIndex
            let labels = line[nameEnd] == "{" ? String(line[nameEnd..<line.index(before: valueStart)]) : ""
            let family = types.keys.first { name == $0 || name.hasPrefix($0 + "_") } ?? ""
            #expect(!family.isEmpty, "sample before its TYPE: \(line)")
            let valueText = String(line[valueStart...])
            samples.append(
                Sample(name: name, labels: labels, value: valueText == "+Inf" ? .infinity : Double(valueText) ?? .nan))
        }
        #expect(text.hasSuffix("\n"))
        return (samples, types)
    }

    @Test func exportIsValidExpositionWithCumulativeBuckets() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        try HistoryStatsTests.knownHistory(store)
        try store.recordRun(
            "we\"ird\\job\nname", fire: 0, duration: 0.004, status: .succeeded, metrics: JobMetrics(processed: 7))
        try store.recordRun(
            "report", fire: 5000, duration: 7200.5, status: .succeeded, metrics: JobMetrics(processed: 4))
        let text = PrometheusExporter.render(try store.metricsSnapshot())
        let (samples, types) = try Self.parse(text)
        #expect(
            types == [
                "jobctl_job_runs_total": "counter", "jobctl_job_duration_seconds": "histogram",
                "jobctl_job_last_success_timestamp_seconds": "gauge", "jobctl_job_consecutive_failures": "gauge",
                "jobctl_job_items_processed_total": "counter", "jobctl_job_lateness_seconds": "gauge",
                // The alert rules' gauges (docs/alerts.md), listed even without samples.
                "jobctl_metrics_generated_timestamp_seconds": "gauge", "jobctl_job_expected_interval_seconds": "gauge",
                "jobctl_job_overdue_after_seconds": "gauge", "jobctl_job_running_since_timestamp_seconds": "gauge",
                "jobctl_job_last_work_timestamp_seconds": "gauge", "jobctl_job_idle": "gauge",
            ])
        func value(_ name: String, _ labels: String) -> Double? {
            samples.first { $0.name == name && $0.labels == labels }?.value
        }
        #expect(value("jobctl_job_runs_total", #"{job="backup",status="failed"}"#) == 2)
        #expect(value("jobctl_job_runs_total", #"{job="backup",status="interrupted"}"#) == 1)
        #expect(value("jobctl_job_runs_total", #"{job="backup",status="running"}"#) == nil)
        #expect(value("jobctl_job_runs_total", #"{job="backup",status="skipped"}"#) == 1)
        #expect(value("jobctl_job_runs_total", #"{job="we\"ird\\job\nname",status="succeeded"}"#) == 1)
        #expect(value("jobctl_job_consecutive_failures", #"{job="backup"}"#) == 3)
        #expect(
            value("jobctl_job_last_success_timestamp_seconds", #"{job="backup"}"#) == historyBase.timeIntervalSince1970
                + 150)
        #expect(value("jobctl_job_items_processed_total", #"{job="report"}"#) == 4)
        #expect(value("jobctl_job_lateness_seconds", #"{job="backup"}"#) == 4)

        for job in ["backup", "report", #"we\"ird\\job\nname"#] {
            let buckets = samples.filter {
                $0.name == "jobctl_job_duration_seconds_bucket" && $0.labels.hasPrefix("{job=\"\(job)\",")
            }
            #expect(buckets.count == PrometheusExporter.durationBuckets.count + 1)
            #expect(
                zip(buckets, buckets.dropFirst()).allSatisfy { $0.value <= $1.value },
                "buckets of \(job) not cumulative")
            #expect(buckets.last?.labels.hasSuffix("le=\"+Inf\"}") == true)
            let count = value("jobctl_job_duration_seconds_count", "{job=\"\(job)\"}")
            #expect(buckets.last?.value == count)
            // Every run with a duration is observed once: all but skipped, running and interrupted.
            let runs = ["succeeded", "failed", "partial", "timed_out"].compactMap {
                value("jobctl_job_runs_total", "{job=\"\(job)\",status=\"\($0)\"}")
            }.reduce(0, +)
            #expect(count == runs)
        }
        // backup: 5, 10, 20, 30, 40, 50 s.
        #expect(value("jobctl_job_duration_seconds_bucket", #"{job="backup",le="10"}"#) == 2)
        #expect(value("jobctl_job_duration_seconds_bucket", #"{job="backup",le="30"}"#) == 4)
        #expect(value("jobctl_job_duration_seconds_bucket", #"{job="backup",le="60"}"#) == 6)
        #expect(value("jobctl_job_duration_seconds_sum", #"{job="backup"}"#) == 155)
        #expect(value("jobctl_job_duration_seconds_bucket", #"{job="report",le="7200"}"#) == 3)
        #expect(value("jobctl_job_duration_seconds_bucket", #"{job="report",le="+Inf"}"#) == 4)
    }

    /// Retention deletes old rows; Prometheus would read a lower counter as a reset.
    @Test func pruningDoesNotLowerCountersOrBuckets() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        try HistoryStatsTests.knownHistory(store)
        let before = try store.metricsSnapshot()
        #expect(try store.prune(finishedBefore: atSecond(100_000), batchSize: 3) == 11)
        #expect(try store.executions(HistoryFilter()).isEmpty)
        let after = try store.metricsSnapshot()
        #expect(after.map(\.runs) == before.map(\.runs))
        #expect(after.map(\.durationBuckets) == before.map(\.durationBuckets))
        #expect(after.map(\.durationCount) == before.map(\.durationCount))
        #expect(after.map(\.durationSumSeconds) == before.map(\.durationSumSeconds))
        try store.recordRun("backup", fire: 200_000, duration: 1, status: .succeeded)
        #expect(try store.metricsSnapshot()[0].runs[.succeeded] == 3)
    }

    @Test func totalsCountARunOnceWhenItFinishes() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        let id = try #require(try store.begin(executionStart("backup", fire: 0)))
        #expect(try store.metricsSnapshot().isEmpty)
        try store.finish(
            id: id, status: .failed, finishedAt: atSecond(2), metrics: JobMetrics(processed: 3), error: "x", output: nil
        )
        // A second finish does nothing (the row is no longer running).
        try store.finish(id: id, status: .succeeded, finishedAt: atSecond(3), metrics: nil, error: nil, output: nil)
        let snapshot = try #require(try store.metricsSnapshot().first)
        #expect(snapshot.runs[.failed] == 1 && snapshot.runs[.succeeded] == 0)
        #expect(snapshot.durationCount == 1 && snapshot.durationSumSeconds == 2 && snapshot.itemsProcessed == 3)
        #expect(snapshot.durationBuckets[PrometheusExporter.durationBuckets.firstIndex(of: 2.5) ?? 0] == 1)
        #expect(snapshot.durationBuckets[PrometheusExporter.durationBuckets.firstIndex(of: 1) ?? 0] == 0)
    }

    @Test func anEmptyHistoryExportsOnlyHeaders() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let text = PrometheusExporter.render(try HistoryStore(path: dir.file("h.db")).metricsSnapshot())
        let (samples, types) = try Self.parse(text)
        #expect(samples.isEmpty)
        #expect(types.count == 12)
    }

    @Test func atomicWriteReplacesTheFileAndLeavesNoTemporaryFile() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let path = dir.file("jobctl.prom")
        try AtomicFileWriter.write("old\n", to: path)
        try AtomicFileWriter.write("new\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["jobctl.prom"])
        let error = #expect(throws: HistoryError.self) {
            try AtomicFileWriter.write("x", to: dir.file("missing/x.prom"))
        }
        #expect(error?.description.contains("missing/x.prom") == true)
    }
}
