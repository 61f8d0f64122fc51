import GRDB

/// The SQL of the per-job summaries (migration "v4 create job summaries"): tables, triggers and
/// the backfill statement. The database keeps the summaries itself, in the transaction that
/// changes a row, so rows written by any writer (another jobctl, the `sqlite3` shell, a
/// script) count.
///
/// Decisions:
/// - **All-time figures** (`job_summary`, `job_summary_durations`) count every execution ever
///   recorded, in its latest state. Deleting a row (retention pruning) never changes them,
///   with one exception: a deleted row that was still `running` no longer counts as running.
///   Maxima are all-time (never lowered). Last success, last failure and the last lateness are
///   the newest (by start, then id) ever recorded.
/// - **Failing streak**: failures (failed, timed out, interrupted) that started after the
///   newest success, as `stats` always defined it; partial and skipped runs neither break nor
///   extend it. A success recorded out of order (it started before failures already recorded)
///   recounts the failures after it; failures that were deleted while part of the streak are
///   kept as tombstones (`job_streak_tombstones`) so that the recount still sees them.
/// - **Per-day figures** (`job_day_summary`, `job_day_durations`; UTC days of `started_at`)
///   describe the rows kept: a deleted row is subtracted from its day, a day's maxima are
///   re-read from its remaining rows when the deleted row held one, and an emptied day is
///   removed. So `stats --since` counts the executions still in the history.
/// - **Rows are append-only where the summaries look**: the job, start and lateness of any row,
///   and the status, end and duration of a finished row, cannot change, and a `running` row
///   has no duration (triggers refuse the insert or update). A `running` row becomes final once
///   (`finish`, recovery); its old contribution is retracted and the new one added. So a
///   duration, once recorded, never changes, and the all-time maximum is always a duration of
///   the all-time histogram.
/// - **Backfill**: rows present when the migration runs are folded in afterwards, in batches by
///   id, one short write transaction each. `job_summary_backfill` holds the watermark: rows
///   with `next_id <= id <= last_id` are not folded yet, and the triggers leave them alone (the
///   backfill reads their state when it reaches them). Everything else is kept by the triggers.
enum SummarySchema {
    static let dayMilliseconds: Int64 = 86_400_000
    /// The statuses of v1's CHECK, frozen: v4's columns and triggers were shipped with them.
    /// `abandoned` (PostgreSQL only) never occurs in SQLite.
    static let statuses = ["running", "succeeded", "failed", "partial", "timed_out", "skipped", "interrupted"]
    static let failures = "('failed','timed_out','interrupted')"

    /// The row `p` ("NEW.") is a failure. Written out: `NEW.status IN (…)` builds a temporary
    /// table every time a trigger runs, which made loading a million rows nine times slower.
    static func isFailure(_ p: String) -> String {
        "(\(p)status = 'failed' OR \(p)status = 'timed_out' OR \(p)status = 'interrupted')"
    }

    /// Columns summed per row; `contributions(of:)` gives each row's share, in this order.
    static let sumColumns = statuses + ["duration_count", "duration_sum", "lateness_count", "lateness_sum"]
    static let maxColumns = ["duration_max", "lateness_max"]

    /// The bucket key of `DurationHistogram.key` as an SQL expression of `column` (NULL stays
    /// NULL; values are read as integers): one probe of `job_summary_buckets`, which holds the
    /// lower bound of every key. An arithmetic expression would need `log2` (not in every
    /// SQLite build, and every writer runs these triggers) or some hundred comparisons, which
    /// made each statement on `job_executions` slow to prepare.
    static func bucketSQL(_ column: String) -> String {
        "(SELECT bucket FROM job_summary_buckets WHERE lower_ms <= CAST(\(column) AS INTEGER) "
            + "ORDER BY lower_ms DESC LIMIT 1)"
    }

    /// Fills `job_summary_buckets` from `DurationHistogram`: the Swift and SQL keys agree by
    /// construction.
    static func fillBuckets(_ db: Database) throws {
        let statement = try db.makeStatement(sql: "INSERT INTO job_summary_buckets (lower_ms, bucket) VALUES (?, ?)")
        for key in -DurationHistogram.maximumKey...DurationHistogram.maximumKey {
            try statement.execute(arguments: [DurationHistogram.bounds(ofKey: key).lowerBound, key])
        }
    }

    /// The UTC day number (days since 1970-01-01, rounded down) of a millisecond instant.
    static func daySQL(_ column: String) -> String {
        let day = dayMilliseconds
        return "((\(column) - (((\(column)) % \(day)) + \(day)) % \(day)) / \(day))"
    }

