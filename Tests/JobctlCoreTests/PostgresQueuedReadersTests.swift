import Foundation
import JobctlPostgresStore
import JobctlRunning
import Testing

@testable import JobctlReports
@testable import JobctlStore

/// Status `queued` (`overlap=queue` across nodes) through every reader, from a real queued row:
/// history (table, JSON, `--status`), `show`, stats, Prometheus, the hooks' failure rule.
@Suite(.postgresCluster) struct PostgresQueuedReadersTests {
    @Test func aQueuedFireIsAStateEveryReaderKnowsNeitherASuccessNorAFailure() throws {
        let nodes = try PostgresNodes()
        let (a, b, _) = try PostgresQueueTests().liveRun(nodes)
        let queued = try b.claimFire(PostgresNodes.start("j", fire: historyBase + 60), policy: PostgresQueueTests.queue)
        guard case .queued(let id) = queued.outcome else { Issue.record("\(queued)"); return }
        let records = try a.executions(HistoryFilter(limit: 10, job: "j", status: .queued))
        #expect(records.map(\.id) == [id])
        let table = HistoryRenderer.table(records, readings: CounterReadings(), color: false)
        #expect(table.contains("queued") && table.contains("waits for the running one"), "\(table)")
        #expect(try HistoryRenderer.json(records).contains("\"status\" : \"queued\""))
        let show = RunDetailText.fields(try #require(records.first), tz: try #require(TimeZone(secondsFromGMT: 0)))
        #expect(show.contains("(queued; not started)"), "\(show)")
        let stats = HistoryStats(try a.summaryReport(SummaryRequest(job: "j")))
        #expect(stats.overall.runs == 2 && stats.overall.running == 2 && stats.overall.failed == 0)
        #expect(stats.overall.successRate == nil && stats.jobs.first?.consecutiveFailures == 0)
        let metrics = PrometheusExporter.render(try a.metricsSnapshot())
        #expect(!metrics.contains("status=\"queued\"") && !metrics.contains("status=\"running\""), "\(metrics)")
        #expect(metrics.contains("jobctl_job_runs_total{job=\"j\",status=\"abandoned\"} 0"), "\(metrics)")
        #expect(!HookPolicy.isFailure(.queued) && !ExecutionStatus.queued.isFailure)
    }
}
