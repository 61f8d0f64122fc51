import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which executions `HistoryStore.executions(_:)` returns: newest first, at most `limit`.
public struct HistoryFilter: Sendable, Equatable {
    public var limit: Int
    public var job: String?
    public var status: ExecutionStatus?
    /// Only executions that started at or after this instant.
    public var since: Date?

    public init(limit: Int = 20, job: String? = nil, status: ExecutionStatus? = nil, since: Date? = nil) {
        self.limit = limit
        self.job = job
        self.status = status
        self.since = since
    }
}

/// The execution history: one SQLite file in WAL mode (readers never block the scheduler),
/// a busy timeout, and append-only named migrations.
///
/// The scheduler writes a `running` row with `begin` before a job starts and completes it with
/// `finish`, so a run that crashes the process is still on record; the next process marks it
/// `interrupted` with `recoverInterrupted`.
public final class HistoryStore: Sendable {
    public let path: String
    let dbQueue: DatabaseQueue

    /// The busy timeout used unless the caller passes another.
    public static let defaultBusyTimeout: TimeInterval = 5

    /// Opens (or creates) the database at `path` and migrates it.
    ///
    /// Before SQLite sees the file, it is checked: a file that does not start with the SQLite
    /// header is reported as corrupt, and one without write permission (for anybody, so that
    /// even root respects `chmod a-w`) as read-only, so that neither is ever modified.
    /// - Parameters:
    ///   - mustExist: a missing file is an error instead of a new empty database.
    ///   - readOnly: for commands that only read (`history`, `stats`, `metrics`): the file must
    ///     exist, may lack write permission, and is never written (no migration, no WAL switch).
    ///     A database that still needs a migration throws `HistoryError.needsMigration`; writes
    ///     through a read-only store throw `HistoryError.readOnly`.
    public init(
        path: String, busyTimeout: TimeInterval = HistoryStore.defaultBusyTimeout, mustExist: Bool = false,
        readOnly: Bool = false
    ) throws {
        self.path = path
        try Self.checkFile(path: path, mustExist: mustExist || readOnly, needsWrite: !readOnly)
        var config = Configuration()
        config.readonly = readOnly
        if !readOnly { config.journalMode = .wal }
        config.busyMode = .timeout(busyTimeout)
        config.label = "jobctl.history"
        do {
            dbQueue = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw HistoryError.from(error, path: path)
        }
        do {
            if readOnly {
                try Self.checkSchema(dbQueue, path: path)
            } else {
                try Self.migrate(dbQueue, path: path)
            }
        } catch {
            throw HistoryError.from(error, path: path)
        }
    }

    /// For a read-only open: every known migration is applied and no unknown one.
    static func checkSchema(_ dbQueue: DatabaseQueue, path: String) throws {
        let known = migrations.map(\.name)
        let applied = try dbQueue.read { db in
            try db.tableExists("grdb_migrations")
                ? String.fetchSet(db, sql: "SELECT identifier FROM grdb_migrations") : []
        }
        let unknown = applied.subtracting(known)
        if !unknown.isEmpty { throw HistoryError.newerSchema(path: path, migrations: Array(unknown)) }
        if !applied.isSuperset(of: known) { throw HistoryError.needsMigration(path: path) }
        if try dbQueue.read(backfillPending) { throw HistoryError.needsMigration(path: path) }
    }