    /// True when the row with this id is kept by the triggers (not waiting for the backfill).
    /// The unary `+` keeps SQLite from answering `e.id < … OR e.id > …` with two scans of the
    /// whole table by rowid instead of the index the rest of the query uses.
    static func folded(_ id: String) -> String {
        "(+\(id) < (SELECT next_id FROM job_summary_backfill) OR +\(id) > (SELECT last_id FROM job_summary_backfill))"
    }

    /// Each row's share of `sumColumns`, for a row named by `p` ("NEW.").
    static func contributions(of p: String) -> [String] {
        statuses.map { "(\(p)status = '\($0)')" } + [
            "(\(p)duration_ms IS NOT NULL)", "COALESCE(\(p)duration_ms, 0)",
            "(\(p)lateness_ms IS NOT NULL)", "COALESCE(\(p)lateness_ms, 0)",
        ]
    }

    /// `(started_at, id)` of the `NEW` row is after the marker `prefix` (or there is none).
    static func isNewer(than prefix: String) -> String {
        "(\(prefix)_id IS NULL OR NEW.started_at > \(prefix)_started "
            + "OR (NEW.started_at = \(prefix)_started AND NEW.id > \(prefix)_id))"
    }

    /// The columns summed and maximised, for `job_summary` and `job_day_summary`.
    static var figureColumns: String {
        let counts = statuses.map { "\($0) INTEGER NOT NULL DEFAULT 0" }.joined(separator: ", ")
        return counts + """
            , duration_count INTEGER NOT NULL DEFAULT 0, duration_sum INTEGER NOT NULL DEFAULT 0,
                duration_max INTEGER, lateness_count INTEGER NOT NULL DEFAULT 0,
                lateness_sum INTEGER NOT NULL DEFAULT 0, lateness_max INTEGER
            """
    }

    /// The whole migration.
    static var migrationSQL: String {
        tablesSQL + feedAddSQL + feedRetractSQL + feedDeleteSQL + executionTriggersSQL
    }

    static func feedView(_ name: String, extra: String = "") -> String {
        "CREATE VIEW \(name) AS SELECT \(extra)NULL AS job, NULL AS status, NULL AS started_at, NULL AS id, "
            + "NULL AS finished_at, NULL AS duration_ms, NULL AS lateness_ms, NULL AS bucket WHERE 0;"
    }

    static var tablesSQL: String {
        """
        CREATE TABLE job_summary_buckets (lower_ms INTEGER PRIMARY KEY, bucket INTEGER NOT NULL);
        CREATE TABLE job_summary_backfill (
            one INTEGER PRIMARY KEY CHECK (one = 1), next_id INTEGER NOT NULL, last_id INTEGER NOT NULL);
        INSERT INTO job_summary_backfill VALUES (1,
            COALESCE((SELECT MIN(id) FROM job_executions), 1), COALESCE((SELECT MAX(id) FROM job_executions), 0));
        CREATE TABLE job_summary (
            job TEXT NOT NULL PRIMARY KEY, \(figureColumns),
            last_success_started INTEGER, last_success_id INTEGER, last_success_finished INTEGER,
            last_failure_started INTEGER, last_failure_id INTEGER, last_failure_finished INTEGER,
            last_lateness_started INTEGER, last_lateness_id INTEGER, last_lateness_ms INTEGER,
            failing_streak INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
        CREATE TABLE job_summary_durations (
            job TEXT NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL,
            PRIMARY KEY (job, bucket)) WITHOUT ROWID;
        CREATE TABLE job_day_summary (
            job TEXT NOT NULL, day INTEGER NOT NULL, \(figureColumns), PRIMARY KEY (job, day)) WITHOUT ROWID;
        CREATE TABLE job_day_durations (
            job TEXT NOT NULL, day INTEGER NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL,
            PRIMARY KEY (job, day, bucket)) WITHOUT ROWID;
        CREATE TABLE job_streak_tombstones (
            job TEXT NOT NULL, started_at INTEGER NOT NULL, id INTEGER NOT NULL,
            PRIMARY KEY (job, started_at, id)) WITHOUT ROWID;
        -- Rows go through these views so that the triggers and the backfill share one body of
        -- logic (their INSTEAD OF triggers); they hold nothing. One view per kind of change, so
        -- that preparing an INSERT on job_executions compiles only what an insert runs.
        \(feedView("job_summary_add", extra: "NULL AS op, "))
        \(feedView("job_summary_retract"))
        \(feedView("job_summary_delete"))

        """
    }
}
