import Foundation
import Logging
import Testing

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlReports
@testable import JobctlRunning
@testable import JobctlScheduling
@testable import JobctlStore
@testable import JobctlTime

/// Which fires `jobctl backfill` runs, with which attempt, and what it refuses.
@Suite struct BackfillPlanTests {
    typealias Problem = BackfillPlan.Problem
    let now = Date(timeIntervalSince1970: 1_780_500_000)  // 2026-06-03T15:20:00Z

    func hourly() throws -> JobDefinition { try job("hourly", "0 * * * *", action: .builtin(testKind, options: [:])) }

    /// A store with the 11:00 fire succeeded (after a failed first attempt), 12:00 failed,
    /// 13:00 failed twice and 14:00 skipped; 15:00 never recorded.
    func store(_ dir: HistoryTempDirectory) throws -> HistoryStore {
        let store = try HistoryStore(path: dir.file("h.db"))
        func record(_ hour: Int, attempt: Int, _ status: ExecutionStatus) throws {
            let fire = try at("2026-06-01T\(hour):00:00Z")
            let start = ExecutionStart(
                job: "hourly", scheduledFor: Instant(date: fire), startedAt: fire + Double(attempt), attempt: attempt,
                triggeredBy: attempt == 1 ? .schedule : .retry, user: nil, host: "h", pid: 1)
            if status == .skipped {
                _ = try store.recordSkipped(start, reason: "overlap")
                return
            }
            let id = try #require(try store.begin(start))
            try store.finish(id: id, status: status, finishedAt: fire + 30, metrics: nil, error: nil, output: nil)
        }
        try record(11, attempt: 1, .failed)
        try record(11, attempt: 2, .succeeded)
        try record(12, attempt: 1, .failed)
        try record(13, attempt: 1, .timedOut)
        try record(13, attempt: 2, .failed)
        try record(14, attempt: 1, .skipped)
        return store
    }

    @Test func firesWithoutASuccessRunOldestFirstWithTheirNextAttempt() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let plan = try BackfillPlan.make(
            job: try hourly(), from: try at("2026-06-01T10:00:00Z"), to: try at("2026-06-01T15:00:00Z"), now: now,
            max: 100, ledger: try store(dir))
        #expect(plan.succeeded == 1)
        #expect(
            plan.fires == [
                .init(scheduledAt: try at("2026-06-01T12:00:00Z"), attempt: 2, recorded: true),
                .init(scheduledAt: try at("2026-06-01T13:00:00Z"), attempt: 3, recorded: true),
                .init(scheduledAt: try at("2026-06-01T14:00:00Z"), attempt: 2, recorded: true),
                .init(scheduledAt: try at("2026-06-01T15:00:00Z"), attempt: 1, recorded: false),
            ])
    }

    /// (from, to]: a fire at `from` is not in the range, one at `to` is.
    @Test func theRangeExcludesFromAndIncludesTo() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let plan = try BackfillPlan.make(
            job: try hourly(), from: try at("2026-06-02T10:00:00Z"), to: try at("2026-06-02T11:00:00Z"), now: now,
            max: 100, ledger: try store(dir))
        #expect(plan.fires.map(\.scheduledAt) == [try at("2026-06-02T11:00:00Z")])
    }

    @Test func moreFiresToRunThanMaxAreRefused() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        #expect(throws: Problem.tooMany(job: "hourly", max: 3)) {
            try BackfillPlan.make(
                job: try hourly(), from: try at("2026-06-01T10:00:00Z"), to: try at("2026-06-01T15:00:00Z"),
                now: now, max: 3, ledger: try store(dir))
        }
    }

    /// A year of a `* * * * * *` job stops at `max`, long before the end of the range.
    @Test func aHugeRangeIsRefusedWithoutWalkingItAll() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let everySecond = try job("tick", "* * * * * *")
        #expect(throws: Problem.tooMany(job: "tick", max: 100)) {
            try BackfillPlan.make(
                job: everySecond, from: now - 365 * 86_400, to: now, now: now, max: 100,
                ledger: try HistoryStore(path: dir.file("h.db")))
        }
    }

    @Test func badRangesAreRefusedWithOneLine() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let ledger = try HistoryStore(path: dir.file("h.db"))
        let from = try at("2026-06-01T10:00:00Z")
        #expect(throws: Problem.emptyRange(from: "2026-06-01T10:00:00+00:00", to: "2026-06-01T09:00:00+00:00")) {
            try BackfillPlan.make(job: try hourly(), from: from, to: from - 3600, now: now, max: 9, ledger: ledger)
        }
        #expect(throws: Problem.emptyRange(from: "2026-06-01T10:00:00+00:00", to: "2026-06-01T10:00:00+00:00")) {
            try BackfillPlan.make(job: try hourly(), from: from, to: from, now: now, max: 9, ledger: ledger)
        }
        #expect(throws: Problem.toInTheFuture(to: "2026-06-03T16:20:00+00:00", now: "2026-06-03T15:20:00+00:00")) {
            try BackfillPlan.make(job: try hourly(), from: from, to: now + 3600, now: now, max: 9, ledger: ledger)
        }
        #expect(
            throws: Problem.noFires(
                job: "yearly", from: "2026-06-01T10:00:00+00:00", to: "2026-06-01T10:30:00+00:00", schedule: "@yearly")
        ) {
            try BackfillPlan.make(
                job: try job("yearly", "@yearly"), from: from, to: from + 1800, now: now, max: 9, ledger: ledger)
        }
        #expect(throws: Problem.reboot(job: "boot")) {
            try BackfillPlan.make(
                job: try job("boot", "@reboot"), from: from, to: now, now: now, max: 9, ledger: ledger)
        }
    }

    /// The loop: each fire through the runner as `backfill`, with its attempt, one at a time.
    @Test func aBackfillOfAFailedFireRecordsTheNextAttempt() async throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try store(dir)
        let job = try hourly()
        let plan = try BackfillPlan.make(
            job: job, from: try at("2026-06-01T11:30:00Z"), to: try at("2026-06-01T13:00:00Z"), now: now, max: 9,
            ledger: store)
        let config = JobsConfig(
            path: dir.file("jobs.conf"), stateDatabasePath: dir.file("h.db"), appDatabasePath: nil,
            lockDirectory: dir.path, historyRetentionMilliseconds: 90 * 86_400_000, httpListen: nil,
            httpTokenFile: nil, jobs: [job])
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let runner = JobRunner(
            environment: RunEnvironment(config), store: store, clock: ManualWallClock(now), logger: logger,
            identity: RunnerIdentity(host: "h", pid: 2, user: "ops"), jobs: BuiltinJobRegistry([TestJob.self]))
        let result = await Backfill(runner: runner).run(plan, job: job)
        #expect(result.allSucceeded && result.fires.count == 2)
        let rows = try store.executions(HistoryFilter(limit: 10, job: "hourly")).filter { $0.triggeredBy == .backfill }
        #expect(
            Set(
                rows.map {
                    "\($0.scheduledAt.map { TimeText.rfc3339($0.unixSeconds, in: job.zone) } ?? "")#\($0.attempt)"
                })
                == ["2026-06-01T12:00:00+00:00#2", "2026-06-01T13:00:00+00:00#3"])
        #expect(rows.allSatisfy { $0.status == .succeeded && $0.latenessMs == nil && $0.triggeredByUser == nil })
        #expect(
            try BackfillPlan.make(
                job: job, from: try at("2026-06-01T11:30:00Z"), to: try at("2026-06-01T13:00:00Z"), now: now, max: 9,
                ledger: store
            ).fires.isEmpty)
    }
}
