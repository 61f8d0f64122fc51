import Foundation
import GRDB
import Testing

@testable import JobctlArcade
@testable import JobctlStore
@testable import JobctlTime

/// Issue 15: a money job that keeps finding nothing to do is visible (work markers of
/// "v5 create job work markers", `IdleWarning`), and the alert metrics (issue 12).
@Suite struct IdleWorkTests {
    static let day = 86_400.0
    /// A daily prizepool: idle window max(2 × 1 d, 2 d) = 2 d.
    static let prizepool = JobExpectation(
        job: "prizepool", intervalSeconds: 86_400, overdueAfterSeconds: 86_400, workCounter: "pools_due",
        activityCounter: "sessions_seen")

    static func pools(due: Int64, sessions: Int64) -> JobMetrics {
        JobMetrics(
            processed: Int(due), counters: ["pools_due": due, "pools_finalized": due, "sessions_seen": sessions])
    }

    /// Days with sessions and no pool due.
    static func quietDays(_ count: Int) -> [JobMetrics] {
        Array(repeating: pools(due: 0, sessions: 9), count: count)
    }

    /// Daily runs at day 0, 1, … with these metrics.
    static func record(_ store: HistoryStore, _ runs: [JobMetrics], job: String = "prizepool") throws {
        for (day, metrics) in runs.enumerated() {
            try store.recordRun(job, fire: Double(day) * Self.day, duration: 1, status: .succeeded, metrics: metrics)
        }
    }

    func warning(_ store: HistoryStore, at day: Double) throws -> IdleWarning? {
        let figures = try store.alertFigures()
        return IdleWarning.evaluate(Self.prizepool, markers: figures.work["prizepool"], now: atSecond(day * Self.day))
    }

