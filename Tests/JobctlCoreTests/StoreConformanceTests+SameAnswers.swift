import Foundation
import JobctlConfig
import JobctlPostgresStore
import JobctlReports
import JobctlTime
import Testing

@testable import JobctlStore

/// Issue 11: `history`, `stats`, `list`, `metrics` and the HTTP status read PostgreSQL exactly
/// as they read SQLite. The same random history (runs, failures with metrics, skips, manual
/// runs, pruning) is written through the protocol to both stores; every read must agree, down
/// to the Prometheus text. Ids are left out of the comparison (PostgreSQL's identity skips the
/// values of claims that lost), their order is not.
extension StoreConformanceTests {
    @Test(arguments: 0..<3)
    func bothStoresGiveTheSameAnswersOnTheSameHistory(seed: UInt64) throws {
        let directory = try HistoryTempDirectory()
        defer { directory.cleanup() }
        let sqlite = try HistoryStore(path: directory.file("state.db"))
        let postgres = try PostgresNodes().node()
        var rng = SeededGenerator(seed: seed)
        var open: [(RunClaim, RunClaim, ExecutionStart)] = []
        for step in 0..<160 {
            try Self.sameStep(sqlite, postgres, &rng, &open, step: step)
        }
        try Self.expectSameReads(sqlite, postgres, seed: seed)
    }

    static func sameStep(
        _ sqlite: HistoryStore, _ postgres: PostgresStateStore, _ rng: inout SeededGenerator,
        _ open: inout [(RunClaim, RunClaim, ExecutionStart)], step: Int
    ) throws {
        let job = ["alpha", "beta", "prizepool"][Int.random(in: 0..<3, using: &rng)]
        let fire = historyBase.addingTimeInterval(Double(step) * 3_100 + Double(Int.random(in: 0...9, using: &rng)))
        let late = Double(Int.random(in: -500...4_000, using: &rng)) / 1000
        let trigger: TriggerKind = Int.random(in: 0..<6, using: &rng) == 0 ? .catchup : .schedule
        let start = ConformanceFixture.start(job, fire: fire, at: fire + late, trigger: trigger)
        switch Int.random(in: 0..<20, using: &rng) {
        case 0..<9:
            let a = try sqlite.claim(start)
            let b = try postgres.claim(start)
            #expect((a.claim == nil) == (b.claim == nil))
            if let a = a.claim, let b = b.claim { open.append((a, b, start)) }
        case 9..<15 where !open.isEmpty:
            let (a, b, begun) = open.remove(at: Int.random(in: 0..<open.count, using: &rng))
            let end = randomEnd(begun, &rng)
            #expect(try sqlite.finish(a, end) == postgres.finish(b, end))
        case 15..<17:
            let skipped = try sqlite.claimSkipped(start, reason: "overlap")
            #expect(
                try skipped.claim == nil
                    ? postgres.claimSkipped(start, reason: "overlap") == .alreadyClaimed
                    : postgres.claimSkipped(start, reason: "overlap").claim != nil)
        case 17:
            let cutoff = fire.addingTimeInterval(-86_400 * 2)
            let pruned = try sqlite.prune(finishedBefore: cutoff, batchSize: 5)
            #expect(try pruned == postgres.prune(finishedBefore: cutoff, batchSize: 5))
        default:
            let manual = ConformanceFixture.start(job, fire: nil, at: fire + 30, trigger: .manual)
            let (a, b) = (try #require(try sqlite.claim(manual).claim), try #require(try postgres.claim(manual).claim))
            let end = ExecutionEnd(status: .failed, finishedAt: fire + 30.5, error: "exit status 2", output: "boom")
            #expect(try sqlite.finish(a, end) && postgres.finish(b, end))
        }
    }

    static func randomEnd(_ start: ExecutionStart, _ rng: inout SeededGenerator) -> ExecutionEnd {
        let statuses: [ExecutionStatus] = [.succeeded, .succeeded, .failed, .partial, .timedOut, .interrupted]
        let status = statuses.randomElement(using: &rng) ?? .succeeded
        let ran = Double(Int.random(in: 0...900_000, using: &rng)) / 1000
        var metrics: JobMetrics?
        if start.job == "prizepool" {
            metrics = JobMetrics(
                processed: Int.random(in: 0...5, using: &rng),
                counters: [
                    "pools_due": Int64.random(in: 0...2, using: &rng),
                    "sessions_seen": Int64.random(in: 0...3, using: &rng),
                ])
        }
        return ExecutionEnd(
            status: status, finishedAt: start.startedAt + ran, metrics: metrics,
            error: status == .succeeded ? nil : "status \(status.rawValue)", output: "out \(ran)")
    }

    static func expectSameReads(_ sqlite: HistoryStore, _ postgres: PostgresStateStore, seed: UInt64) throws {
        let request = SummaryRequest(durations: true, lastRuns: true, recent: 25)
        let (a, b) = (try sqlite.summaryReport(request), try postgres.summaryReport(request))
        #expect(a.jobs == b.jobs, "seed \(seed): all-time summaries")
        #expect(a.lastRuns.mapValues(withoutID) == b.lastRuns.mapValues(withoutID), "seed \(seed)")
        #expect(a.recent.map(withoutID) == b.recent.map(withoutID), "seed \(seed)")
        for days in [0.0, 1.5, 3.25, 5] {
            for job in [nil, "beta"] {
                let since = historyBase.addingTimeInterval(days * 86_400 + 0.123)
                let window = SummaryRequest(job: job, since: since, durations: true)
                #expect(
                    try sqlite.summaryReport(window).jobs == postgres.summaryReport(window).jobs,
                    "seed \(seed), window from day \(days), job \(job ?? "all")")
                #expect(try sqlite.stats(job: job, since: since) == postgres.stats(job: job, since: since))
            }
        }
        #expect(try sqlite.stats(job: nil, since: nil) == postgres.stats(job: nil, since: nil))
        #expect(try sqlite.metricsSnapshot() == postgres.metricsSnapshot(), "seed \(seed): metrics")
        let alerts = (try sqlite.alertFigures(), try postgres.alertFigures())
        #expect(alerts.0 == alerts.1, "seed \(seed): alert figures")
        #expect(!alerts.1.work.isEmpty)
        #expect(
            PrometheusExporter.render(try sqlite.metricsSnapshot(), alerts: AlertMetrics(figures: alerts.0))
                == PrometheusExporter.render(try postgres.metricsSnapshot(), alerts: AlertMetrics(figures: alerts.1)))
        for filter in [
            HistoryFilter(limit: 10_000), HistoryFilter(limit: 7, job: "alpha", status: .failed),
            HistoryFilter(limit: 50, since: historyBase + 86_400 * 2),
        ] {
            #expect(try sqlite.executions(filter).map(withoutID) == postgres.executions(filter).map(withoutID))
        }
        for job in ["alpha", "beta", "prizepool", "none"] {
            #expect(try sqlite.lastScheduledFire(job: job) == postgres.lastScheduledFire(job: job))
        }
    }

    static func withoutID(_ record: ExecutionRecord) -> ExecutionRecord {
        var copy = record
        copy.id = nil
        return copy
    }
}
