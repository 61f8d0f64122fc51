/// The triggers of "v4 create job summaries". `job_executions` feeds each change into a view:
/// `job_summary_add` (a row to count; the backfill feeds old rows there with op 'backfill',
/// which also moves the watermark past the row), `job_summary_retract` (the old state of a
/// `running` row that changes) or `job_summary_delete`. The views' INSTEAD OF triggers do the
/// work.
extension SummarySchema {
    static let day = daySQL("NEW.started_at")
    static let feedColumns = "job, status, started_at, id, finished_at, duration_ms, lateness_ms, bucket"

    static func feedValues(_ p: String) -> String {
        "\(p)job, \(p)status, \(p)started_at, \(p)id, \(p)finished_at, \(p)duration_ms, \(p)lateness_ms, "
            + bucketSQL("\(p)duration_ms")
    }

    static var executionTriggersSQL: String {
        """
        CREATE TRIGGER job_summary_guard
        BEFORE UPDATE OF id, job, started_at, lateness_ms, status, finished_at, duration_ms ON job_executions
        WHEN NEW.id IS NOT OLD.id OR NEW.job IS NOT OLD.job OR NEW.started_at IS NOT OLD.started_at
            OR NEW.lateness_ms IS NOT OLD.lateness_ms
            OR (OLD.duration_ms IS NOT NULL AND NEW.duration_ms IS NOT OLD.duration_ms)
            OR (NEW.status = 'running' AND NEW.duration_ms IS NOT NULL)
            OR (OLD.status <> 'running' AND (NEW.status IS NOT OLD.status
                OR NEW.finished_at IS NOT OLD.finished_at OR NEW.duration_ms IS NOT OLD.duration_ms))
        BEGIN
            SELECT RAISE(ABORT, '\(immutableMessage)');
        END;
        CREATE TRIGGER job_summary_guard_insert BEFORE INSERT ON job_executions
        WHEN NEW.status = 'running' AND NEW.duration_ms IS NOT NULL
        BEGIN
            SELECT RAISE(ABORT, '\(immutableMessage)');
        END;
        CREATE TRIGGER job_summary_on_insert AFTER INSERT ON job_executions WHEN \(folded("NEW.id"))
        BEGIN
            INSERT INTO job_summary_add (op, \(feedColumns)) VALUES ('add', \(feedValues("NEW.")));
        END;
        CREATE TRIGGER job_summary_on_finish AFTER UPDATE OF status, finished_at, duration_ms ON job_executions
        WHEN OLD.status = 'running' AND \(folded("NEW.id"))
        BEGIN
            INSERT INTO job_summary_retract (\(feedColumns)) VALUES (\(feedValues("OLD.")));
            INSERT INTO job_summary_add (op, \(feedColumns)) VALUES ('add', \(feedValues("NEW.")));
        END;
        CREATE TRIGGER job_summary_on_delete AFTER DELETE ON job_executions WHEN \(folded("OLD.id"))
        BEGIN
            INSERT INTO job_summary_delete (\(feedColumns)) VALUES (\(feedValues("OLD.")));
        END;

        """
    }

    /// The text of the error a refused update gets (SQLITE_CONSTRAINT).
    static let immutableMessage =
        "job_executions: the job, start, lateness and duration (set when it ends) of an execution, and the "
        + "status and end of a finished one, cannot change (the job summaries count them)"

    static var feedAddSQL: String {
        """
        CREATE TRIGGER job_summary_adding INSTEAD OF INSERT ON job_summary_add
        BEGIN
            UPDATE job_summary_backfill SET next_id = NEW.id + 1 WHERE NEW.op = 'backfill';
            \(upsertSummarySQL)
            \(upsertSQL(table: "job_day_summary", keys: ["job", "day"], keyValues: ["NEW.job", day]))
            INSERT INTO job_summary_durations (job, bucket, count) SELECT NEW.job, NEW.bucket, 1
                WHERE NEW.bucket IS NOT NULL ON CONFLICT (job, bucket) DO UPDATE SET count = count + 1;
            INSERT INTO job_day_durations (job, day, bucket, count) SELECT NEW.job, \(day), NEW.bucket, 1
                WHERE NEW.bucket IS NOT NULL ON CONFLICT (job, day, bucket) DO UPDATE SET count = count + 1;
            DELETE FROM job_streak_tombstones WHERE NEW.status = 'succeeded' AND job = NEW.job
                AND started_at <= NEW.started_at AND (started_at < NEW.started_at OR id <= NEW.id);
        END;

        """
    }