    /// Applies the migrations this database lacks. GRDB's `DatabaseMigrator` is not safe when
    /// two processes open a new database at once (it decides what to run outside a
    /// transaction), so the check and the migrations run in one IMMEDIATE transaction: the
    /// second process waits (busy timeout), then finds nothing to do. The bookkeeping table is
    /// GRDB's `grdb_migrations`. When everything is applied, no write lock is taken.
    static func migrate(_ dbQueue: DatabaseQueue, path: String, upTo target: String? = nil) throws {
        let known = migrations.map(\.name)
        let applied: Set<String>?
        do {
            applied = try dbQueue.read { db in
                try db.tableExists("grdb_migrations")
                    ? String.fetchSet(db, sql: "SELECT identifier FROM grdb_migrations") : []
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
            // Another process is creating the schema right now ("no such table"): decide
            // inside the write transaction below. A damaged or locked file throws here instead,
            // before anything tries to write it.
            applied = nil
        }
        if let applied {
            let unknown = applied.subtracting(known)
            if !unknown.isEmpty { throw HistoryError.newerSchema(path: path, migrations: Array(unknown)) }
            if target == nil, applied.isSuperset(of: known) {
                try backfillSummaries(dbQueue)
                return
            }
        }
        try dbQueue.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try db.execute(sql: "CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
                let applied = try String.fetchSet(db, sql: "SELECT identifier FROM grdb_migrations")
                let unknown = applied.subtracting(known)
                if !unknown.isEmpty { throw HistoryError.newerSchema(path: path, migrations: Array(unknown)) }
                for migration in migrations where !applied.contains(migration.name) {
                    try migration.body(db)
                    try db.execute(
                        sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [migration.name])
                    if migration.name == target { break }
                }
                return .commit
            }
        }
        if target == nil { try backfillSummaries(dbQueue) }
    }

    struct Migration: Sendable {
        var name: String
        var body: @Sendable (Database) throws -> Void
    }

