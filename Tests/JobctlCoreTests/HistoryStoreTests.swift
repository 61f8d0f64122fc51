import Foundation
import GRDB
import Testing

@testable import JobctlStore

@Suite struct HistoryStoreTests {
    @Test func migrationsFromEmptyCreateTheTableAndIndexes() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let path = dir.file("h.db")
        _ = try HistoryStore(path: path)
        let queue = try DatabaseQueue(path: path)
        let applied = try queue.read {
            try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        }
        #expect(applied == HistoryStore.migrationNames.sorted())
        #expect(HistoryStore.migrationNames.first == "v1 create job_executions")
        let indexes = try queue.read {
            try String.fetchAll(
                $0,
                sql:
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'job_executions' AND sql IS NOT NULL ORDER BY name"
            )
        }
        #expect(
            indexes == [
                "job_executions_fire", "job_executions_job_started",
                "job_executions_job_status_stats", "job_executions_started", "job_executions_status_started",
            ])
        let mode = try queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func reopeningKeepsRowsAndMigratesNothing() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let path = dir.file("h.db")
        let id = try HistoryStore(path: path).recordRun("backup", fire: 0, duration: 1, status: .succeeded)
        let again = try HistoryStore(path: path)
        #expect(try again.execution(id: id)?.status == .succeeded)
        let count = try DatabaseQueue(path: path).read {
            try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM grdb_migrations")
        }
        #expect(count == HistoryStore.migrationNames.count)
    }

    @Test func migratesADatabaseOfThePreviousVersion() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let path = dir.file("h.db")
        let queue = try DatabaseQueue(path: path)
        try HistoryStore.migrate(queue, path: path, upTo: "v1 create job_executions")
        #expect(
            try queue.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") } == [
                "v1 create job_executions"
            ])
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO job_executions (job, status, scheduled_at, started_at, finished_at, duration_ms, attempt, triggered_by, host, pid)
                    VALUES ('backup', 'succeeded', 1000, 1500, 2500, 1000, 1, 'schedule', 'h', 1)
                    """)
        }
        try queue.close()
        let store = try HistoryStore(path: path)
        let rows = try store.executions(HistoryFilter())
        #expect(rows.count == 1)
        // v3 counted the existing row into the running totals.
        let totals = try store.metricsSnapshot()
        #expect(totals.count == 1 && totals.first?.runs[.succeeded] == 1 && totals.first?.durationSumSeconds == 1)
        #expect(totals.first?.durationBuckets[PrometheusExporter.durationBuckets.firstIndex(of: 1) ?? 0] == 1)
        #expect(rows.first?.durationMs == 1000)
        // v4 folded it into the job summaries.
        let stats = try store.stats(job: nil, since: nil)
        #expect(stats.jobs.map(\.job) == ["backup"] && stats.overall.succeeded == 1)
        #expect(stats.overall.durationMaxMs == 1000)
    }

    @Test func aNewerSchemaIsRefusedAndLeftAlone() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let path = dir.file("h.db")
        _ = try HistoryStore(path: path)
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99 from the future')")
        }
        let error = #expect(throws: HistoryError.self) { try HistoryStore(path: path) }
        #expect(error == .newerSchema(path: path, migrations: ["v99 from the future"]))
        #expect(error?.description.hasPrefix(path) == true)
        #expect(error?.description.contains("newer jobctl") == true)
    }

    @Test func beginWritesARunningRowAndFinishCompletesIt() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        let id = try #require(try store.begin(executionStart("prizepool", fire: 60, startedAfter: 0.25, pid: 4242)))
        let running = try #require(try store.execution(id: id))
        #expect(running.status == .running)
        #expect(running.scheduledAt == atSecond(60))
        #expect(running.startedAt == atSecond(60.25))
        #expect(running.latenessMs == 250)
        #expect(running.finishedAt == nil && running.durationMs == nil)
        #expect(running.pid == 4242 && running.host == "host-a" && running.attempt == 1)

        let metrics = JobMetrics(processed: 5, counters: ["pools_finalized": 2, "payout_total": 420_000])
        try store.finish(
            id: id, status: .succeeded, finishedAt: atSecond(63.5), metrics: metrics, error: nil, output: "ok\n")
        let done = try #require(try store.execution(id: id))
        #expect(done.status == .succeeded)
        #expect(done.finishedAt == atSecond(63.5))
        #expect(done.durationMs == 3250)
        #expect(done.metrics == metrics)
        #expect(done.output == "ok\n")
        #expect(try store.lastExecution(job: "prizepool") == done)
    }

    @Test func aScheduledFireIsRecordedOnce() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        #expect(try store.begin(executionStart("backup", fire: 0)) != nil)
        #expect(try store.begin(executionStart("backup", fire: 0, pid: 200)) == nil)
        #expect(try store.begin(executionStart("backup", fire: 0, trigger: .catchup)) == nil)
        #expect(try store.recordSkipped(executionStart("backup", fire: 0), reason: "lock held") == nil)
        // Another attempt, another fire or another job is a new row.
        #expect(try store.begin(executionStart("backup", fire: 0, startedAfter: 5, attempt: 2, trigger: .retry)) != nil)
        #expect(try store.begin(executionStart("backup", fire: 0, startedAfter: 9, attempt: 2, trigger: .retry)) == nil)
        #expect(try store.begin(executionStart("backup", fire: 60)) != nil)
        #expect(try store.begin(executionStart("report", fire: 0)) != nil)
        // Manual runs have no fire and are never merged.
        #expect(try store.begin(executionStart("backup", fire: nil, trigger: .manual, user: "ada")) != nil)
        #expect(try store.begin(executionStart("backup", fire: nil, trigger: .manual, user: "ada")) != nil)
        #expect(try store.executions(HistoryFilter(limit: 100)).count == 6)
    }

    @Test func aSkippedFireIsAFinishedRowThatBlocksTheFire() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        let id = try #require(
            try store.recordSkipped(
                executionStart("backup", fire: 0, startedAfter: 1), reason: "still running (overlap=skip)"))
        let row = try #require(try store.execution(id: id))
        #expect(row.status == .skipped)
        #expect(row.error == "still running (overlap=skip)")
        #expect(row.finishedAt == atSecond(1) && row.durationMs == nil && row.latenessMs == nil)
        #expect(try store.begin(executionStart("backup", fire: 0)) == nil)
    }

    @Test func aScheduledStartNeedsItsFireTime() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        #expect(throws: HistoryError.self) { try store.begin(executionStart("backup", fire: nil, trigger: .schedule)) }
        #expect(throws: HistoryError.self) { try store.begin(executionStart("backup", fire: 0, attempt: 0)) }
        #expect(throws: HistoryError.self) {
            try store.finish(id: 1, status: .running, finishedAt: atSecond(1), metrics: nil, error: nil, output: nil)
        }
    }

    @Test func recoveryMarksDeadRunsInterruptedOnlyWhenTheLockIsFree() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        let dead = try #require(try store.begin(executionStart("backup", fire: 0, pid: 111)))
        let alive = try #require(try store.begin(executionStart("report", fire: 0, pid: 222)))
        let finished = try store.recordRun("backup", fire: 60, duration: 1, status: .succeeded)
        var asked: [String] = []
        let count = try store.recoverInterrupted(now: atSecond(600)) { job in
            asked.append(job)
            return job == "backup"
        }
        #expect(count == 1)
        #expect(asked.sorted() == ["backup", "report"])
        let row = try #require(try store.execution(id: dead))
        #expect(row.status == .interrupted)
        #expect(row.finishedAt == atSecond(600))
        #expect(row.error == "process 111 on host-a died")
        #expect(try store.execution(id: alive)?.status == .running)
        #expect(try store.execution(id: finished)?.status == .succeeded)
        // A late finish of the interrupted run does not overwrite the recovery.
        try store.finish(id: dead, status: .succeeded, finishedAt: atSecond(700), metrics: nil, error: nil, output: nil)
        #expect(try store.execution(id: dead)?.status == .interrupted)
        #expect(try store.recoverInterrupted(now: atSecond(700)) { _ in true } == 1)
        #expect(try store.recoverInterrupted(now: atSecond(800)) { _ in true } == 0)
    }

    @Test func lastScheduledFireCountsScheduleAndCatchupOnly() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        #expect(try store.lastScheduledFire(job: "backup") == nil)
        try store.recordRun("backup", fire: 0, duration: 1, status: .succeeded)
        try store.recordRun("backup", fire: 3600, duration: 1, status: .failed, trigger: .catchup)
        _ = try store.recordSkipped(executionStart("backup", fire: 7200), reason: "lock held")
        _ = try store.begin(executionStart("backup", fire: nil, startedAfter: 99_999, trigger: .manual, user: "ada"))
        _ = try store.begin(executionStart("report", fire: 99_999))
        #expect(try store.lastScheduledFire(job: "backup")?.date == atSecond(7200))
        let plan = try store.queryPlan(
            "SELECT scheduled_at FROM job_executions WHERE job = 'backup' AND triggered_by IN \(BackfillTriggerSchema.fireTriggers) AND triggered_by IN ('schedule','catchup') ORDER BY scheduled_at DESC LIMIT 1"
        )
        #expect(plan.joined().contains("job_executions_fire"))
    }

    @Test func historyIsNewestFirstAndFiltered() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        for minute in 0..<10 {
            try store.recordRun(
                "backup", fire: Double(minute) * 60, duration: 1, status: minute % 3 == 0 ? .failed : .succeeded)
            try store.recordRun("report", fire: Double(minute) * 60, duration: 2, status: .succeeded)
        }
        let all = try store.executions(HistoryFilter(limit: 100))
        #expect(all.count == 20)
        // Same start time: the higher id (inserted later) first.
        #expect(all.prefix(2).map(\.job) == ["report", "backup"])
        #expect(zip(all, all.dropFirst()).allSatisfy { ($0.startedAt, $0.id ?? 0) > ($1.startedAt, $1.id ?? 0) })
        #expect(try store.executions(HistoryFilter(limit: 3)).count == 3)
        #expect(try store.executions(HistoryFilter(limit: 100, job: "backup")).allSatisfy { $0.job == "backup" })
        let failed = try store.executions(HistoryFilter(limit: 100, status: .failed))
        #expect(failed.map { $0.scheduledAt } == [atSecond(540), atSecond(360), atSecond(180), atSecond(0)])
        let both = try store.executions(HistoryFilter(limit: 100, job: "report", status: .failed))
        #expect(both.isEmpty)
        let recent = try store.executions(HistoryFilter(limit: 100, since: atSecond(480)))
        #expect(recent.count == 4)
        #expect(try store.executions(HistoryFilter(limit: 0)).isEmpty)
    }

    /// `history --limit 50` must read O(limit) rows on millions: each form of the query walks an
    /// index in order, with no sort step.
    @Test(arguments: [
        "SELECT * FROM job_executions ORDER BY started_at DESC, id DESC LIMIT 50",
        "SELECT * FROM job_executions WHERE job = 'a' ORDER BY started_at DESC, id DESC LIMIT 50",
        "SELECT * FROM job_executions WHERE status = 'failed' ORDER BY started_at DESC, id DESC LIMIT 50",
        "SELECT * FROM job_executions WHERE job = 'a' AND status = 'failed' ORDER BY started_at DESC, id DESC LIMIT 50",
        "SELECT * FROM job_executions WHERE started_at >= 5 ORDER BY started_at DESC, id DESC LIMIT 50",
    ])
    func historyQueriesWalkAnIndexWithoutSorting(sql: String) throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        let plan = try store.queryPlan(sql).joined(separator: " | ")
        #expect(plan.contains("USING INDEX"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
    }

    @Test func pruneDeletesOldFinishedRowsInBatches() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        for minute in 0..<25 {
            try store.recordRun("backup", fire: Double(minute) * 60, duration: 1, status: .succeeded)
        }
        let stuck = try #require(try store.begin(executionStart("report", fire: 0)))
        let deleted = try store.prune(finishedBefore: atSecond(20 * 60), batchSize: 7)
        #expect(deleted == 20)
        let left = try store.executions(HistoryFilter(limit: 100))
        #expect(left.count == 6)
        #expect(left.contains { $0.id == stuck })
        #expect(try store.prune(finishedBefore: atSecond(20 * 60), batchSize: 7) == 0)
        #expect(throws: HistoryError.self) { try store.prune(finishedBefore: atSecond(0), batchSize: 0) }
    }

    @Test func outputKeepsTheLast4KiBAtACharacterBoundary() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        let id = try #require(try store.begin(executionStart("cmd", fire: 0)))
        let text = "HEAD" + String(repeating: "é", count: 3000) + "TAIL"
        try store.finish(
            id: id, status: .failed, finishedAt: atSecond(1), metrics: nil, error: "exit status 1", output: text)
        let output = try #require(try store.execution(id: id)?.output)
        #expect(output.utf8.count <= 4096 && output.utf8.count >= 4094)
        #expect(output.hasSuffix("éTAIL"))
        #expect(!output.contains("HEAD"))
    }

    @Test func aCorruptFileIsReportedByNameAndLeftUnchanged() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let path = dir.file("h.db")
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: HistoryError.self) { try HistoryStore(path: path) }
        #expect(error == .corrupt(path: path, detail: "file is not a database"))
        let description = error?.description ?? ""
        #expect(description.contains(path) && description.contains("file is not a database"))
        #expect(!description.contains("\n"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["h.db"])
    }

    @Test func aDamagedDatabaseWithAValidHeaderIsReportedAndLeftUnchanged() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let path = dir.file("h.db")
        var bytes = Data("SQLite format 3\0".utf8)
        bytes.append(Data(repeating: 0xAB, count: 4096 - bytes.count))
        try bytes.write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: HistoryError.self) { try HistoryStore(path: path) }
        if case .corrupt(let p, _)? = error {
            #expect(p == path)
        } else {
            Issue.record("got \(String(describing: error))")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    }

    @Test func aReadOnlyFileIsReportedAndLeftUnchanged() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let path = dir.file("h.db")
        try HistoryStore(path: path).recordRun("backup", fire: 0, duration: 1, status: .succeeded)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path) }
        let error = #expect(throws: HistoryError.self) { try HistoryStore(path: path) }
        #expect(error == .readOnly(path: path))
        #expect(error?.description.contains("read-only") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func aReadOnlyFileCanBeReadWithoutBeingWritten() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let path = dir.file("h.db")
        do {
            let writer = try HistoryStore(path: path)
            try writer.recordRun("backup", fire: 0, duration: 1, status: .succeeded)
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path) }
        let reader = try HistoryStore(path: path, readOnly: true)
        #expect(try reader.executions(HistoryFilter()).count == 1)
        #expect(try reader.stats(job: nil, since: nil).overall.runs == 1)
        #expect(throws: HistoryError.readOnly(path: path)) { try reader.begin(executionStart("backup", fire: 60)) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func aReadOnlyOpenRefusesAnOutdatedSchema() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let path = dir.file("h.db")
        let queue = try DatabaseQueue(path: path)
        try HistoryStore.migrate(queue, path: path, upTo: "v1 create job_executions")
        try queue.close()
        #expect(throws: HistoryError.needsMigration(path: path)) { try HistoryStore(path: path, readOnly: true) }
        #expect(throws: HistoryError.missingFile(path: dir.file("none.db"))) {
            try HistoryStore(path: dir.file("none.db"), readOnly: true)
        }
    }

    @Test func aMissingDirectoryOrFileIsNamed() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let inMissing = dir.file("nope/h.db")
        #expect(throws: HistoryError.missingDirectory(path: inMissing)) { try HistoryStore(path: inMissing) }
        let missing = dir.file("h.db")
        #expect(throws: HistoryError.missingFile(path: missing)) { try HistoryStore(path: missing, mustExist: true) }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test func aLockedDatabaseIsReportedAfterTheBusyTimeout() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let path = dir.file("h.db")
        _ = try HistoryStore(path: path)
        let store = try HistoryStore(path: path, busyTimeout: 0.2)
        let holder = try DatabaseQueue(path: path)
        try holder.inDatabase { db in
            try db.execute(sql: "BEGIN EXCLUSIVE")
            defer { try? db.execute(sql: "ROLLBACK") }
            let error = #expect(throws: HistoryError.self) { try store.begin(executionStart("backup", fire: 0)) }
            #expect(error == .locked(path: path))
            // Readers are not blocked by a writer in WAL mode.
            #expect(throws: Never.self) { try store.executions(HistoryFilter()) }
        }
        #expect(try store.begin(executionStart("backup", fire: 0)) != nil)
    }
}

@Suite struct HistoryQueryPlanTests {
    static let recount = SummarySchema.recountSQL.replacingOccurrences(of: "NEW.job", with: "'a'")
        .replacingOccurrences(of: "NEW.started_at", with: "5").replacingOccurrences(of: "NEW.id", with: "3")

    /// Each read of the summaries, and what its plan must contain.
    static let queries: [String: (sql: String, plan: String)] = [
        "last runs": (
            HistoryStore.lastRunsSQL(filtered: false),
            "SEARCH x USING COVERING INDEX job_executions_job_started (job=?)"
        ),
        "days": (HistoryStore.daysSQL(filtered: false), "SEARCH d USING PRIMARY KEY (job=? AND day>?)"),
        "day durations": (
            HistoryStore.dayDurationsSQL(filtered: false), "SEARCH h USING PRIMARY KEY (job=? AND day>?)"
        ),
        "job's days": (HistoryStore.daysSQL(filtered: true), "SEARCH d USING PRIMARY KEY (job=? AND day>?)"),
        "partial day": (
            HistoryStore.rowsSQL(filtered: false),
            "COVERING INDEX job_executions_job_status_stats (job=? AND status=? AND started_at>? AND started_at<?)"
        ),
        "partial day durations": (
            HistoryStore.rowDurationsSQL(filtered: true),
            "COVERING INDEX job_executions_job_status_stats (job=? AND status=? AND started_at>? AND started_at<?)"
        ),
        "recount": (
            "SELECT " + recount, "COVERING INDEX job_executions_job_status_stats (job=? AND status=? AND started_at>?)"
        ),
        "prune": (
            """
            SELECT id FROM job_executions WHERE started_at < 5 AND finished_at < 5 AND status <> 'running'
            ORDER BY started_at LIMIT 1000
            """,
            "INDEX job_executions_started (started_at<?)"
        ),
    ]

    /// The summary reads on a million rows: each walks an index or a primary key, never the
    /// whole executions table. (A trigger's recount is pinned with constants for NEW.)
    @Test(arguments: [
        "last runs", "days", "day durations", "job's days", "partial day", "partial day durations", "recount", "prune",
    ])
    func summaryQueriesUseAnIndex(query: String) throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let (sql, expected) = try #require(Self.queries[query])
        let placeholders = sql.filter { $0 == "?" }.count
        let plan = try HistoryStore(path: dir.file("h.db"))
            .queryPlan(sql, arguments: StatementArguments(Array(repeating: 5, count: placeholders)))
            .joined(separator: " | ")
        #expect(plan.contains(expected), "\(plan)")
        for table in ["job_executions", "e", "x", "d", "h"] {
            #expect(!plan.contains("SCAN \(table)"), "\(plan)")
        }
    }
}

@Suite struct ExecutionRecordTests {
    @Test func aRecordRoundTripsThroughTheTable() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        var record = ExecutionRecord(
            job: "cmd", status: .partial, scheduledAt: atSecond(60), startedAt: atSecond(60.125),
            finishedAt: atSecond(62),
            durationMs: 1875, latenessMs: 125, attempt: 3, triggeredBy: .retry, triggeredByUser: nil, host: "h",
            pid: 31337, metrics: JobMetrics(processed: 2, counters: ["x": 1]), error: "half", output: "out")
        try store.write { db in try record.insert(db) }
        let fetched = try #require(try store.executions(HistoryFilter()).first)
        record.id = fetched.id
        #expect(fetched == record)
        #expect(try store.execution(id: fetched.id ?? 0) == record)
    }

    @Test func statusAndTriggerRawValuesAreTheStoredText() {
        #expect(
            ExecutionStatus.allCases.map(\.rawValue) == [
                "running", "succeeded", "failed", "partial", "timed_out", "skipped", "interrupted", "abandoned",
                "queued",
            ])
        #expect(TriggerKind.allCases.map(\.rawValue) == ["schedule", "catchup", "retry", "manual", "backfill"])
        #expect(ExecutionStatus.allCases.filter(\.isFailure) == [.failed, .timedOut, .interrupted, .abandoned])
    }
}
