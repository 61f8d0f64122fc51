import Foundation
import Testing

@testable import JobctlStore

/// Every behaviour of the `StateStore` contract, run against every implementation
/// (`StoreFactory.all`: SQLite and PostgreSQL), through the protocol only. One throw-away
/// PostgreSQL cluster serves the whole suite (a database per test); PostgreSQL's own tests are
/// in `StoreConformanceTests+Postgres.swift`.
@Suite(.postgresCluster) struct StoreConformanceTests {
    typealias Fixture = ConformanceFixture

    @Test(arguments: StoreFactory.all)
    func aFireIsClaimedOnceWhateverRecordsIt(factory: StoreFactory) throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        let fire = historyBase
        #expect(try f.store.claim(Fixture.start("a", fire: fire)).claim != nil)
        #expect(try f.store.claim(Fixture.start("a", fire: fire)) == .alreadyClaimed)
        #expect(try f.store.claimSkipped(Fixture.start("a", fire: fire), reason: "overlap") == .alreadyClaimed)
        #expect(try f.store.claim(Fixture.start("a", fire: fire, trigger: .catchup)) == .alreadyClaimed)
        // Another attempt, another job, another fire: each a fire of its own.
        #expect(try f.store.claim(Fixture.start("a", fire: fire, attempt: 2, trigger: .retry)).claim != nil)
        #expect(try f.store.claim(Fixture.start("b", fire: fire)).claim != nil)
        #expect(try f.store.claimSkipped(Fixture.start("a", fire: fire + 60), reason: "overlap").claim != nil)
        #expect(try f.store.claim(Fixture.start("a", fire: fire + 60)) == .alreadyClaimed)
        // Manual runs have no fire: every claim succeeds.
        #expect(try f.store.claim(Fixture.start("a", fire: nil, trigger: .manual)).claim != nil)
        #expect(try f.store.claim(Fixture.start("a", fire: nil, trigger: .manual)).claim != nil)
        #expect(try f.allRows().count == 6)
    }

    /// Two connections (as two processes or hosts would) race for the same 150 fires, one in
    /// order and one in reverse: every fire is claimed exactly once.
    @Test(arguments: StoreFactory.all)
    func twoConnectionsRacingForTheSameFiresClaimEachOnce(factory: StoreFactory) async throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        let stores = [f.store, try f.secondConnection()]
        let fires = (0..<150).map { historyBase.addingTimeInterval(Double($0) * 60) }
        let won = try await withThrowingTaskGroup(of: [Date].self) { group in
            for (index, store) in stores.enumerated() {
                group.addTask {
                    try (index == 0 ? fires : fires.reversed()).filter { fire in
                        try store.claim(Fixture.start("race", fire: fire)).claim != nil
                    }
                }
            }
            return try await group.reduce(into: [Date]()) { $0 += $1 }
        }
        #expect(won.count == fires.count)
        #expect(Set(won) == Set(fires))
        #expect(try f.allRows().count == fires.count)
    }

    @Test(arguments: StoreFactory.all)
    func aRunEndsOnceAndLateWritesAreRejected(factory: StoreFactory) throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        let claim = try #require(try f.store.claim(Fixture.start("a", fire: historyBase)).claim)
        #expect(claim.runID == claim.token || factory.name != "SQLite")
        #expect(try f.store.renew(claim, now: historyBase + 1))
        let end = ExecutionEnd(status: .failed, finishedAt: historyBase + 2, error: "exit status 1", output: "boom")
        #expect(try f.store.finish(claim, end))
        #expect(try !f.store.finish(claim, ExecutionEnd(status: .succeeded, finishedAt: historyBase + 3)))
        #expect(try !f.store.renew(claim, now: historyBase + 3))
        let row = try #require(try f.store.execution(id: claim.runID))
        #expect(row.status == .failed && row.durationMs == 2000 && row.error == "exit status 1" && row.output == "boom")
        #expect(try f.store.lastExecution(job: "a")?.id == claim.runID)
    }

    @Test(arguments: StoreFactory.withoutLeases)
    func recoveryMarksOnlyRunsWhoseGuardIsFree(factory: StoreFactory) throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        let dead = try #require(try f.store.claim(Fixture.start("dead", fire: historyBase)).claim)
        let alive = try #require(try f.store.claim(Fixture.start("alive", fire: historyBase)).claim)
        let done = try #require(try f.run("dead", fire: historyBase - 60, status: .succeeded, seconds: 1))
        #expect(try f.store.recoverInterrupted(now: historyBase + 10) { $0 == "dead" } == 1)
        #expect(try f.store.execution(id: dead.runID)?.status == .interrupted)
        #expect(try f.store.execution(id: alive.runID)?.status == .running)
        #expect(try f.store.execution(id: done.runID)?.status == .succeeded)
        // The dead run's process, were it to come back, writes nothing more.
        #expect(try !f.store.renew(dead, now: historyBase + 11))
        #expect(try !f.store.finish(dead, ExecutionEnd(status: .succeeded, finishedAt: historyBase + 11)))
        #expect(try f.store.execution(id: dead.runID)?.status == .interrupted)
        #expect(try f.store.renew(alive, now: historyBase + 11))
        #expect(try f.store.recoverInterrupted(now: historyBase + 12) { $0 == "dead" } == 0)
    }

    @Test(arguments: StoreFactory.all)
    func catchUpReadsTheNewestScheduledOrCaughtUpFire(factory: StoreFactory) throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        #expect(try f.store.lastScheduledFire(job: "a") == nil)
        try f.run("a", fire: historyBase, status: .succeeded, seconds: 1)
        _ = try f.store.claimSkipped(Fixture.start("a", fire: historyBase + 120), reason: "overlap")
        try f.run("a", fire: historyBase + 60, status: .failed, seconds: 1, trigger: .catchup)
        // Neither retries nor manual runs nor other jobs count.
        _ = try f.store.claim(Fixture.start("a", fire: historyBase + 600, attempt: 2, trigger: .retry))
        try f.run("a", fire: nil, status: .succeeded, seconds: 1, trigger: .manual)
        try f.run("b", fire: historyBase + 900, status: .succeeded, seconds: 1)
        #expect(try f.store.lastScheduledFire(job: "a")?.date == historyBase + 120)
        #expect(try f.store.lastScheduledFire(job: "b")?.date == historyBase + 900)
    }

    @Test(arguments: StoreFactory.all)
    func historyFiltersByJobStatusSinceAndLimitNewestFirst(factory: StoreFactory) throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        for minute in 0..<6 {
            let fire = historyBase.addingTimeInterval(Double(minute) * 60)
            try f.run(minute % 2 == 0 ? "a" : "b", fire: fire, status: minute < 4 ? .succeeded : .failed, seconds: 1)
        }
        let all = try f.store.executions(HistoryFilter(limit: 100))
        #expect(all.map(\.startedAt) == all.map(\.startedAt).sorted(by: >))
        #expect(all.count == 6)
        #expect(try f.store.executions(HistoryFilter(limit: 2)).map(\.id) == all.prefix(2).map(\.id))
        #expect(try f.store.executions(HistoryFilter(limit: 100, job: "a")).count == 3)
        #expect(try f.store.executions(HistoryFilter(limit: 100, status: .failed)).count == 2)
        let since = try f.store.executions(HistoryFilter(limit: 100, job: "b", since: historyBase + 120))
        #expect(since.map(\.scheduledAt) == [historyBase + 300, historyBase + 180])
        #expect(try f.store.executions(HistoryFilter(limit: 0)).isEmpty)
        #expect(try f.store.execution(id: 999_999) == nil)
    }

    /// Random runs, skips, recoveries and prunes through the contract: the summaries equal a
    /// recomputation over every execution recorded (all time) and over the rows kept (windows).
    @Test(arguments: StoreFactory.all, 0..<4)
    func summariesEqualARecomputation(factory: StoreFactory, seed: UInt64) throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        var rng = SeededGenerator(seed: seed)
        var model = SummaryModel()
        var open: [RunClaim] = []
        for step in 0..<240 {
            try Self.randomStep(f, &rng, &open, step: step)
            model.sync(with: try f.allRows())
        }
        let report = try f.store.summaryReport(SummaryRequest())
        #expect(Dictionary(uniqueKeysWithValues: report.jobs.map { ($0.job, $0) }) == model.allTime(), "seed \(seed)")
        for days in [1, 3, 5] {
            let since = HistoryTime.milliseconds(historyBase) + Int64(days) * 86_400_000 + 1234
            let window = try f.store.summaryReport(SummaryRequest(since: HistoryTime.date(milliseconds: since)))
            #expect(
                Dictionary(uniqueKeysWithValues: window.jobs.map { ($0.job, $0) }) == model.window(sinceMs: since),
                "seed \(seed), since day \(days)")
        }
    }

    static func randomStep(_ f: Fixture, _ rng: inout SeededGenerator, _ open: inout [RunClaim], step: Int) throws {
        let job = ["alpha", "beta", "gamma"][Int.random(in: 0..<3, using: &rng)]
        let fire = historyBase.addingTimeInterval(Double(step) * 2_700 + Double(Int.random(in: 0...9, using: &rng)))
        let start = Fixture.start(job, fire: fire, at: fire.addingTimeInterval(Double.random(in: 0...5, using: &rng)))
        switch Int.random(in: 0..<20, using: &rng) {
        case 0..<9:
            if let claim = try f.store.claim(start).claim { open.append(claim) }
        case 9..<15 where !open.isEmpty:
            let claim = open.remove(at: Int.random(in: 0..<open.count, using: &rng))
            let statuses: [ExecutionStatus] = [.succeeded, .succeeded, .failed, .partial, .timedOut]
            let status = statuses.randomElement(using: &rng) ?? .succeeded
            let ran = Double(Int.random(in: 0...400_000, using: &rng)) / 1000
            try f.store.finish(claim, ExecutionEnd(status: status, finishedAt: start.startedAt + ran))
        case 15..<17:
            _ = try f.store.claimSkipped(start, reason: "previous run still running (overlap=skip)")
        case 17:
            let stuck = Set(open.prefix(1).map(\.runID))
            let jobs = try Set(stuck.compactMap { try f.store.execution(id: $0)?.job })
            _ = try f.store.recoverInterrupted(now: start.startedAt) { jobs.contains($0) }
        case 18:
            _ = try f.store.prune(finishedBefore: fire.addingTimeInterval(-86_400 * 3), batchSize: 7)
        default:
            try f.run(job, fire: nil, status: .failed, seconds: 0.5, trigger: .manual)
        }
    }

    @Test(arguments: StoreFactory.all)
    func pruningKeepsAllTimeFiguresAndCounters(factory: StoreFactory) throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        for hour in 0..<48 {
            let status: ExecutionStatus = hour % 5 == 0 ? .failed : .succeeded
            try f.run(hour % 2 == 0 ? "a" : "b", fire: historyBase + Double(hour) * 3600, status: status, seconds: 3)
        }
        let running = try #require(try f.store.claim(Fixture.start("a", fire: historyBase - 86_400)).claim)
        let allTime = try f.store.summaryReport(SummaryRequest())
        let metrics = try f.store.metricsSnapshot()
        let deleted = try f.store.prune(finishedBefore: historyBase + 30 * 3600, batchSize: 4)
        #expect(deleted == 30)
        #expect(try f.store.summaryReport(SummaryRequest()).jobs == allTime.jobs)
        #expect(try f.store.metricsSnapshot() == metrics)
        #expect(try f.store.execution(id: running.runID)?.status == .running)
        #expect(try f.allRows().count == 48 - 30 + 1)
        let window = try f.store.stats(job: nil, since: historyBase - 86_400 * 2)
        #expect(window.overall.runs == 48 - 30 + 1)
    }

    @Test(arguments: StoreFactory.all)
    func theDataVersionChangesWhenAnotherConnectionCommits(factory: StoreFactory) throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        let reader = try f.secondConnection()
        let before = try reader.dataVersion()
        #expect(try reader.dataVersion() == before)
        try f.run("a", fire: historyBase, status: .succeeded, seconds: 1)
        #expect(try reader.dataVersion() != before)
    }
}
