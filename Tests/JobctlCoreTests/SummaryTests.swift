import Foundation
import GRDB
import Testing

@testable import JobctlStore

@Suite struct DurationHistogramTests {
    static let edges: [Int64] = {
        var values: [Int64] = [
            0, 1, -1, 127, -127, 128, -128, 129, 255, 256, 257, 1000, 20_000, 86_400_000, .max, .min, .max - 1,
        ]
        for shift in 7..<63 {
            let power = Int64(1) << shift
            values += [power - 1, power, power + 1, -(power - 1), -power, -(power + 1)]
        }
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<500 { values.append(Int64.random(in: -(1 << 45)...(1 << 45), using: &rng)) }
        return values
    }()

    /// The keys the triggers compute (a probe of job_summary_buckets) are the keys Swift reads.
    @Test func sqlAndSwiftAgreeOnEveryBucketKey() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        try store.read { db in
            let statement = try db.makeStatement(sql: "SELECT " + SummarySchema.bucketSQL("?"))
            for value in Self.edges {
                let key = try Int.fetchOne(statement, arguments: [value])
                #expect(key == DurationHistogram.key(value), "\(value)")
            }
            #expect(try Int.fetchOne(statement, arguments: [nil as Int64?]) == nil)
        }
    }

    /// Every value lies in its bucket, and the bucket's middle is within 1/128 of it.
    @Test func aBucketHoldsItsValuesWithinTheStatedPrecision() {
        for value in Self.edges {
            let key = DurationHistogram.key(value)
            #expect(DurationHistogram.bounds(ofKey: key).contains(value), "\(value)")
            #expect(isWithinHistogramPrecision(DurationHistogram.representative(ofKey: key), of: value), "\(value)")
        }
        #expect(DurationHistogram.key(.max) == DurationHistogram.maximumKey)
        // A key no jobctl wrote (a damaged database) is read, not trapped on.
        let top = DurationHistogram.bounds(ofKey: DurationHistogram.maximumKey)
        #expect(DurationHistogram.bounds(ofKey: 99_999) == top)
    }

    @Test func percentilesAreTheMiddleOfTheRankedBucketAndTheTopRankIsTheMaximum() {
        var histogram = DurationHistogram()
        for value in [5_000, 10_000, 20_000, 30_000, 40_000, 50_000] as [Int64] {
            histogram.add(key: DurationHistogram.key(value), count: 1)
        }
        #expect(histogram.total == 6)
        #expect(isWithinHistogramPrecision(histogram.percentile(0.5, maximum: 50_000), of: 20_000))
        #expect(histogram.percentile(0.95, maximum: 50_000) == 50_000)
        #expect(DurationHistogram().percentile(0.5) == nil)
    }
}

