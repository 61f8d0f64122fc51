import Foundation
import Testing

@testable import JobctlArcade
@testable import JobctlReports
@testable import JobctlStore

/// `jobctl show` and `GET /api/v1/jobs/runs/:id` list the failure hooks a run fired: before,
/// they were recorded (`hook_runs`) but no command showed them, while docs/config.md said
/// `show` did.
@Suite(.postgresCluster) struct RunDetailHooksTests {
    @Test(arguments: StoreFactory.all)
    func showListsTheHooksARunFiredWithTheirExitAndError(factory: StoreFactory) throws {
        let f = try ConformanceFixture(factory)
        defer { f.cleanup() }
        let run = try #require(try f.run("a", fire: historyBase, status: .failed, seconds: 1))
        let start = HookRunStart(
            runID: run.runID, job: "a", event: .failure, startedAt: atSecond(2), host: "h", pid: 7)
        let id = try f.store.beginHookRun(start)
        let end = HookRunEnd(
            status: .failed, finishedAt: atSecond(2.5), exitCode: 7, error: "curl: (6) \u{1B}[2Jno host", output: "x")
        #expect(try f.store.finishHookRun(id: id, end))
        let detail = try #require(try RunDetail.load(id: run.runID, from: f.store))
        #expect(detail.hooks.map(\.exitCode) == [7])
        let text = RunDetailText.render(detail, zone: nil, readings: ArcadeJobs.registry.counterReadings)
        #expect(text.contains("hooks\n    on_failure (failure)  failed"), "\(text)")
        #expect(text.contains("exit 7  curl: (6) \\x1b[2Jno host"), "\(text)")
        let json = try HistoryRenderer.runJSON(detail)
        #expect(json.contains("\"hooks\"") && json.contains("\"exitCode\" : 7"), "\(json)")
    }
}