    static var feedRetractSQL: String {
        """
        CREATE TRIGGER job_summary_retracting INSTEAD OF INSERT ON job_summary_retract
        BEGIN
            \(subtractSQL(table: "job_summary", where: "job = NEW.job"))
            \(subtractSQL(table: "job_day_summary", where: "job = NEW.job AND day = \(day)"))
            \(dayMaximumSQL("duration"))
            \(dayMaximumSQL("lateness"))
            UPDATE job_summary_durations SET count = count - 1 WHERE job = NEW.job AND bucket = NEW.bucket;
            DELETE FROM job_summary_durations WHERE job = NEW.job AND bucket = NEW.bucket AND count = 0;
            \(removeDayBucketSQL)
        END;

        """
    }

    static var feedDeleteSQL: String {
        """
        CREATE TRIGGER job_summary_deleting INSTEAD OF INSERT ON job_summary_delete
        BEGIN
            UPDATE job_summary SET running = running - 1 WHERE job = NEW.job AND NEW.status = 'running';
            INSERT OR IGNORE INTO job_streak_tombstones (job, started_at, id)
                SELECT NEW.job, NEW.started_at, NEW.id FROM job_summary
                WHERE job = NEW.job AND \(isFailure("NEW.")) AND \(isNewer(than: "last_success"));
            \(subtractSQL(table: "job_day_summary", where: "job = NEW.job AND day = \(day)"))
            \(dayMaximumSQL("duration"))
            \(dayMaximumSQL("lateness"))
            \(removeDayBucketSQL)
            DELETE FROM job_day_summary WHERE job = NEW.job AND day = \(day)
                AND \(statuses.joined(separator: " + ")) = 0;
        END;

        """
    }

    /// Adds the NEW row to `table` (sums and maxima).
    static func upsertSQL(table: String, keys: [String], keyValues: [String]) -> String {
        let columns = keys + sumColumns + maxColumns
        let values = keyValues + contributions(of: "NEW.") + ["NEW.duration_ms", "NEW.lateness_ms"]
        let sets = sumColumns.map { "\($0) = \($0) + excluded.\($0)" } + maxColumns.map(mergeMaximum)
        return "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(values.joined(separator: ", "))) "
            + "ON CONFLICT (\(keys.joined(separator: ", "))) DO UPDATE SET \(sets.joined(separator: ", "));"
    }

    /// Scalar MAX is NULL when either side is: keep the other.
    static func mergeMaximum(_ column: String) -> String {
        "\(column) = COALESCE(MAX(\(column), excluded.\(column)), \(column), excluded.\(column))"
    }

    /// Subtracts the NEW row's sums from `table`.
    static func subtractSQL(table: String, where condition: String) -> String {
        let sets = zip(sumColumns, contributions(of: "NEW.")).map { "\($0) = \($0) - \($1)" }
        return "UPDATE \(table) SET \(sets.joined(separator: ", ")) WHERE \(condition);"
    }

    /// After the NEW row left its day: when it held the day's maximum, re-read it from the day's
    /// remaining rows (a handful of times per day when pruning removes a day oldest first).
    static func dayMaximumSQL(_ figure: String) -> String {
        let dayMs = dayMilliseconds
        return """
            UPDATE job_day_summary SET \(figure)_max = (SELECT MAX(e.\(figure)_ms) FROM job_executions e
                WHERE e.job = NEW.job AND e.started_at >= \(day) * \(dayMs) AND e.started_at < (\(day) + 1) * \(dayMs)
                AND \(folded("e.id")))
            WHERE job = NEW.job AND day = \(day) AND \(figure)_max = NEW.\(figure)_ms;
            """
    }

    static var removeDayBucketSQL: String {
        """
        UPDATE job_day_durations SET count = count - 1 WHERE job = NEW.job AND day = \(day) AND bucket = NEW.bucket;
            DELETE FROM job_day_durations WHERE job = NEW.job AND day = \(day) AND bucket = NEW.bucket AND count = 0;
        """
    }
}