    /// The migrations, in order. Append only: a shipped migration is never edited.
    static let migrations: [Migration] = [
        Migration(name: "v1 create job_executions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE job_executions (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        job TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN
                            ('running','succeeded','failed','partial','timed_out','skipped','interrupted')),
                        scheduled_at INTEGER,
                        started_at INTEGER NOT NULL,
                        finished_at INTEGER,
                        duration_ms INTEGER,
                        lateness_ms INTEGER,
                        attempt INTEGER NOT NULL DEFAULT 1 CHECK (attempt >= 1),
                        triggered_by TEXT NOT NULL CHECK (triggered_by IN ('schedule','catchup','retry','manual')),
                        triggered_by_user TEXT,
                        host TEXT NOT NULL,
                        pid INTEGER NOT NULL,
                        metrics TEXT,
                        items_processed INTEGER,
                        error TEXT,
                        output TEXT,
                        CHECK (triggered_by NOT IN ('schedule','catchup') OR scheduled_at IS NOT NULL)
                    );
                    -- `history --limit N`: newest first; the rowid (id) is the implicit last column.
                    CREATE INDEX job_executions_started ON job_executions(started_at);
                    CREATE INDEX job_executions_job_started ON job_executions(job, started_at);
                    CREATE INDEX job_executions_status_started ON job_executions(status, started_at);
                    -- A fire of the schedule is recorded at most once, even when two processes race.
                    CREATE UNIQUE INDEX job_executions_fire ON job_executions(job, scheduled_at, attempt)
                        WHERE triggered_by IN ('schedule','catchup','retry');
                    """)
        },
        Migration(name: "v2 index job_executions for stats") { db in
            // Duration percentiles per job read this index in order (covering, with started_at
            // for `--since`), instead of sorting a million rows.
            try db.execute(
                sql: """
                    CREATE INDEX job_executions_job_duration
                        ON job_executions(job, duration_ms, started_at);
                    -- Covers the grouped scans of `stats` and `metrics` (a table scan reads every row's
                    -- metrics and output); its (job, status, started_at) prefix finds the last
                    -- success / failure and counts consecutive failures.
                    CREATE INDEX job_executions_job_status_stats
                        ON job_executions(job, status, started_at, duration_ms, lateness_ms, items_processed);
                    """)
        },
        Migration(name: "v3 create job_totals") { db in
            // Running totals for the Prometheus counters and histogram, kept by triggers when a
            // row reaches a final status, so that pruning old rows never lowers a counter (a
            // drop reads as a counter reset to Prometheus). Histogram bounds are fixed here, in
            // milliseconds (9223372036854775807 is +Inf): changing them takes a new migration.
            let bounds: [Int64] = [
                10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000, 300000, 600000, 1_800_000,
                3_600_000, 7_200_000,
            ]
            func bucket(_ column: String) -> String {
                "CASE " + bounds.map { "WHEN \(column) <= \($0) THEN \($0)" }.joined(separator: " ")
                    + " ELSE 9223372036854775807 END"
            }
            // What both triggers do when a row reaches a final status.
            let countNewRow = """
                BEGIN
                    INSERT INTO job_totals (job, status, runs, durations, duration_sum_ms, items_processed)
                    VALUES (NEW.job, NEW.status, 1, NEW.duration_ms IS NOT NULL, COALESCE(NEW.duration_ms, 0),
                        COALESCE(NEW.items_processed, 0))
                    ON CONFLICT (job, status) DO UPDATE SET
                        runs = runs + 1, durations = durations + excluded.durations,
                        duration_sum_ms = duration_sum_ms + excluded.duration_sum_ms,
                        items_processed = items_processed + excluded.items_processed;
                    INSERT INTO job_duration_buckets (job, le_ms, count)
                    SELECT NEW.job, \(bucket("NEW.duration_ms")), 1 WHERE NEW.duration_ms IS NOT NULL
                    ON CONFLICT (job, le_ms) DO UPDATE SET count = count + 1;
                END;
                """
            try db.execute(
                sql: """
                    CREATE TABLE job_totals (
                        job TEXT NOT NULL,
                        status TEXT NOT NULL,
                        runs INTEGER NOT NULL,
                        durations INTEGER NOT NULL,
                        duration_sum_ms INTEGER NOT NULL,
                        items_processed INTEGER NOT NULL,
                        PRIMARY KEY (job, status)
                    ) WITHOUT ROWID;
                    CREATE TABLE job_duration_buckets (
                        job TEXT NOT NULL,
                        le_ms INTEGER NOT NULL,
                        count INTEGER NOT NULL,
                        PRIMARY KEY (job, le_ms)
                    ) WITHOUT ROWID;
                    INSERT INTO job_totals
                        SELECT job, status, COUNT(*), COUNT(duration_ms), COALESCE(SUM(duration_ms), 0),
                            COALESCE(SUM(items_processed), 0)
                        FROM job_executions WHERE status <> 'running' GROUP BY job, status;
                    INSERT INTO job_duration_buckets
                        SELECT job, \(bucket("duration_ms")) AS le, COUNT(*)
                        FROM job_executions WHERE status <> 'running' AND duration_ms IS NOT NULL GROUP BY job, le;
                    CREATE TRIGGER job_totals_on_insert AFTER INSERT ON job_executions
                    WHEN NEW.status <> 'running'
                    \(countNewRow)
                    CREATE TRIGGER job_totals_on_finish AFTER UPDATE OF status ON job_executions
                    WHEN OLD.status = 'running' AND NEW.status <> 'running'
                    \(countNewRow)
                    """)
        },
        Migration(name: "v4 create job summaries") { db in
            // Tables and triggers only: the rows already there are folded in afterwards by
            // `backfillSummaries`, in short transactions (see `SummarySchema`). Percentiles now
            // come from the histograms, so the (job, duration_ms, started_at) index of v2 goes:
            // it cost every insert and an eighth of the file. (job, status, started_at, …) stays:
            // a success recorded out of order recounts the failures after it through it.
            try db.execute(sql: "DROP INDEX job_executions_job_duration")
            try db.execute(sql: SummarySchema.migrationSQL)
            try SummarySchema.fillBuckets(db)
        },
        Migration(name: "v5 create job work markers") { db in
            // When each job last found work, for the idle warning (see `WorkMarkerSchema`).
            try db.execute(sql: WorkMarkerSchema.migrationSQL)
        },
        Migration(name: "v7-hook-runs") { db in
            // Failure hooks' runs (`HookRunSchema`), and the `backfill` trigger of `jobctl
            // backfill` (`BackfillTriggerSchema`): both issue 12, one migration by assignment.
            try db.execute(sql: HookRunSchema.migrationSQL)
            try BackfillTriggerSchema.allowBackfill(db)
        },
    ]

    /// Upper bounds of the duration histogram kept by "v3 create job_totals", in milliseconds.
    static let histogramBoundsMs: [Int64] = [
        10, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000,
        3_600_000, 7_200_000,
    ]

    /// The names of the migrations this binary knows, in order.
    public static var migrationNames: [String] { migrations.map(\.name) }

    static func checkFile(path: String, mustExist: Bool, needsWrite: Bool) throws {
        let directory = HistoryError.directory(of: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw HistoryError.missingDirectory(path: path)
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            if mustExist { throw HistoryError.missingFile(path: path) }
            if access(directory, W_OK) != 0 { throw HistoryError.readOnly(path: path) }
            return
        }
        if info.st_size > 0 {
            // Every SQLite database starts with this 16-byte header.
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw HistoryError.database(path: path, message: "cannot open the file for reading")
            }
            defer { try? handle.close() }
            let header = (try? handle.read(upToCount: 16)) ?? Data()
            if header != Data("SQLite format 3\0".utf8) {
                throw HistoryError.corrupt(path: path, detail: "file is not a database")
            }
        }
        if !needsWrite { return }
        if info.st_mode & 0o222 == 0 || access(path, W_OK) != 0 {
            throw HistoryError.readOnly(path: path)
        }
        if access(directory, W_OK) != 0 {
            // WAL mode keeps `-wal` and `-shm` files beside the database.
            throw HistoryError.readOnly(path: path)
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try dbQueue.write(body)
        } catch {
            throw HistoryError.from(error, path: path)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try dbQueue.read(body)
        } catch {
            throw HistoryError.from(error, path: path)
        }
    }

    // MARK: - Writing

    /// `HistoryStore.ExecutionStart` and `ExecutionStart` name the same type.
    public typealias ExecutionStart = JobctlCore.ExecutionStart

    /// Inserts a `running` row; returns its id, or nil when this (job, scheduledFor, attempt) is
    /// already recorded for a schedule/catchup/retry trigger (another process won the race).
    public func begin(_ start: ExecutionStart) throws -> Int64? {
        try insert(start, status: .running, finishedAt: nil, error: nil)
    }

    /// Records a run that did not start (overlap skip, lock held): a finished `skipped` row with
    /// the reason in `error`, no duration and no lateness. Returns nil if that fire is already
    /// recorded.
    public func recordSkipped(_ start: ExecutionStart, reason: String) throws -> Int64? {
        try insert(start, status: .skipped, finishedAt: start.startedAt, error: reason)
    }

    private func insert(_ start: ExecutionStart, status: ExecutionStatus, finishedAt: Date?, error: String?) throws
        -> Int64?
    {
        guard start.attempt >= 1 else {
            throw HistoryError.invalidArgument("attempt must be at least 1, got \(start.attempt)")
        }
        if start.triggeredBy == .schedule || start.triggeredBy == .catchup || start.triggeredBy == .backfill,
            start.scheduledFor == nil
        {
            throw HistoryError.invalidArgument(
                "a \(start.triggeredBy.rawValue) run of \(start.job) needs its fire time")
        }
        let started = HistoryTime.milliseconds(start.startedAt)
        let scheduled = start.scheduledFor.map(HistoryTime.milliseconds(_:))
        let lateness: Int64? =
            (status == .running && (start.triggeredBy == .schedule || start.triggeredBy == .catchup))
            ? scheduled.map { started - $0 } : nil
        return try write { db in
            // Cached: the triggers make a statement on job_executions slow to prepare, and the
            // scheduler's store writes a row per run.
            try db.cachedStatement(
                sql: """
                    INSERT INTO job_executions
                        (job, status, scheduled_at, started_at, finished_at, duration_ms, lateness_ms,
                         attempt, triggered_by, triggered_by_user, host, pid, error)
                    VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """
            ).execute(
                arguments: [
                    start.job, status.rawValue, scheduled, started, finishedAt.map(HistoryTime.milliseconds(_:)),
                    lateness, start.attempt, start.triggeredBy.rawValue, start.user, start.host,
                    Int64(start.pid), error,
                ])
            return db.changesCount == 0 ? nil : db.lastInsertedRowID
        }
    }

    /// The most output kept per execution: the last 4 KiB.
    public static let outputLimitBytes = 4096

    /// Completes a row: status, finishedAt (duration = finished − started, never negative),
    /// metrics, error, output (its last 4 KiB). Only a row still `running` is updated, so a
    /// run that was meanwhile marked `interrupted` stays so. Returns whether the row was updated.
    @discardableResult
    public func finish(
        id: Int64, status: ExecutionStatus, finishedAt: Date, metrics: JobMetrics?, error: String?, output: String?
    ) throws -> Bool {
        guard status != .running else {
            throw HistoryError.invalidArgument("finish needs a final status, not running")
        }
        let metricsJSON = try metrics.map(HistoryJSON.encodeMetrics(_:))
        let finished = HistoryTime.milliseconds(finishedAt)
        return try write { db in
            try db.cachedStatement(
                sql: """
                    UPDATE job_executions
                    SET status = ?, finished_at = ?, duration_ms = MAX(0, ? - started_at),
                        metrics = ?, items_processed = ?, error = ?, output = ?
                    WHERE id = ? AND status = 'running'
                    """
            ).execute(
                arguments: [
                    status.rawValue, finished, finished, metricsJSON, metrics.map { Int64($0.processed) },
                    error, output.map(Self.tail(of:)), id,
                ])
            return db.changesCount > 0
        }
    }

    /// The last `outputLimitBytes` bytes of `text`, cut at a character boundary.
    static func tail(of text: String) -> String {
        let utf8 = text.utf8
        guard utf8.count > outputLimitBytes else { return text }
        var start = utf8.index(utf8.endIndex, offsetBy: -outputLimitBytes)
        while start < utf8.endIndex, UTF8.isContinuation(utf8[start]) {
            start = utf8.index(after: start)
        }
        return String(text[start...])
    }

    /// Marks rows left `running` by processes that died as `interrupted` (finished_at = now,
    /// no duration, error "process NNN on HOST died"), only for jobs whose lock is free: a job
    /// whose lock is held may really be running. The caller must take a job's lock before
    /// `begin` for this to be sound. `isLockFree` is called once per job, outside any
    /// transaction. Returns how many rows were marked.
    public func recoverInterrupted(now: Date, isLockFree: (String) -> Bool) throws -> Int {
        struct Running { var id: Int64; var job: String; var host: String; var pid: Int64 }
        let running: [Running] = try read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, job, host, pid FROM job_executions WHERE status = 'running' ORDER BY id"
            ).map {
                Running(
                    id: try $0.decode(forColumn: "id"), job: try $0.decode(forColumn: "job"),
                    host: try $0.decode(forColumn: "host"), pid: try $0.decode(forColumn: "pid"))
            }
        }
        if running.isEmpty { return 0 }
        var free: [String: Bool] = [:]
        for row in running where free[row.job] == nil {
            free[row.job] = isLockFree(row.job)
        }
        let dead = running.filter { free[$0.job] == true }
        if dead.isEmpty { return 0 }
        let nowMs = HistoryTime.milliseconds(now)
        return try write { db in
            var count = 0
            let statement = try db.cachedStatement(
                sql: """
                    UPDATE job_executions SET status = 'interrupted', finished_at = MAX(?, started_at),
                        duration_ms = NULL, error = ?
                    WHERE id = ? AND status = 'running'
                    """)
            for row in dead {
                try statement.execute(arguments: [nowMs, "process \(row.pid) on \(row.host) died", row.id])
                count += db.changesCount
            }
            return count
        }
    }

    /// Deletes finished rows older than the cutoff (started and finished before it) in batches
    /// of `batchSize` rows, oldest first, one short write transaction per batch so that a run
    /// starting meanwhile waits at most one batch. Returns rows deleted.
    public func prune(finishedBefore cutoff: Date, batchSize: Int) throws -> Int {
        guard batchSize >= 1 else {
            throw HistoryError.invalidArgument("batch size must be at least 1, got \(batchSize)")
        }
        let cutoffMs = HistoryTime.milliseconds(cutoff)
        var total = 0
        while true {
            let deleted = try write { db -> Int in
                try db.cachedStatement(
                    sql: """
                        DELETE FROM job_executions WHERE id IN (
                            SELECT id FROM job_executions
                            WHERE started_at < ? AND finished_at < ? AND status <> 'running'
                            ORDER BY started_at LIMIT ?)
                        """
                ).execute(arguments: [cutoffMs, cutoffMs, batchSize])
                return db.changesCount
            }
            total += deleted
            if deleted < batchSize { return total }
        }
    }

    // MARK: - Reading

    /// The newest fire time recorded for a `schedule` or `catchup` run of the job (run or
    /// skipped), for catch-up after downtime; nil if none.
    public func lastScheduledFire(job: String) throws -> Date? {
        try read { db in
            // The first IN term repeats the partial index's WHERE so that SQLite may use it.
            let ms = try Int64.fetchOne(
                db,
                sql: """
                    SELECT scheduled_at FROM job_executions
                    WHERE job = ? AND triggered_by IN \(BackfillTriggerSchema.fireTriggers)
                      AND triggered_by IN ('schedule','catchup')
                    ORDER BY scheduled_at DESC LIMIT 1
                    """,
                arguments: [job])
            return ms.map(HistoryTime.date(milliseconds:))
        }
    }

    /// Executions matching the filter, newest first (by start time, then id).
    public func executions(_ filter: HistoryFilter) throws -> [ExecutionRecord] {
        guard filter.limit >= 0 else {
            throw HistoryError.invalidArgument("limit must not be negative, got \(filter.limit)")
        }
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let job = filter.job {
            conditions.append("job = ?")
            _ = arguments.append(contentsOf: [job])
        }
        if let status = filter.status {
            conditions.append("status = ?")
            _ = arguments.append(contentsOf: [status.rawValue])
        }
        if let since = filter.since {
            conditions.append("started_at >= ?")
            _ = arguments.append(contentsOf: [HistoryTime.milliseconds(since)])
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        _ = arguments.append(contentsOf: [filter.limit])
        let sql = "SELECT * FROM job_executions \(whereClause) ORDER BY started_at DESC, id DESC LIMIT ?"
        return try read { db in
            try ExecutionRecord.fetchAll(db, sql: sql, arguments: arguments)
        }
    }

    /// One execution by id.
    public func execution(id: Int64) throws -> ExecutionRecord? {
        try read { db in try ExecutionRecord.fetchOne(db, key: id) }
    }

    /// The `EXPLAIN QUERY PLAN` details of a statement, for tests that pin index use.
    func queryPlan(_ sql: String, arguments: StatementArguments = []) throws -> [String] {
        try read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map {
                try $0.decode(String.self, forColumn: "detail")
            }
        }
    }
}

/// The start of an execution, as the scheduler knows it.
public struct ExecutionStart: Sendable, Equatable {
    public var job: String
    /// The fire this run is for; nil for a manual run.
    public var scheduledFor: Date?
    public var startedAt: Date
    /// 1-based.
    public var attempt: Int
    public var triggeredBy: TriggerKind
    /// The user of a manual trigger.
    public var user: String?
    public var host: String
    public var pid: Int32

    public init(
        job: String, scheduledFor: Date?, startedAt: Date, attempt: Int, triggeredBy: TriggerKind,
        user: String?, host: String, pid: Int32
    ) {
        self.job = job
        self.scheduledFor = scheduledFor
        self.startedAt = startedAt
        self.attempt = attempt
        self.triggeredBy = triggeredBy
        self.user = user
        self.host = host
        self.pid = pid
    }
}
