import Foundation
import Logging
import Testing

@testable import JobctlConfig
@testable import JobctlRunning
@testable import JobctlStore
@testable import JobctlTime

/// Issue 10: overlap used to be decided by the scheduler (skip, queue) and again by the runner
/// (exclusive or shared lock), and skipped rows were written by both. Now `OverlapDecision` is
/// the one rule and the runner writes every row; the scheduler acts on the outcome.
@Suite struct OverlapInOnePlaceTests {
    @Test func overlapIsDecidedByOneRuleForEveryTrigger() {
        let busy = LocalRuns(running: 1)
        let waiting = LocalRuns(running: 0, waitingForSlot: true)
        #expect(OverlapDecision.decide(.skip, trigger: .schedule, local: .none) == .run(exclusive: true))
        #expect(OverlapDecision.decide(.allow, trigger: .schedule, local: .none) == .run(exclusive: false))
        #expect(OverlapDecision.decide(.allow, trigger: .catchup, local: busy) == .run(exclusive: false))
        #expect(
            OverlapDecision.decide(.skip, trigger: .schedule, local: busy)
                == .skip(reason: "previous run still running (overlap=skip)"))
        #expect(
            OverlapDecision.decide(.skip, trigger: .catchup, local: waiting)
                == .skip(reason: "previous fire still waiting for a free slot (MAX_CONCURRENT)"))
        #expect(OverlapDecision.decide(.queue, trigger: .schedule, local: busy) == .queue)
        // Manual runs and backfills: exclusive whatever overlap= says, refused only by a run here.
        #expect(OverlapDecision.decide(.allow, trigger: .manual, local: .none) == .run(exclusive: true))
        #expect(OverlapDecision.decide(.allow, trigger: .backfill, local: .none) == .run(exclusive: true))
        #expect(OverlapDecision.decide(.queue, trigger: .manual, local: busy) == .refuse)
        #expect(OverlapDecision.decide(.skip, trigger: .manual, local: waiting) == .run(exclusive: true))
    }

    @Test func anOverlapSkipIsRecordedByTheRunnerNotByTheScheduler() async throws {
        let f = try Fixture(overlap: .skip)
        defer { f.directory.cleanup() }
        let fire = Instant(date: historyBase)
        let outcome = await f.runner.run(
            RunRequest(job: f.job, fire: fire, trigger: .schedule, local: LocalRuns(running: 1)))
        let reason = "previous run still running (overlap=skip)"
        guard case .skipped(reason, let id?) = outcome else {
            Issue.record("an overlap skip was not recorded by the runner: \(outcome)")
            return
        }
        let row = try #require(try f.store.execution(id: id))
        #expect(row.status == .skipped && row.error == reason && row.triggeredBy == .schedule)
        #expect(row.scheduledAt.map(HistoryTime.milliseconds) == fire.milliseconds)
        // Asked again (the scheduler admits, then the run admits once more): one row per fire.
        _ = await f.runner.run(RunRequest(job: f.job, fire: fire, trigger: .schedule, local: LocalRuns(running: 1)))
        #expect(try f.store.executions(HistoryFilter(limit: 10, job: "j")).count == 1)
    }

    @Test func aQueuedOrRefusedRequestWritesNoRowAndAnAdmittedOneRuns() async throws {
        let queue = try Fixture(overlap: .queue)
        defer { queue.directory.cleanup() }
        let busy = LocalRuns(running: 1)
        let fire = RunRequest(job: queue.job, fire: Instant(date: historyBase), trigger: .schedule, local: busy)
        #expect(queue.runner.admit(fire) == .queued)
        let manual = RunRequest.manual(queue.job, user: "ops", local: busy)
        #expect(await queue.runner.run(manual) == .runningHere(holder: "this scheduler (pid 1)"))
        #expect(try queue.store.executions(HistoryFilter(limit: 10, job: "j")).isEmpty)
        let admitted = RunRequest(job: queue.job, fire: Instant(date: historyBase), trigger: .schedule)
        #expect(queue.runner.admit(admitted) == nil)
        guard case .finished(.succeeded, let id) = await queue.runner.run(admitted) else {
            Issue.record("an admitted request did not run")
            return
        }
        #expect(try queue.store.execution(id: id)?.status == .succeeded)
    }

    @Test func aManualRequestRecordsItsOwnUserNotTheRunnersIdentity() async throws {
        let f = try Fixture(overlap: .skip)
        defer { f.directory.cleanup() }
        guard case .finished(.succeeded, let id) = await f.runner.run(.manual(f.job, user: "alice")) else {
            Issue.record("the manual run did not succeed")
            return
        }
        #expect(try f.store.execution(id: id)?.triggeredByUser == "alice")
    }

    private struct Fixture {
        let directory: HistoryTempDirectory
        let store: HistoryStore
        let job: JobDefinition
        let runner: JobRunner

        init(overlap: OverlapPolicy) throws {
            directory = try HistoryTempDirectory()
            store = try HistoryStore(path: directory.file("jobctl.db"))
            job = try JobctlCoreTests.job("j", "* * * * *", overlap: overlap, action: .builtin(testKind, options: [:]))
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            runner = JobRunner(
                environment: RunEnvironment(appDatabasePath: nil, lockDirectory: directory.path), store: store,
                clock: ManualWallClock(historyBase + 60), logger: logger,
                identity: RunnerIdentity(host: "test", pid: 1, user: "identity-user"),
                jobs: BuiltinJobRegistry([TestJob.self]))
        }
    }
}
