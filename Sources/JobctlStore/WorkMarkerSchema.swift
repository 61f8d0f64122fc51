/// The SQL of "v5 create job work markers": per job, when its runs last found work to do, so
/// that `stats`, the status page and `metrics` can tell a money job that keeps finding nothing
/// (`prizepool` with 0 pools due, day after day) without reading any run's metrics JSON.
///
/// Decisions:
/// - A job's *work counter* (`BuiltinJob.workCounter`) says the run found work; its *activity
///   counter* says there was activity the work comes from. The database knows the counter
///   names (`job_work_counters`), not the jobs: any job whose metrics carry one of them is
///   metered. The names are data the store learns from the jobs that declare them
///   (`StateStore.learnCounters`, at each scheduler start), so a new job's counter takes no
///   migration. `counters` below is only what this migration seeded when it was written (the
///   arcade's two; migrations are append-only, and its fold-in of older rows reads them).
/// - Triggers on `job_executions` (insert of a finished row; a row's status or metrics
///   changing while final) feed `job_work_summary`, by start time: the oldest and newest
///   metered run, the newest that found work (`last_work`), and the newest that found none
///   while there was activity, or with no activity counter at all (`last_quiet`). Markers only
///   move outwards (min/max), so a row recorded out of order, re-fed or deleted by retention
///   never lowers them: like the last success of v4, they describe the job's whole history.
/// - Rows whose `metrics` is not valid JSON are skipped (`json_valid`), never an error: the
///   insert of a row written by another tool must not fail because of this table.
/// - The migration folds in only the newest 10,000 rows (one range of the `started_at` index,
///   tens of milliseconds): reading every row's JSON would hold the write lock for seconds on a
///   big history. So after the upgrade the markers start with those rows; the idle warning needs
///   a metered run older than its window, so it cannot fire on a partial view, only later.
enum WorkMarkerSchema {
    /// Counter name → kind, as this migration seeded them (history; see the note above).
    static let counters: [(name: String, kind: String)] = [("pools_due", "work"), ("sessions_seen", "activity")]
    static let backfillRows = 10_000

    /// The largest value among the row's counters of `kind` (NULL when it reports none).
    static func counterSQL(_ metrics: String, kind: String) -> String {
        "(SELECT MAX(CAST(j.value AS INTEGER)) FROM json_each(\(metrics), '$.counters') j "
            + "JOIN job_work_counters c ON c.counter = j.key AND c.kind = '\(kind)')"
    }

    static func feed(_ p: String) -> String {
        "INSERT INTO job_work_feed (job, started_at, work, activity) VALUES (\(p)job, \(p)started_at, "
            + "\(counterSQL("\(p)metrics", kind: "work")), \(counterSQL("\(p)metrics", kind: "activity")));"
    }

    /// `MAX`/`MIN` of two values where NULL means "none": keep the other.
    static func outwards(_ function: String, _ column: String) -> String {
        "\(column) = COALESCE(\(function)(\(column), excluded.\(column)), \(column), excluded.\(column))"
    }

    static var migrationSQL: String {
        let values = counters.map { "('\($0.name)', '\($0.kind)')" }.joined(separator: ", ")
        return """
            CREATE TABLE job_work_counters (
                counter TEXT NOT NULL PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('work', 'activity'))
            ) WITHOUT ROWID;
            INSERT INTO job_work_counters (counter, kind) VALUES \(values);
            CREATE TABLE job_work_summary (
                job TEXT NOT NULL PRIMARY KEY, first_metered INTEGER NOT NULL, last_metered INTEGER NOT NULL,
                last_work INTEGER, last_quiet INTEGER) WITHOUT ROWID;
            CREATE VIEW job_work_feed AS
                SELECT NULL AS job, NULL AS started_at, NULL AS work, NULL AS activity WHERE 0;
            CREATE TRIGGER job_work_feeding INSTEAD OF INSERT ON job_work_feed WHEN NEW.work IS NOT NULL
            BEGIN
                INSERT INTO job_work_summary (job, first_metered, last_metered, last_work, last_quiet)
                VALUES (NEW.job, NEW.started_at, NEW.started_at, CASE WHEN NEW.work > 0 THEN NEW.started_at END,
                    CASE WHEN NEW.work <= 0 AND (NEW.activity IS NULL OR NEW.activity > 0) THEN NEW.started_at END)
                ON CONFLICT (job) DO UPDATE SET \(outwards("MIN", "first_metered")),
                    \(outwards("MAX", "last_metered")), \(outwards("MAX", "last_work")),
                    \(outwards("MAX", "last_quiet"));
            END;
            CREATE TRIGGER job_work_on_insert AFTER INSERT ON job_executions
            WHEN NEW.status <> 'running' AND json_valid(NEW.metrics)
            BEGIN
                \(feed("NEW."))
            END;
            CREATE TRIGGER job_work_on_update AFTER UPDATE OF status, metrics ON job_executions
            WHEN NEW.status <> 'running' AND json_valid(NEW.metrics)
            BEGIN
                \(feed("NEW."))
            END;
            INSERT INTO job_work_feed (job, started_at, work, activity)
                SELECT e.job, e.started_at, \(counterSQL("e.metrics", kind: "work")),
                    \(counterSQL("e.metrics", kind: "activity"))
                FROM job_executions e
                WHERE e.id IN (SELECT id FROM job_executions ORDER BY started_at DESC LIMIT \(backfillRows))
                    AND e.status <> 'running' AND json_valid(e.metrics);
            """
    }
}
