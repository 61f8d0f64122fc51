import Foundation
import GRDB
import JobctlConfig
import JobctlTime

/// The SQL of `hook_runs` (migration "v7-hook-runs"): one row per failure-hook process, written
/// `running` before the hook starts and completed when it ends, so that `jobctl show` can list a
/// run's hooks and the next failure can tell that its streak has already alerted
/// (`HookPolicy`).
///
/// Decisions:
/// - A hook row belongs to the run that fired it (`run_id`, `ON DELETE CASCADE`): retention
///   pruning removes a run's hooks with it, and a hook is never recorded for a run that is not.
/// - The command is not stored: it may hold a webhook's secret URL. The config has it.
/// - `event` says why the hook ran (`failure`, `overdue`: `on_failure`; `recovery`:
///   `on_recovery`); `status` how it ended; `exit_code` the shell's exit status when it exited.
/// - `(job, event, started_at)` is indexed: the newest `failure` hook of a job is one probe.
enum HookRunSchema {
    static let migrationSQL = """
        CREATE TABLE hook_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL REFERENCES job_executions(id) ON DELETE CASCADE,
            job TEXT NOT NULL,
            event TEXT NOT NULL CHECK (event IN ('failure','overdue','recovery')),
            status TEXT NOT NULL CHECK (status IN ('running','succeeded','failed','timed_out','interrupted')),
            started_at INTEGER NOT NULL,
            finished_at INTEGER,
            duration_ms INTEGER,
            exit_code INTEGER,
            error TEXT,
            output TEXT,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL
        );
        CREATE INDEX hook_runs_run ON hook_runs(run_id);
        CREATE INDEX hook_runs_job_event ON hook_runs(job, event, started_at);
        """
}
