/// The migrations of the PostgreSQL state store, append-only and named like SQLite's: a
/// shipped migration is never edited; a change is a new one. `PostgresMigrator` applies them.
///
/// Where the tables differ from docs/several-hosts.md §4, and why:
/// - `host` and `pid` are NOT NULL: every writer knows them, and `ExecutionRecord` (history,
///   the HTTP API) has no "unknown host".
/// - `scheduled_at` follows SQLite's rule (needed by `schedule` and `catchup`) instead of
///   `(triggered_by = 'manual') = (scheduled_at IS NULL)`: a retry of a manual run is a `retry`
///   row without a fire, as on one host. The fire index skips manual rows, as SQLite's does.
/// - `jobctl_pause` comes in "pg v3": `note` may be NULL (no note), as on SQLite.
/// - Indexes: (job, started_at) for `lastRuns` and `history --job`, (job, status, started_at)
///   for the failing-streak recount and the partial day of a `stats --since` window, instead of
///   §4's (job, duration_ms, started_at): percentiles come from the summaries' histograms.
enum PostgresSchema {
    struct Migration: Sendable {
        var name: String
        var sql: String
    }

    static let migrations: [Migration] = [
        Migration(name: "pg v1 create jobctl tables", sql: tablesSQL),
        Migration(name: "pg v2 create jobctl summaries", sql: PostgresSummarySchema.migrationSQL),
        Migration(name: "pg v3 create jobctl pauses", sql: pausesSQL),
        Migration(name: "pg v4 create jobctl hook runs", sql: hookRunsSQL),
        Migration(name: "pg v5 index jobctl day summaries by day", sql: dayIndexesSQL),
        Migration(name: "pg v6 let queued fires start", sql: PostgresQueueSchema.migrationSQL),
    ]

    /// `stats --since` and the windowed figures read the day tables by `day >= $1` over every
    /// job, which their `(job, day, …)` keys cannot serve: a sequential scan of 730 days × jobs ×
    /// buckets (34 ms of the 40 of `stats --since 7d` at 1M rows; 14.5 ms with these indexes,
    /// docs/benchmarks.md, "PostgreSQL").
    static let dayIndexesSQL = """
        CREATE INDEX jobctl_day_summary_day ON jobctl_day_summary (day);
        CREATE INDEX jobctl_day_status_day ON jobctl_day_status (day);
        CREATE INDEX jobctl_day_durations_day ON jobctl_day_durations (day);
        """

    /// Failure hooks' runs and the `backfill` trigger (issue 12), as SQLite's "v7-hook-runs".
    static let hookRunsSQL = """
        CREATE TABLE jobctl_hook_run (
          id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          run_id      bigint      NOT NULL REFERENCES jobctl_execution (id) ON DELETE CASCADE,
          job         text        NOT NULL,
          event       text        NOT NULL CHECK (event IN ('failure','overdue','recovery')),
          status      text        NOT NULL CHECK (status IN ('running','succeeded','failed','timed_out','interrupted')),
          started_at  timestamptz NOT NULL,
          finished_at timestamptz,
          duration_ms bigint,
          exit_code   integer,
          error       text,
          output      text,
          host        text        NOT NULL,
          pid         integer     NOT NULL
        );
        CREATE INDEX jobctl_hook_run_run ON jobctl_hook_run (run_id);
        CREATE INDEX jobctl_hook_run_job_event ON jobctl_hook_run (job, event, started_at);
        ALTER TABLE jobctl_execution DROP CONSTRAINT jobctl_execution_triggered_by_check;
        ALTER TABLE jobctl_execution ADD CONSTRAINT jobctl_execution_triggered_by_check
          CHECK (triggered_by IN ('schedule','catchup','retry','manual','backfill'));
        """

    /// Pauses (issue 12): one row per paused job; `resume` deletes it.
    static let pausesSQL = """
        CREATE TABLE jobctl_pause (
          job       text        PRIMARY KEY,
          paused_at timestamptz NOT NULL,
          paused_by text        NOT NULL,
          note      text
        );
        """

    /// Statuses the tables accept. `queued` is for `overlap=queue` across hosts (`CLAIM` writes
    /// it, `DEQUEUE` starts it; "pg v6" lets the summaries' triggers follow it).
    static let tablesSQL = """
        CREATE TABLE jobctl_execution (
          id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          job             text        NOT NULL,
          scheduled_at    timestamptz,
          attempt         integer     NOT NULL DEFAULT 1 CHECK (attempt >= 1),
          triggered_by    text        NOT NULL CHECK (triggered_by IN ('schedule','catchup','retry','manual')),
          triggered_user  text,
          status          text        NOT NULL CHECK (status IN ('running','queued','succeeded','failed',
                                        'partial','timed_out','skipped','interrupted','abandoned')),
          exclusive       boolean     NOT NULL,
          owner_node      text,
          lease_until     timestamptz,
          config_digest   text        NOT NULL,
          host            text        NOT NULL,
          pid             integer     NOT NULL,
          started_at      timestamptz NOT NULL,
          finished_at     timestamptz,
          duration_ms     bigint,
          lateness_ms     bigint,
          items_processed bigint,
          metrics         text,
          error           text,
          output          text,
          CHECK ((status = 'running') = (lease_until IS NOT NULL)),
          CHECK (status <> 'running' OR owner_node IS NOT NULL),
          CHECK (triggered_by NOT IN ('schedule','catchup') OR scheduled_at IS NOT NULL)
        );
        -- The claim: one row per fire and attempt (manual runs have no fire).
        CREATE UNIQUE INDEX jobctl_execution_fire ON jobctl_execution (job, scheduled_at, attempt)
          WHERE scheduled_at IS NOT NULL AND triggered_by <> 'manual';
        -- overlap=skip|queue across nodes: at most one live run of an exclusive job.
        CREATE UNIQUE INDEX jobctl_execution_one_live ON jobctl_execution (job)
          WHERE status = 'running' AND exclusive;
        -- overlap=queue: at most one fire waits.
        CREATE UNIQUE INDEX jobctl_execution_one_queued ON jobctl_execution (job) WHERE status = 'queued';
        CREATE INDEX jobctl_execution_leases ON jobctl_execution (lease_until) WHERE status = 'running';
        CREATE INDEX jobctl_execution_started ON jobctl_execution (started_at, id);
        CREATE INDEX jobctl_execution_job_started ON jobctl_execution (job, started_at, id);
        CREATE INDEX jobctl_execution_job_status ON jobctl_execution (job, status, started_at);

        CREATE TABLE jobctl_node (
          node_id       text PRIMARY KEY,
          host          text NOT NULL,
          pid           integer NOT NULL,
          version       text NOT NULL,
          config_digest text NOT NULL,
          started_at    timestamptz NOT NULL DEFAULT now(),
          heartbeat_at  timestamptz NOT NULL DEFAULT now(),
          stopped_at    timestamptz
        );
        CREATE TABLE jobctl_node_job (
          node_id text NOT NULL REFERENCES jobctl_node ON DELETE CASCADE,
          job     text NOT NULL,
          digest  text NOT NULL,
          PRIMARY KEY (node_id, job)
        );
        CREATE INDEX jobctl_node_job_job ON jobctl_node_job (job);

        -- Whole milliseconds since the Unix epoch, the store's time unit (HistoryTime).
        CREATE FUNCTION jobctl_ms(t timestamptz) RETURNS bigint
          LANGUAGE sql STABLE STRICT PARALLEL SAFE
          AS $$ SELECT floor(extract(epoch FROM t) * 1000)::bigint $$;
        """
}
