import Foundation
import JobctlPostgres
import JobctlPostgresStore
import Logging
import Testing

@testable import JobctlConfig
@testable import JobctlRunning
@testable import JobctlScheduling
@testable import JobctlStore
@testable import JobctlTime

/// The scheduler on a PostgreSQL store: the fires due at one tick claimed in one statement per
/// node (`Scheduler+Batch`), and runs claimed before the scheduler saw them (`startHeld`: the
/// reaper's retries, dequeued fires) counted as its runs.
///
/// Before, each fire was claimed by its own statement (and its pause read by another): 1,000
/// fires due in one second across three nodes started 2.3 s late at p99 (docs/benchmarks.md).
@Suite(.postgresCluster) struct SchedulerBatchClaimTests {
    /// A scheduler of `jobs` on its own node of `nodes`, on the system clock.
    struct Node {
        let store: PostgresStateStore
        let scheduler: Scheduler
        let events: AsyncStream<SchedulerEvent>.Continuation
        let task: Task<Void, Never>

        init(
            _ nodes: PostgresNodes, host: String, jobs: [JobDefinition], directory: HistoryTempDirectory,
            maxConcurrent: Int? = nil
        ) throws {
            // A lease far longer than any test: nothing renews it here, and a starved machine
            // (the whole suite in parallel) must not see a run reaped under it.
            store = try nodes.node(lease: .seconds(3600), times: .database)
            var draft = JobsConfig(
                path: directory.file("jobs.conf"), stateDatabasePath: "postgresql://test/unused",
                appDatabasePath: nil, lockDirectory: directory.path, historyRetentionMilliseconds: 86_400_000,
                httpListen: nil, httpTokenFile: nil, jobs: jobs)
            draft.maxConcurrent = maxConcurrent
            let config = draft
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            scheduler = Scheduler(
                config: config, store: store, clock: SystemClockForTests(), logger: logger,
                identity: RunnerIdentity(host: host, pid: 1, user: "tester"),
                jobs: BuiltinJobRegistry([TestJob.self]), maxSleep: 1, runGuard: FreeRunGuard(),
                loadConfig: { () throws(ConfigErrors) -> JobsConfig in config })
            let (stream, continuation) = AsyncStream.makeStream(of: SchedulerEvent.self)
            events = continuation
            let scheduler = self.scheduler
            task = Task { await scheduler.run(events: stream) }
        }

        func stop(grace: Duration = .seconds(5)) async {
            events.yield(.shutdown(grace: grace))
            await task.value
        }
    }

    /// Waits (hang guard: 120 s, for a machine starved by the whole suite) until `condition`
    /// (one boolean) holds in the database.
    func waitUntil(_ nodes: PostgresNodes, _ condition: String) async throws {
        let deadline = Date().addingTimeInterval(120)
        while try nodes.value(condition) != "t" {
            guard Date() < deadline else { throw ClusterError("not within 120 s: \(condition)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test func firesDueTogetherAreClaimedInOneStatementPerNode() async throws {
        let nodes = try PostgresNodes()
        let directory = try HistoryTempDirectory()
        defer { directory.cleanup() }
        // overlap=allow: on a starved machine a run may outlast its second, and an overlap skip is
        // a row of its own statement.
        let jobs =
            try (0..<5).map {
                try job("every\($0)", "* * * * * *", overlap: .allow, action: .builtin(testKind, options: [:]))
            }
            + [try job("paused", "* * * * * *", overlap: .allow, action: .builtin(testKind, options: [:]))]
        let pauser = try nodes.node()
        _ = try pauser.pause(job: "paused", by: "tester", note: "maintenance", at: Date())
        let a = try Node(nodes, host: "a", jobs: jobs, directory: directory)
        let b = try Node(nodes, host: "b", jobs: jobs, directory: directory)
        try await waitUntil(
            nodes, "SELECT count(DISTINCT scheduled_at) >= 3 FROM jobctl_execution WHERE job <> 'paused'")
        await a.stop()
        await b.stop()

        // Each fire once, whoever won it.
        #expect(
            try nodes.value(
                """
                SELECT count(*) FROM (SELECT job, scheduled_at FROM jobctl_execution
                                      GROUP BY 1, 2 HAVING count(*) > 1) twice
                """) == "0")
        // The runs a node won at one instant share one transaction's now(): one statement. With
        // a statement per fire, each had its own.
        #expect(
            try nodes.value(
                """
                SELECT count(*) FROM (SELECT scheduled_at, host FROM jobctl_execution WHERE job <> 'paused'
                                      GROUP BY 1, 2 HAVING count(DISTINCT started_at) > 1) apart
                """) == "0")
        // Not vacuous: instants were run, and some node won several fires of one instant.
        let instants = Int(try nodes.value("SELECT count(DISTINCT scheduled_at) FROM jobctl_execution") ?? "") ?? 0
        #expect(instants >= 2)
        let most = try nodes.value(
            "SELECT max(c) FROM (SELECT count(*) AS c FROM jobctl_execution WHERE job <> 'paused' GROUP BY scheduled_at, host) n"
        )
        #expect((Int(most ?? "") ?? 0) >= 2)
        #expect(
            try nodes.value(
                "SELECT count(*) FROM jobctl_execution WHERE job <> 'paused' AND status NOT IN ('succeeded', 'interrupted')"
            )
                == "0")
        // The paused job's fires are left to the runner, which records them skipped with the pause.
        let paused = try nodes.value(
            "SELECT count(*) FILTER (WHERE status = 'skipped' AND error LIKE '%paused%') = count(*) AND count(*) > 0 FROM jobctl_execution WHERE job = 'paused'"
        )
        let pausedRows = try nodes.value(
            "SELECT string_agg(status || ' ' || COALESCE(error, ''), '; ') FROM jobctl_execution WHERE job = 'paused'")
        #expect(paused == "t", "the paused job's rows: \(pausedRows ?? "none")")
    }

