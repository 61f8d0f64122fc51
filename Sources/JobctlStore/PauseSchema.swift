/// The SQL of "v6-job-pauses": one row per paused job (issue 12, `JobPause`).
///
/// Decisions:
/// - The job name is the primary key (WITHOUT ROWID): "is this job paused?" at each fire is
///   one lookup of that key, and a second pause of a paused job conflicts on it, so two
///   operators pausing at once record one pause (`INSERT … ON CONFLICT DO NOTHING`).
/// - Nothing refers to `job_executions`: a pause may name a job that has never run, and
///   retention never touches pauses. Resuming deletes the row.
/// - `paused_at` is milliseconds since the Unix epoch, like every time in this database.
enum PauseSchema {
    static let migrationSQL = """
        CREATE TABLE job_pauses (
            job TEXT NOT NULL PRIMARY KEY,
            paused_by TEXT NOT NULL,
            paused_at INTEGER NOT NULL,
            note TEXT
        ) WITHOUT ROWID;
        """
}