    @Test func workMarkersFollowThePoolsDueCounter() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        try Self.record(
            store, [Self.pools(due: 0, sessions: 5), Self.pools(due: 3, sessions: 5), Self.pools(due: 0, sessions: 0)])
        try store.recordRun("backup", fire: 10, duration: 1, status: .succeeded, metrics: nil)
        let markers = try #require(try store.alertFigures().work["prizepool"])
        #expect(markers.firstMetered == atSecond(0))
        #expect(markers.lastMetered == atSecond(2 * Self.day))
        #expect(markers.lastWork == atSecond(Self.day))
        // Day 2 found nothing, but nobody played: not a quiet run with activity.
        #expect(markers.lastQuiet == atSecond(0))
        #expect(try store.alertFigures().work["backup"] == nil, "a job without a work counter is not metered")
    }

    /// The rule of issue 15: 0 pools due for more than 2 days while the arcade had sessions.
    @Test func aPrizepoolFindingNoPoolsDueForTwoDaysWhileTheArcadeHasSessionsWarns() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        try Self.record(store, [Self.pools(due: 2, sessions: 9)] + Self.quietDays(3))
        // Work on day 0, nothing on days 1–3: the stretch began at day 0.
        #expect(try warning(store, at: 1.5) == nil)
        #expect(try warning(store, at: 2.0) == nil, "exactly the window is not longer than it")
        let idle = try #require(try warning(store, at: 3.5))
        #expect(idle.since == atSecond(0))
        #expect(idle.message.hasPrefix("prizepool: no work found (pools_due = 0) since 2026-03-08T04:00:00.000Z"))
        #expect(idle.message.contains("while sessions_seen > 0"))
        // A run that finds a pool due clears it.
        try store.recordRun(
            "prizepool", fire: 3.6 * Self.day, duration: 1, status: .succeeded,
            metrics: Self.pools(due: 1, sessions: 9))
        #expect(try warning(store, at: 3.7) == nil)
    }

    @Test func aFreshInstallWhoseRunsFoundNothingYetDoesNotWarn() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        try Self.record(store, [Self.pools(due: 0, sessions: 4), Self.pools(due: 0, sessions: 4)])
        #expect(try warning(store, at: 1.5) == nil, "the first metered run is not older than the window")
        #expect(try warning(store, at: 2.5) != nil, "the same runs, seen from later, span the window")
    }

    @Test func anArcadeNobodyPlaysIsQuietNotIdle() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        try Self.record(
            store,
            [Self.pools(due: 1, sessions: 3), Self.pools(due: 0, sessions: 3)]
                + Array(
                    repeating: Self.pools(due: 0, sessions: 0), count: 4))
        // Day 1 saw sessions yet found no pool due: at day 2.5 that is inside the window.
        #expect(try warning(store, at: 2.5) != nil)
        // The last run with sessions (day 1) is older than the window at day 3.5: quiet.
        #expect(try warning(store, at: 3.5) == nil)
        #expect(try warning(store, at: 5.5) == nil)
    }

    /// The triggers read `metrics` as JSON: a row another tool wrote with garbage there must
    /// still insert (and not count).
    @Test func metricsThatAreNotJSONDoNotBreakAnInsert() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let path = dir.file("h.db")
        _ = try HistoryStore(path: path)
        let queue = try DatabaseQueue(path: path)
        for metrics in ["not json", "[1,2]", #"{"counters": "x"}"#, #"{"counters": {"pools_due": "abc"}}"#] {
            try queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO job_executions
                            (job, status, started_at, finished_at, duration_ms, triggered_by, host, pid, metrics)
                        VALUES ('prizepool', 'succeeded', 1000, 2000, 1000, 'manual', 'h', 1, ?)
                        """, arguments: [metrics])
            }
        }
        let markers = try HistoryStore(path: path).alertFigures().work["prizepool"]
        #expect(markers?.lastWork == nil, "\(String(describing: markers))")
    }

    /// A database with prizepool rows from before v5: the migration folds the newest rows in.
    @Test func theMigrationFoldsInTheNewestRows() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let path = dir.file("h.db")
        let queue = try DatabaseQueue(path: path)
        try HistoryStore.migrate(queue, path: path, upTo: "v4 create job summaries")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO job_executions
                            (job, status, started_at, finished_at, duration_ms, triggered_by, host, pid, metrics)
                    VALUES ('prizepool', 'succeeded', 5000, 6000, 1000, 'manual', 'h', 1,
                        '{"counters":{"pools_due":4,"sessions_seen":2},"processed":4}')
                    """)
        }
        let figures = try HistoryStore(path: path).alertFigures()
        #expect(figures.work["prizepool"]?.lastWork == Date(timeIntervalSince1970: 5))
    }

    /// The database knows every counter a job declares (a new job's takes a new migration).
    @Test func everyDeclaredWorkCounterIsKnownToTheDatabase() {
        let known = Dictionary(uniqueKeysWithValues: WorkMarkerSchema.counters.map { ($0.name, $0.kind) })
        for kind in ArcadeJobs.registry.catalog.kinds {
            if let work = kind.workCounter { #expect(known[work] == "work", "\(kind.name): \(work)") }
            if let activity = kind.activityCounter { #expect(known[activity] == "activity", "\(kind.name)") }
        }
        #expect(ArcadeJobs.registry.catalog.named("prizepool")?.workCounter == "pools_due")
    }

    @Test func longestIntervalOfSchedules() throws {
        let utc = try Zones.named("UTC")
        let monday = Date(timeIntervalSince1970: 1_772_928_000)  // 2026-03-08 is a Sunday; this is 00:00 UTC
        let cases: [(String, Int64?)] = [
            ("0 0 * * *", 86_400), ("0 9 * * 1-5", 3 * 86_400), ("*/5 * * * *", 300), ("@every 90s", 90),
            ("@reboot", nil), ("0 0 1 1 *", 365 * 86_400),
        ]
        for (text, expected) in cases {
            #expect(try Schedule.parse(text).longestInterval(after: monday, in: utc) == expected, "\(text)")
        }
        let ny = try Zones.named("America/New_York")
        // The spring-forward day of 2026-03-08 in New York is 23 hours; the fall-back day is far away.
        #expect(try Schedule.parse("0 12 * * *").longestInterval(after: atSecond(-10 * Self.day), in: ny) == 86_400)
    }

    @Test func idleWindowIsTwiceTheIntervalAndAtLeastTwoDays() {
        #expect(Self.prizepool.idleAfterSeconds == 172_800)
        let weekly = JobExpectation(
            job: "w", intervalSeconds: 7 * 86_400, overdueAfterSeconds: nil, workCounter: "pools_due")
        #expect(weekly.idleAfterSeconds == Int64(14 * 86_400))
        let minutely = JobExpectation(job: "m", intervalSeconds: 60, overdueAfterSeconds: nil, workCounter: "pools_due")
        #expect(minutely.idleAfterSeconds == 172_800)
        #expect(JobExpectation(job: "c", intervalSeconds: 60, overdueAfterSeconds: 60).idleAfterSeconds == nil)
    }

    @Test func alertMetricsAreExported() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        try Self.record(store, [Self.pools(due: 2, sessions: 9)] + Self.quietDays(3))
        _ = try store.begin(executionStart("backup", fire: 3 * Self.day + 60))
        let alerts = AlertMetrics(
            generatedAt: atSecond(3.5 * Self.day),
            expectations: [
                Self.prizepool, JobExpectation(job: "backup", intervalSeconds: 3600, overdueAfterSeconds: 600),
            ],
            figures: try store.alertFigures())
        let text = PrometheusExporter.render(try store.metricsSnapshot(), alerts: alerts)
        let lines = Set(text.split(separator: "\n").map(String.init))
        for line in [
            "jobctl_metrics_generated_timestamp_seconds 1773244800", "jobctl_job_idle{job=\"prizepool\"} 1",
            "jobctl_job_last_work_timestamp_seconds{job=\"prizepool\"} 1772942400",
            "jobctl_job_expected_interval_seconds{job=\"prizepool\"} 86400",
            "jobctl_job_overdue_after_seconds{job=\"backup\"} 600",
            "jobctl_job_running_since_timestamp_seconds{job=\"backup\"} 1773201660",
            "# TYPE jobctl_job_idle gauge",
        ] {
            #expect(lines.contains(line), "\(line)\n\(text)")
        }
    }
}
