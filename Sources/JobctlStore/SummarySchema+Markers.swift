/// The all-time row of a job: sums and maxima, and the markers that describe the job now
/// (last success, last failure, last lateness, failing streak), in one upsert per row.
extension SummarySchema {
    static let markerColumns = [
        "last_success_started", "last_success_id", "last_success_finished",
        "last_failure_started", "last_failure_id", "last_failure_finished",
        "last_lateness_started", "last_lateness_id", "last_lateness_ms",
    ]

    static var upsertSummarySQL: String {
        let success = "NEW.status = 'succeeded'"
        let failure = isFailure("NEW.")
        let lateness = "NEW.lateness_ms IS NOT NULL"
        func when(_ condition: String, _ value: String) -> String { "CASE WHEN \(condition) THEN \(value) END" }
        let columns = ["job"] + sumColumns + maxColumns + markerColumns + ["failing_streak"]
        let values =
            ["NEW.job"] + contributions(of: "NEW.") + ["NEW.duration_ms", "NEW.lateness_ms"]
            + ["NEW.started_at", "NEW.id", "NEW.finished_at"].map { when(success, $0) }
            + ["NEW.started_at", "NEW.id", "NEW.finished_at"].map { when(failure, $0) }
            + ["NEW.started_at", "NEW.id"].map { when(lateness, $0) } + ["NEW.lateness_ms", "(\(failure))"]
        var sets = sumColumns.map { "\($0) = \($0) + excluded.\($0)" } + maxColumns.map(mergeMaximum)
        let newSuccess = "(\(success) AND \(isNewer(than: "last_success")))"
        let newFailure = "(\(failure) AND \(isNewer(than: "last_failure")))"
        let newLateness = "(\(lateness) AND \(isNewer(than: "last_lateness")))"
        let markers: [(String, String, [String])] = [
            (newSuccess, "last_success", ["started_at", "id", "finished_at"]),
            (newFailure, "last_failure", ["started_at", "id", "finished_at"]),
            (newLateness, "last_lateness", ["started_at", "id", "lateness_ms"]),
        ]
        for (condition, prefix, fields) in markers {
            for (column, field) in zip(markerColumns.filter { $0.hasPrefix(prefix + "_") }, fields) {
                sets.append("\(column) = CASE WHEN \(condition) THEN NEW.\(field) ELSE \(column) END")
            }
        }
        sets.append(
            "failing_streak = CASE WHEN \(newSuccess) THEN (CASE WHEN \(isNewer(than: "last_failure")) THEN 0 "
                + "ELSE \(recountSQL) END) WHEN \(failure) AND \(isNewer(than: "last_success")) "
                + "THEN failing_streak + 1 ELSE failing_streak END")
        return "INSERT INTO job_summary (\(columns.joined(separator: ", "))) "
            + "VALUES (\(values.joined(separator: ", "))) "
            + "ON CONFLICT (job) DO UPDATE SET \(sets.joined(separator: ", "));"
    }

    /// The failures that started after the NEW success: those kept (and folded) and those
    /// deleted while in the streak. Only read for a success older than the newest failure.
    static var recountSQL: String {
        """
        ((SELECT COUNT(*) FROM job_executions e WHERE e.job = NEW.job AND e.status IN \(failures)
            AND e.started_at >= NEW.started_at AND (e.started_at > NEW.started_at OR e.id > NEW.id)
            AND \(folded("e.id")))
         + (SELECT COUNT(*) FROM job_streak_tombstones t WHERE t.job = NEW.job
            AND (t.started_at > NEW.started_at OR (t.started_at = NEW.started_at AND t.id > NEW.id))))
        """
    }

    /// One backfill batch: the next `?` rows waiting for it, in id order.
    static var backfillSQL: String {
        let columns = "job, status, started_at, id, finished_at, duration_ms, lateness_ms"
        return """
            INSERT INTO job_summary_add (op, \(columns), bucket)
            SELECT 'backfill', \(columns), \(bucketSQL("duration_ms")) FROM job_executions
            WHERE id >= (SELECT next_id FROM job_summary_backfill) AND id <= (SELECT last_id FROM job_summary_backfill)
            ORDER BY id LIMIT ?
            """
    }

    /// After a batch: when no row waits any more, the backfill is over.
    static let finishBackfillSQL = """
        UPDATE job_summary_backfill SET next_id = last_id + 1
        WHERE NOT EXISTS (SELECT 1 FROM job_executions
            WHERE id >= (SELECT next_id FROM job_summary_backfill) AND id <= (SELECT last_id FROM job_summary_backfill))
        """
}
