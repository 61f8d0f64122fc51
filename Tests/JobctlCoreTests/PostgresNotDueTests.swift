import Foundation
import JobctlPostgres
import JobctlPostgresStore
import Logging
import Testing

@testable import JobctlConfig
@testable import JobctlRunning
@testable import JobctlStore
@testable import JobctlTime

/// A node whose clock runs ahead of the database's wakes before the fire. Before, its claim
/// failed "not due", the runner logged "Cannot record the run" and dropped the fire on that
/// node; with every node ahead, the fire never ran (the model's `NOT_DUE_IS_TAKEN`). Now the
/// runner waits out the gap and claims the same fire again (`NOT_DUE`, docs/several-hosts.md).
@Suite(.postgresCluster) struct PostgresNotDueTests {
    @Test func aNodeWhoseClockIsAheadClaimsTheFireOnceTheDatabaseSaysItIsDue() async throws {
        let nodes = try PostgresNodes()
        let store = try nodes.node(times: .database)
        let directory = try HistoryTempDirectory()
        defer { directory.cleanup() }
        let definition = try job("ahead", "* * * * *", action: .builtin(testKind, options: [:]))
        let config = JobsConfig(
            path: directory.file("jobs.conf"), stateDatabasePath: "postgresql://test/unused", appDatabasePath: nil,
            lockDirectory: directory.path, historyRetentionMilliseconds: 86_400_000, httpListen: nil,
            httpTokenFile: nil, jobs: [definition])
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let runner = JobRunner(
            environment: RunEnvironment(config), store: store, clock: SystemClockForTests(), logger: logger,
            identity: RunnerIdentity(host: "test", pid: 1, user: "tester"), jobs: BuiltinJobRegistry([TestJob.self]))
        // The fire is 1.5 s ahead of the database's clock: this node woke early.
        let fire = try nodes.now().addingTimeInterval(1.5)
        let outcome = await runner.run(RunRequest(job: definition, fire: Instant(date: fire), trigger: .schedule))
        guard case .finished(.succeeded, let id) = outcome else {
            Issue.record("the early node did not run the fire once it was due: \(outcome)")
            return
        }
        let row = try #require(try store.execution(id: id))
        #expect(row.scheduledAt.map(HistoryTime.milliseconds) == HistoryTime.milliseconds(fire))
        // Started by the database's clock, at or after the fire: no early run.
        #expect(HistoryTime.milliseconds(row.startedAt) >= HistoryTime.milliseconds(fire))
        #expect(try nodes.rowCount() == 1)
    }
}
