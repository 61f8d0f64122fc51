import Foundation
import GRDB
import Testing

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlReports
@testable import JobctlRunning
@testable import JobctlScheduling
@testable import JobctlStore
@testable import JobctlTime

/// `HookRunStore` and `FireLedger` through the `StateStore` contract (every store), and the
/// "v7-hook-runs" migration on an existing SQLite history.
@Suite(.postgresCluster) struct HookStoreTests {
    typealias Fixture = ConformanceFixture

    func hook(_ runID: Int64, _ event: HookEvent, at seconds: Double) -> HookRunStart {
        HookRunStart(runID: runID, job: "a", event: event, startedAt: atSecond(seconds), host: "h", pid: 7)
    }

    @Test(arguments: StoreFactory.all)
    func aHookRunIsRecordedRunningThenEndsOnce(factory: StoreFactory) throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        let run = try #require(try f.run("a", fire: historyBase, status: .failed, seconds: 1))
        let id = try f.store.beginHookRun(hook(run.runID, .failure, at: 2))
        #expect(try f.store.hookRuns(runID: run.runID).map(\.status) == [.running])
        let end = HookRunEnd(
            status: .failed, finishedAt: atSecond(2.5), exitCode: 7, error: "exit status 7", output: "x")
        #expect(try f.store.finishHookRun(id: id, end))
        #expect(try !f.store.finishHookRun(id: id, HookRunEnd(status: .succeeded, finishedAt: atSecond(3))))
        let row = try #require(try f.store.hookRuns(runID: run.runID).first)
        #expect(row.status == .failed && row.exitCode == 7 && row.durationMs == 500 && row.error == "exit status 7")
        #expect(row.event == .failure && row.job == "a" && row.host == "h" && row.pid == 7 && row.output == "x")
    }

    @Test(arguments: StoreFactory.all)
    func theLatestHookOfAnEventIsTheNewestStarted(factory: StoreFactory) throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        let run = try #require(try f.run("a", fire: historyBase, status: .failed, seconds: 1))
        #expect(try f.store.latestHookRun(job: "a", event: .failure) == nil)
        _ = try f.store.beginHookRun(hook(run.runID, .failure, at: 5))
        _ = try f.store.beginHookRun(hook(run.runID, .failure, at: 9))
        _ = try f.store.beginHookRun(hook(run.runID, .overdue, at: 20))
        #expect(try f.store.latestHookRun(job: "a", event: .failure)?.startedAt == atSecond(9))
        #expect(try f.store.latestHookRun(job: "a", event: .overdue)?.startedAt == atSecond(20))
        #expect(try f.store.latestHookRun(job: "b", event: .failure) == nil)
    }

    @Test(arguments: StoreFactory.all)
    func hookRowsOfADeadProcessAreInterruptedAtStart(factory: StoreFactory) throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        let run = try #require(try f.run("a", fire: historyBase, status: .failed, seconds: 1))
        _ = try f.store.beginHookRun(hook(run.runID, .failure, at: 2))
        #expect(try f.store.recoverHookRuns(now: atSecond(60)) { _, _ in false } == 0)
        #expect(try f.store.recoverHookRuns(now: atSecond(60)) { host, pid in host == "h" && pid == 7 } == 1)
        let row = try #require(try f.store.hookRuns(runID: run.runID).first)
        #expect(row.status == .interrupted && row.error == "process 7 on h died" && row.finishedAt == atSecond(60))
    }

    @Test(arguments: StoreFactory.all)
    func pruningARunRemovesItsHooks(factory: StoreFactory) throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        let old = try #require(try f.run("a", fire: historyBase, status: .failed, seconds: 1))
        let kept = try #require(try f.run("a", fire: historyBase + 86_400, status: .failed, seconds: 1))
        let oldHook = try f.store.beginHookRun(hook(old.runID, .failure, at: 2))
        try f.store.finishHookRun(id: oldHook, HookRunEnd(status: .succeeded, finishedAt: atSecond(3)))
        _ = try f.store.beginHookRun(hook(kept.runID, .failure, at: 86_402))
        #expect(try f.store.prune(finishedBefore: historyBase + 3600, batchSize: 10) == 1)
        #expect(try f.store.hookRuns(runID: old.runID).isEmpty)
        #expect(try f.store.hookRuns(runID: kept.runID).count == 1)
    }

    @Test(arguments: StoreFactory.all)
    func aBackfillClaimsTheSameFireKeyAsTheSchedule(factory: StoreFactory) throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        try f.run("a", fire: historyBase, status: .failed, seconds: 1)
        #expect(try f.store.claim(Fixture.start("a", fire: historyBase, trigger: .backfill)) == .alreadyClaimed)
        #expect(try f.store.claim(Fixture.start("a", fire: historyBase, attempt: 2, trigger: .backfill)).claim != nil)
        // And the other way round: a backfilled fire is taken for the scheduler too.
        #expect(try f.store.claim(Fixture.start("a", fire: historyBase + 60, trigger: .backfill)).claim != nil)
        #expect(try f.store.claim(Fixture.start("a", fire: historyBase + 60)) == .alreadyClaimed)
        let backfill = try f.allRows().filter { $0.triggeredBy == .backfill }
        #expect(backfill.count == 2 && backfill.allSatisfy { $0.latenessMs == nil })
    }

    @Test(arguments: StoreFactory.all)
    func recordedFiresGiveTheLastAttemptAndAnySuccess(factory: StoreFactory) throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        try f.run("a", fire: historyBase, status: .failed, seconds: 1)
        let retry = try #require(
            try f.store.claim(Fixture.start("a", fire: historyBase, at: historyBase + 5, attempt: 2, trigger: .retry))
                .claim)
        try f.store.finish(retry, ExecutionEnd(status: .succeeded, finishedAt: historyBase + 6))
        try f.run("a", fire: historyBase + 60, status: .partial, seconds: 1)
        _ = try f.store.claimSkipped(Fixture.start("a", fire: historyBase + 120), reason: "overlap")
        try f.run("a", fire: historyBase + 180, status: .succeeded, seconds: 1)  // outside (after, through]
        try f.run("b", fire: historyBase + 60, status: .succeeded, seconds: 1)
        try f.run("a", fire: nil, status: .succeeded, seconds: 1, trigger: .manual)
        let fires = try f.store.recordedFires(job: "a", after: historyBase - 1, through: historyBase + 120)
        #expect(
            fires == [
                RecordedFire(scheduledAt: historyBase, lastAttempt: 2, succeeded: true),
                RecordedFire(scheduledAt: historyBase + 60, lastAttempt: 1, succeeded: false),
                RecordedFire(scheduledAt: historyBase + 120, lastAttempt: 1, succeeded: false),
            ])
        #expect(try f.store.recordedFires(job: "a", after: historyBase, through: historyBase + 60).count == 1)
    }

    /// The v7 step widens v1's CHECK constraints in place; a history written by an older jobctl
    /// keeps its rows and still refuses what v1 refused.
    @Test func anOlderHistoryTakesBackfillRowsAfterTheUpgrade() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let path = dir.file("h.db")
        let queue = try DatabaseQueue(path: path)
        try HistoryStore.migrate(queue, path: path, upTo: "v5 create job work markers")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO job_executions (job, status, started_at, finished_at, triggered_by, scheduled_at,
                        host, pid) VALUES ('a', 'failed', 1000, 2000, 'schedule', 1000, 'h', 1)
                    """)
        }
        try queue.close()
        let store = try HistoryStore(path: path)
        #expect(HistoryStore.migrationNames.last == "v7-hook-runs")
        let fire = Date(timeIntervalSince1970: 1)
        #expect(try store.claim(Fixture.start("a", fire: fire, trigger: .backfill)) == .alreadyClaimed)
        #expect(try store.claim(Fixture.start("a", fire: fire, attempt: 2, trigger: .backfill)).claim != nil)
        #expect(try store.executions(HistoryFilter(job: "a")).count == 2)
        try store.write { db throws -> Void in
            #expect(throws: DatabaseError.self) {
                try db.execute(
                    sql: """
                        INSERT INTO job_executions (job, status, started_at, triggered_by, host, pid)
                        VALUES ('a', 'running', 5, 'backfill', 'h', 1)
                        """)
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(
                    sql: """
                        INSERT INTO job_executions (job, status, started_at, triggered_by, scheduled_at, host, pid)
                        VALUES ('a', 'running', 5, 'bogus', 5, 'h', 1)
                        """)
            }
        }
        #expect(try store.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
    }

    @Test func recordedFiresReadTheFireIndex() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        let plan = try store.queryPlan(
            """
            SELECT scheduled_at, MAX(attempt), MAX(status = 'succeeded') FROM job_executions
            WHERE job = 'a' AND triggered_by IN \(BackfillTriggerSchema.fireTriggers)
              AND scheduled_at > 0 AND scheduled_at <= 10
            GROUP BY scheduled_at ORDER BY scheduled_at
            """)
        #expect(plan.joined().contains("job_executions_fire"), "\(plan)")
    }
}
