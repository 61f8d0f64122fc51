import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
    ///   - openElsewhereInProcess: this process already has the database open through another
    ///     store (the HTTP server's reader beside the scheduler's store). The header is then not
    ///     read: reading it opens and closes the file, and closing any descriptor of a file drops
    ///     every POSIX lock the process holds on it, SQLite's included — the next process to close
    ///     its connection then found itself "last", checkpointed and deleted the WAL under the
    ///     running scheduler (seen: `jobctl trigger` or `pause` beside `jobctl run --http`).
    public init(
        path: String, busyTimeout: TimeInterval = HistoryStore.defaultBusyTimeout, mustExist: Bool = false,
        readOnly: Bool = false, openElsewhereInProcess: Bool = false
    ) throws {
        self.path = path
        try Self.checkFile(
            path: path, mustExist: mustExist || readOnly, needsWrite: !readOnly, readHeader: !openElsewhereInProcess)
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
        Migration(name: "v6-job-pauses") { db in
            // Paused jobs (issue 12; see `PauseSchema`).
            try db.execute(sql: PauseSchema.migrationSQL)
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

    static func checkFile(path: String, mustExist: Bool, needsWrite: Bool, readHeader: Bool = true) throws {
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
        if info.st_size > 0, readHeader {
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

    package func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try dbQueue.write(body)
        } catch {
            throw HistoryError.from(error, path: path)
        }
    }

    package func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try dbQueue.read(body)
        } catch {
            throw HistoryError.from(error, path: path)
        }
    }
}
