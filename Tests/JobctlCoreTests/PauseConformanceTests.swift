import Foundation
import Testing

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlReports
@testable import JobctlRunning
@testable import JobctlScheduling
@testable import JobctlStore
@testable import JobctlTime

/// The pause part of the `StateStore` contract (issue 12) and the attempts of one fire
/// (`jobctl show`), run against every implementation (`StoreFactory.all`) through the protocol.
@Suite(.postgresCluster) struct PauseConformanceTests {
    typealias Fixture = ConformanceFixture

    @Test(arguments: StoreFactory.all)
    func pausingAPausedJobKeepsTheFirstPauseAndWritesNothing(factory: StoreFactory) throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        let at = historyBase + 0.25
        let first = try f.store.pause(job: "prizepool", by: "alice", note: "double payout on pool 7", at: at)
        let expected = JobPause(job: "prizepool", by: "alice", at: at, note: "double payout on pool 7")
        #expect(first == .paused(expected))
        let version = try f.store.dataVersion()
        let second = try f.secondConnection().pause(job: "prizepool", by: "bob", note: nil, at: at + 60)
        #expect(second == .alreadyPaused(expected))
        #expect(try f.store.dataVersion() == version, "the refused pause wrote something")
        #expect(try f.store.pauses() == [expected])
        #expect(try f.store.activePause(job: "prizepool") == expected)
        #expect(try f.store.activePause(job: "cleanup") == nil)
    }

    @Test(arguments: StoreFactory.all)
    func resumingAJobThatIsNotPausedWritesNothing(factory: StoreFactory) throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        #expect(try f.store.resume(job: "prizepool") == nil)
        _ = try f.store.pause(job: "prizepool", by: "alice", note: nil, at: historyBase)
        _ = try f.store.pause(job: "cleanup", by: "bob", note: "disk full", at: historyBase + 1)
        let lifted = try f.secondConnection().resume(job: "prizepool")
        #expect(lifted == JobPause(job: "prizepool", by: "alice", at: historyBase, note: nil))
        let version = try f.store.dataVersion()
        #expect(try f.secondConnection().resume(job: "prizepool") == nil)
        #expect(try f.store.dataVersion() == version, "the refused resume wrote something")
        #expect(try f.store.pauses().map(\.job) == ["cleanup"])
        #expect(try f.store.activePause(job: "prizepool") == nil)
        // Paused again after a resume: a new pause, with its own author.
        let again = JobPause(job: "prizepool", by: "carol", at: historyBase + 2, note: nil)
        #expect(try f.store.pause(job: "prizepool", by: "carol", note: nil, at: historyBase + 2) == .paused(again))
        #expect(try f.store.activePause(job: "prizepool") == again)
    }

    /// Two operators (two connections, as two hosts) pause the same 40 jobs at once, one in
    /// order and one in reverse: each job is paused once, and each pause names one of them.
    @Test(arguments: StoreFactory.all)
    func twoConnectionsPausingAtOnceRecordOnePausePerJob(factory: StoreFactory) async throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        let stores = [f.store, try f.secondConnection()]
        let jobs = (0..<40).map { "job\($0)" }
        let won = try await withThrowingTaskGroup(of: [String].self) { group in
            for (index, store) in stores.enumerated() {
                group.addTask {
                    try (index == 0 ? jobs : jobs.reversed()).filter { job in
                        if case .paused = try store.pause(job: job, by: "op\(index)", note: nil, at: historyBase) {
                            return true
                        }
                        return false
                    }
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(won.sorted() == jobs.sorted())
        let pauses = try f.store.pauses()
        #expect(pauses.map(\.job) == jobs.sorted())
        #expect(pauses.allSatisfy { $0.by == "op0" || $0.by == "op1" })
    }

    @Test(arguments: StoreFactory.all)
    func pausesOutliveRetentionAndKeepMilliseconds(factory: StoreFactory) throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        let at = Date(timeIntervalSince1970: 1_772_942_400.123)
        _ = try f.store.pause(job: "a", by: "ops", note: "ünïcode note ✓", at: at)
        try f.run("a", fire: historyBase - 86_400 * 10, status: .succeeded, seconds: 1)
        #expect(try f.store.prune(finishedBefore: historyBase, batchSize: 10) == 1)
        let pause = try #require(try f.store.activePause(job: "a"))
        #expect(HistoryTime.milliseconds(pause.at) == 1_772_942_400_123)
        #expect(pause.note == "ünïcode note ✓")
    }

    @Test(arguments: StoreFactory.all)
    func fireAttemptsListOneFireAndNothingElse(factory: StoreFactory) throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        let fire = historyBase
        let first = try #require(try f.run("a", fire: fire, status: .failed, seconds: 1))
        let retry = try #require(
            try f.store.claim(Fixture.start("a", fire: fire, at: fire + 30, attempt: 2, trigger: .retry)).claim)
        try f.store.finish(retry, ExecutionEnd(status: .succeeded, finishedAt: fire + 31))
        // Neighbours that are not this fire: another fire, another job, manual runs.
        try f.run("a", fire: fire + 60, status: .succeeded, seconds: 1)
        try f.run("b", fire: fire, status: .succeeded, seconds: 1)
        try f.run("a", fire: nil, status: .succeeded, seconds: 1, trigger: .manual)
        let attempts = try f.store.fireAttempts(job: "a", scheduledAt: fire)
        #expect(attempts.map(\.id) == [first.runID, retry.runID])
        #expect(attempts.map(\.attempt) == [1, 2])
        #expect(try f.store.fireAttempts(job: "a", scheduledAt: fire + 1).isEmpty)
        let detail = try #require(try RunDetail.load(id: retry.runID, from: f.store))
        #expect(detail.execution.id == retry.runID)
        #expect(detail.otherAttempts.map(\.id) == [first.runID])
        #expect(try RunDetail.load(id: 999_999, from: f.store) == nil)
    }
}

/// SQLite only: what the scheduler reads at every fire is one lookup of an index.
@Suite struct PauseQueryPlanTests {
    @Test func thePauseReadAtEachFireIsOneKeyLookup() throws {
        let directory = try HistoryTempDirectory()
        defer { directory.cleanup() }
        let store = try HistoryStore(path: directory.file("state.db"))
        let plan = try store.queryPlan(
            "SELECT job, paused_by, paused_at, note FROM job_pauses WHERE job = ?", arguments: ["a"])
        #expect(plan.count == 1 && plan[0].contains("USING PRIMARY KEY (job=?)"), "\(plan)")
        let attempts = try store.queryPlan(
            """
            SELECT * FROM job_executions
            WHERE job = ? AND scheduled_at = ? AND triggered_by IN \(BackfillTriggerSchema.fireTriggers)
            ORDER BY attempt, id
            """, arguments: ["a", 1])
        #expect(attempts.contains { $0.contains("job_executions_fire") }, "\(attempts)")
    }

    @Test func theMigrationIsNamedV6JobPausesAndComesRightAfterV5() throws {
        let names = HistoryStore.migrationNames
        let v5 = try #require(names.firstIndex(of: "v5 create job work markers"))
        #expect(names.firstIndex(of: "v6-job-pauses") == v5 + 1)
    }
}