@Suite struct SummaryTests {
    /// Retention deletes old rows; the all-time figures and markers must not move, while a
    /// window counts the rows kept.
    @Test func pruningNeverChangesAllTimeStats() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        try HistoryStatsTests.knownHistory(store)
        let before = try store.stats(job: nil, since: nil)
        let window = try store.stats(job: nil, since: atSecond(0))
        #expect(window.overall.runs == 11)
        #expect(try store.prune(finishedBefore: atSecond(1001), batchSize: 2) == 8)
        #expect(try store.stats(job: nil, since: nil) == before)
        let after = try store.stats(job: nil, since: atSecond(0))
        #expect(after.jobs.map(\.job) == ["report"] && after.overall.runs == 3)
    }

    /// A failing job whose failures outlive the retention keeps its whole streak; a success
    /// that started before some of them (a long run finishing late) recounts the failures after
    /// it, pruned ones included.
    @Test func aStreakSurvivesPruningAndALateSuccessRecountsIt() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        let long = try #require(try store.begin(executionStart("sync", fire: 0)))
        for minute in 1...6 {
            try store.recordRun("sync", fire: Double(minute) * 60, duration: 1, status: .failed)
        }
        #expect(try store.stats(job: "sync", since: nil).jobs.first?.consecutiveFailures == 6)
        #expect(try store.prune(finishedBefore: atSecond(4 * 60), batchSize: 10) == 3)
        #expect(try store.stats(job: "sync", since: nil).jobs.first?.consecutiveFailures == 6)
        // The run that started first succeeds last: failures after its start still count.
        try store.finish(id: long, status: .succeeded, finishedAt: atSecond(500), metrics: nil, error: nil, output: nil)
        let stats = try #require(try store.stats(job: "sync", since: nil).jobs.first)
        #expect(stats.consecutiveFailures == 6 && stats.lastSuccess == atSecond(500))
        try store.recordRun("sync", fire: 600, duration: 1, status: .succeeded)
        #expect(try store.stats(job: "sync", since: nil).jobs.first?.consecutiveFailures == 0)
    }

    /// Rewriting what the summaries counted would make them lie: the database refuses it.
    @Test func aFinishedRowCannotBeRewritten() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        let id = try store.recordRun("backup", fire: 0, duration: 2, status: .failed)
        let running = try #require(try store.begin(executionStart("backup", fire: 60)))
        for (sql, row) in [
            ("UPDATE job_executions SET status = 'succeeded' WHERE id = ?", id),
            ("UPDATE job_executions SET duration_ms = 1 WHERE id = ?", id),
            ("UPDATE job_executions SET job = 'other' WHERE id = ?", running),
            ("UPDATE job_executions SET duration_ms = 1 WHERE id = ?", running),
        ] {
            let error = #expect(throws: DatabaseError.self) {
                try store.dbQueue.write { try $0.execute(sql: sql, arguments: [row]) }
            }
            #expect(error?.message?.contains("cannot change") == true, "\(sql)")
        }
        #expect(throws: DatabaseError.self) {
            try store.dbQueue.write {
                try $0.execute(
                    sql: """
                        INSERT INTO job_executions (job, status, started_at, duration_ms, triggered_by, host, pid)
                        VALUES ('x', 'running', 0, 5, 'manual', 'h', 1)
                        """)
            }
        }
        try store.write {
            try $0.execute(sql: "UPDATE job_executions SET output = 'kept', error = 'e' WHERE id = ?", arguments: [id])
        }
        #expect(try store.execution(id: id)?.output == "kept")
        #expect(try store.stats(job: nil, since: nil).overall.failed == 1)
    }

    /// An existing database gets its summaries once; a read-only open waits for that.
    @Test func aDatabaseOfVersion3IsBackfilledOnceAndReadOnlyOpensWaitForIt() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let path = dir.file("h.db")
        let queue = try DatabaseQueue(path: path)
        try HistoryStore.migrate(queue, path: path, upTo: "v3 create job_totals")
        try queue.write { db in
            for minute in 0..<25 {
                try db.execute(
                    sql: """
                        INSERT INTO job_executions (job, status, started_at, finished_at, duration_ms, lateness_ms,
                            triggered_by, scheduled_at, host, pid)
                        VALUES ('backup', ?, ?, ?, 1000, 10, 'schedule', ?, 'h', 1)
                        """,
                    arguments: [
                        minute % 5 == 4 ? "failed" : "succeeded", minute * 60_000 + 10, minute * 60_000 + 1010,
                        minute * 60_000,
                    ])
            }
        }
        try HistoryStore.migrate(queue, path: path, upTo: "v4 create job summaries")
        try queue.close()
        #expect(throws: HistoryError.needsMigration(path: path)) { try HistoryStore(path: path, readOnly: true) }
        let writer = try HistoryStore(path: path)
        let stats = try #require(try writer.stats(job: nil, since: nil).jobs.first)
        #expect(stats.runs == 25 && stats.failed == 5 && stats.consecutiveFailures == 1)
        #expect(stats.latenessMaxMs == 10 && stats.durationMaxMs == 1000)
        let reader = try HistoryStore(path: path, readOnly: true)
        #expect(try reader.stats(job: nil, since: nil).jobs.first == stats)
    }

    /// The status answer: overall counts, last runs and recent rows from one read.
    @Test func theStatusReportReadsLastRunsAndRecentRowsTogether() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        try HistoryStatsTests.knownHistory(store)
        let report = try store.summaryReport(SummaryRequest(durations: false, lastRuns: true, recent: 3))
        #expect(report.lastRuns["backup"]?.triggeredBy == .manual)
        #expect(report.lastRuns["report"]?.startedAt == atSecond(1120))
        #expect(report.recent.count == 3 && report.recent.first?.job == "report")
        #expect(report.jobs.allSatisfy { $0.durations.total == 0 })
        #expect(HistoryStats(report).overall.runs == 11)
    }
}