    @Test func theBatchClaimsOnlyTheFiresThatHaveASlot() async throws {
        let nodes = try PostgresNodes()
        let directory = try HistoryTempDirectory()
        defer { directory.cleanup() }
        let jobs = try (0..<4).map {
            try job("capped\($0)", "* * * * * *", action: .builtin(testKind, options: ["block_ms": .integer(150)]))
        }
        let node = try Node(nodes, host: "a", jobs: jobs, directory: directory, maxConcurrent: 2)
        try await waitUntil(
            nodes, "SELECT count(*) >= 2 FROM jobctl_execution WHERE status = 'succeeded' AND lateness_ms >= 100")
        await node.stop()
        // Two slots: the batch claimed two fires of an instant; the others waited and were
        // claimed alone when a slot freed up (their own statement, later).
        let together = try nodes.value(
            "SELECT max(c) FROM (SELECT count(*) AS c FROM jobctl_execution GROUP BY scheduled_at, started_at) n")
        #expect(together == "2")
        let alone = try nodes.value(
            "SELECT count(*) FROM jobctl_execution WHERE status = 'succeeded' AND lateness_ms >= 100")
        #expect((Int(alone ?? "") ?? 0) >= 2)
        #expect(
            try nodes.value(
                "SELECT count(*) FROM (SELECT job, scheduled_at FROM jobctl_execution GROUP BY 1, 2 HAVING count(*) > 1) d"
            ) == "0")
    }

    @Test func aRunClaimedBeforeTheSchedulerSawItCountsAsItsRunAndIsInterruptedOnShutdown() async throws {
        let nodes = try PostgresNodes()
        let directory = try HistoryTempDirectory()
        defer { directory.cleanup() }
        let slow = try job("slow", "0 0 1 1 *", action: .builtin(testKind, options: ["block_ms": .integer(60_000)]))
        let node = try Node(nodes, host: "a", jobs: [slow], directory: directory)
        let fire = Instant(date: try nodes.now().addingTimeInterval(-1))
        func held(_ attempt: Int) throws -> HeldClaim {
            let start = ExecutionStart(
                job: "slow", scheduledFor: fire, startedAt: Date(), attempt: attempt, triggeredBy: .retry, user: nil,
                host: "a", pid: 1)
            let claim = try #require(try node.store.claim(start).claim)
            return HeldClaim(claim: claim, leaseStart: BootClock.now(), startedAt: Date())
        }
        let first = try held(2)
        await node.scheduler.startHeld(JobRunner.reclaimed(slow, fire: fire, attempt: 2), held: first)
        #expect(await node.scheduler.runningCount == 1)
        #expect(await node.scheduler.snapshot().jobs.first { $0.name == "slow" }?.running == 1)
        await node.stop(grace: .zero)
        let row = try #require(try node.store.execution(id: first.claim.runID))
        #expect(row.status == .interrupted)
        #expect(row.attempt == 2)

        // One handed over once the scheduler stopped is ended at once, not left for the reaper.
        let late = try held(3)
        await node.scheduler.startHeld(JobRunner.reclaimed(slow, fire: fire, attempt: 3), held: late)
        let lateRow = try #require(try node.store.execution(id: late.claim.runID))
        #expect(lateRow.status == .interrupted)
        #expect(lateRow.error?.contains("shutting down") == true)
    }
}
