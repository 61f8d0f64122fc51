/// The SQL of "pg v2 create jobctl summaries": the figures `stats`, `metrics`, `list` and the
/// HTTP status read, kept by plpgsql triggers in the transaction that changes a row, with the
/// same decisions as SQLite's `SummarySchema` and `WorkMarkerSchema` (read those first):
///
/// - **All-time figures** (`jobctl_summary`, `jobctl_summary_status`, `jobctl_summary_durations`,
///   `jobctl_summary_le`) count every execution ever recorded, in its latest state; pruning
///   never lowers them (a deleted `running` row stops counting as running). The Prometheus
///   counters read them too: SQLite's separate `job_totals` holds the same numbers.
/// - **Per-day figures** (`jobctl_day_*`, UTC days of `started_at`) describe the rows kept.
/// - **Failing streak, markers, tombstones**: as SQLite's, by (started_at, id). Failures are
///   `failed`, `timed_out`, `interrupted` and `abandoned`.
/// - **Rows are append-only where the summaries look**: a BEFORE trigger refuses what SQLite's
///   guard refuses (check_violation).
/// - Statuses are rows (`jobctl_summary_status`), not columns: a new status needs no migration.
/// - "pg v6" (`PostgresQueueSchema`) replaces the guard, the change trigger and the delete
///   function so that a `queued` row (`overlap=queue` across nodes) is a state like `running`.
/// - Work counters are rows too (`jobctl_work_counters`), learned from the jobs that declare
///   them (`StateStore.learnCounters`); the two this migration seeds are history (migrations are
///   append-only), not a list the store keeps.
/// - Times in these tables are whole milliseconds since the epoch (`jobctl_ms`), as in SQLite.
/// - **Locks**: every trigger locks the job's `jobctl_summary` row first, so writers of one job
///   take their locks in one order; writers of different jobs share no row.
/// - **Data version**: every change bumps its job's `version` from a sequence; the sum over
///   jobs, read in the reader's snapshot, changes with every commit that changed a row (a
///   sequence value alone would change before the commit became visible).
enum PostgresSummarySchema {
    static var migrationSQL: String {
        helpersSQL + tablesSQL + addSQL + retractSQL + deleteSQL + workSQL + triggersSQL
    }

    /// Prometheus bounds in milliseconds (as SQLite's "v3 create job_totals"), fixed here:
    /// changing them takes a new migration.
    static let prometheusBoundsMs: [Int64] = [
        10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000, 300000, 600000, 1_800_000,
        3_600_000, 7_200_000,
    ]

    static var helpersSQL: String {
        let le = prometheusBoundsMs.map { "WHEN ms <= \($0) THEN \($0)" }.joined(separator: " ")
        return """
            CREATE FUNCTION jobctl_ts(ms bigint) RETURNS timestamptz LANGUAGE sql STABLE STRICT PARALLEL SAFE
              AS $$ SELECT 'epoch'::timestamptz + ms * interval '1 millisecond' $$;
            CREATE FUNCTION jobctl_day(ms bigint) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
              AS $$ SELECT (ms - ((ms % 86400000) + 86400000) % 86400000) / 86400000 $$;
            CREATE FUNCTION jobctl_le_ms(ms bigint) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
              AS $$ SELECT CASE \(le) ELSE 9223372036854775807 END $$;
            CREATE FUNCTION jobctl_is_failure(status text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
              AS $$ SELECT status IN ('failed', 'timed_out', 'interrupted', 'abandoned') $$;
            -- (started, id) is after the marker (m_started, m_id), or there is no marker.
            CREATE FUNCTION jobctl_newer(started bigint, id bigint, m_started bigint, m_id bigint) RETURNS boolean
              LANGUAGE sql IMMUTABLE PARALLEL SAFE
              AS $$ SELECT m_id IS NULL OR started > m_started OR (started = m_started AND id > m_id) $$;
            -- DurationHistogram.key: |ms| < 128 is its own key; above, the 7 leading bits.
            CREATE FUNCTION jobctl_bucket(ms bigint) RETURNS integer LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
            AS $$
            DECLARE v bigint; s integer := 0;
            BEGIN
              IF ms > -128 AND ms < 128 THEN RETURN ms; END IF;
              v := CASE WHEN ms = -9223372036854775808 THEN 9223372036854775807 WHEN ms < 0 THEN -ms ELSE ms END;
              WHILE v >= 128 LOOP v := v >> 1; s := s + 1; END LOOP;
              RETURN CASE WHEN ms < 0 THEN -(v + 64 * s) ELSE v + 64 * s END;
            END $$;

            """
    }

    static let figureColumns = """
        duration_count bigint NOT NULL DEFAULT 0, duration_sum bigint NOT NULL DEFAULT 0, duration_max bigint,
          lateness_count bigint NOT NULL DEFAULT 0, lateness_sum bigint NOT NULL DEFAULT 0, lateness_max bigint
        """

    static var tablesSQL: String {
        """
        CREATE SEQUENCE jobctl_version_seq;
        CREATE TABLE jobctl_summary (
          job text PRIMARY KEY, \(figureColumns),
          last_success_started bigint, last_success_id bigint, last_success_finished bigint,
          last_failure_started bigint, last_failure_id bigint, last_failure_finished bigint,
          last_lateness_started bigint, last_lateness_id bigint, last_lateness_ms bigint,
          failing_streak bigint NOT NULL DEFAULT 0,
          version bigint NOT NULL DEFAULT 0);
        -- Per status, what SQLite's job_totals holds for the Prometheus counters (durations,
        -- their sum and the items of rows that reached the status), summed status by status
        -- as SQLite sums them.
        CREATE TABLE jobctl_summary_status (
          job text NOT NULL, status text NOT NULL, count bigint NOT NULL, durations bigint NOT NULL,
          duration_sum bigint NOT NULL, items_processed bigint NOT NULL, PRIMARY KEY (job, status));
        CREATE TABLE jobctl_summary_durations (
          job text NOT NULL, bucket integer NOT NULL, count bigint NOT NULL, PRIMARY KEY (job, bucket));
        CREATE TABLE jobctl_summary_le (
          job text NOT NULL, le_ms bigint NOT NULL, count bigint NOT NULL, PRIMARY KEY (job, le_ms));
        CREATE TABLE jobctl_day_summary (
          job text NOT NULL, day bigint NOT NULL, rows bigint NOT NULL DEFAULT 0, \(figureColumns),
          PRIMARY KEY (job, day));
        CREATE TABLE jobctl_day_status (
          job text NOT NULL, day bigint NOT NULL, status text NOT NULL, count bigint NOT NULL,
          PRIMARY KEY (job, day, status));
        CREATE TABLE jobctl_day_durations (
          job text NOT NULL, day bigint NOT NULL, bucket integer NOT NULL, count bigint NOT NULL,
          PRIMARY KEY (job, day, bucket));
        CREATE TABLE jobctl_streak_tombstones (
          job text NOT NULL, started_at bigint NOT NULL, id bigint NOT NULL, PRIMARY KEY (job, started_at, id));
        CREATE TABLE jobctl_work_counters (
          counter text PRIMARY KEY, kind text NOT NULL CHECK (kind IN ('work', 'activity')));
        INSERT INTO jobctl_work_counters VALUES ('pools_due', 'work'), ('sessions_seen', 'activity');
        CREATE TABLE jobctl_work_summary (
          job text PRIMARY KEY, first_metered bigint NOT NULL, last_metered bigint NOT NULL,
          last_work bigint, last_quiet bigint);

        """
    }

    /// A row to count: the job's all-time row (sums, maxima, markers, streak), its day, its
    /// status counts and duration buckets.
    static var addSQL: String {
        """
        CREATE FUNCTION jobctl_summary_add(j text, st text, started bigint, rid bigint, finished bigint,
                                           dur bigint, late bigint, items bigint) RETURNS void
        LANGUAGE plpgsql AS $$
        DECLARE
          d bigint := jobctl_day(started);
          b integer := jobctl_bucket(dur);
          s jobctl_summary%ROWTYPE;
          ns boolean; nf boolean; nl boolean; streak bigint;
        BEGIN
          INSERT INTO jobctl_summary (job) VALUES (j) ON CONFLICT (job) DO NOTHING;
          SELECT * INTO STRICT s FROM jobctl_summary WHERE job = j FOR UPDATE;
          ns := st = 'succeeded' AND jobctl_newer(started, rid, s.last_success_started, s.last_success_id);
          nf := jobctl_is_failure(st) AND jobctl_newer(started, rid, s.last_failure_started, s.last_failure_id);
          nl := late IS NOT NULL AND jobctl_newer(started, rid, s.last_lateness_started, s.last_lateness_id);
          streak := s.failing_streak;
          IF ns THEN
            streak := CASE WHEN jobctl_newer(started, rid, s.last_failure_started, s.last_failure_id) THEN 0
                           ELSE jobctl_streak_recount(j, started, rid) END;
          ELSIF jobctl_is_failure(st) AND jobctl_newer(started, rid, s.last_success_started, s.last_success_id) THEN
            streak := streak + 1;
          END IF;
          UPDATE jobctl_summary SET
            duration_count = duration_count + (dur IS NOT NULL)::int, duration_sum = duration_sum + COALESCE(dur, 0),
            duration_max = GREATEST(duration_max, dur),
            lateness_count = lateness_count + (late IS NOT NULL)::int, lateness_sum = lateness_sum + COALESCE(late, 0),
            lateness_max = GREATEST(lateness_max, late),
            last_success_started = CASE WHEN ns THEN started ELSE last_success_started END,
            last_success_id = CASE WHEN ns THEN rid ELSE last_success_id END,
            last_success_finished = CASE WHEN ns THEN finished ELSE last_success_finished END,
            last_failure_started = CASE WHEN nf THEN started ELSE last_failure_started END,
            last_failure_id = CASE WHEN nf THEN rid ELSE last_failure_id END,
            last_failure_finished = CASE WHEN nf THEN finished ELSE last_failure_finished END,
            last_lateness_started = CASE WHEN nl THEN started ELSE last_lateness_started END,
            last_lateness_id = CASE WHEN nl THEN rid ELSE last_lateness_id END,
            last_lateness_ms = CASE WHEN nl THEN late ELSE last_lateness_ms END,
            failing_streak = streak, version = nextval('jobctl_version_seq')
          WHERE job = j;
          INSERT INTO jobctl_summary_status AS x
            VALUES (j, st, 1, (dur IS NOT NULL)::int, COALESCE(dur, 0), COALESCE(items, 0))
            ON CONFLICT (job, status) DO UPDATE SET count = x.count + 1, durations = x.durations + EXCLUDED.durations,
              duration_sum = x.duration_sum + EXCLUDED.duration_sum,
              items_processed = x.items_processed + EXCLUDED.items_processed;
          INSERT INTO jobctl_day_summary AS x (job, day, rows, duration_count, duration_sum, duration_max,
                                               lateness_count, lateness_sum, lateness_max)
            VALUES (j, d, 1, (dur IS NOT NULL)::int, COALESCE(dur, 0), dur,
                    (late IS NOT NULL)::int, COALESCE(late, 0), late)
            ON CONFLICT (job, day) DO UPDATE SET rows = x.rows + 1,
              duration_count = x.duration_count + EXCLUDED.duration_count,
              duration_sum = x.duration_sum + EXCLUDED.duration_sum,
              duration_max = GREATEST(x.duration_max, EXCLUDED.duration_max),
              lateness_count = x.lateness_count + EXCLUDED.lateness_count,
              lateness_sum = x.lateness_sum + EXCLUDED.lateness_sum,
              lateness_max = GREATEST(x.lateness_max, EXCLUDED.lateness_max);
          INSERT INTO jobctl_day_status AS x VALUES (j, d, st, 1)
            ON CONFLICT (job, day, status) DO UPDATE SET count = x.count + 1;
          IF b IS NOT NULL THEN
            INSERT INTO jobctl_summary_durations AS x VALUES (j, b, 1)
              ON CONFLICT (job, bucket) DO UPDATE SET count = x.count + 1;
            INSERT INTO jobctl_day_durations AS x VALUES (j, d, b, 1)
              ON CONFLICT (job, day, bucket) DO UPDATE SET count = x.count + 1;
            IF st <> 'running' THEN
              INSERT INTO jobctl_summary_le AS x VALUES (j, jobctl_le_ms(dur), 1)
                ON CONFLICT (job, le_ms) DO UPDATE SET count = x.count + 1;
            END IF;
          END IF;
          IF st = 'succeeded' THEN
            DELETE FROM jobctl_streak_tombstones t
            WHERE t.job = j AND (t.started_at < started OR (t.started_at = started AND t.id <= rid));
          END IF;
        END $$;

        -- The failures that started after a success older than the newest failure: those kept
        -- and those deleted while in the streak (tombstones).
        CREATE FUNCTION jobctl_streak_recount(j text, started bigint, rid bigint) RETURNS bigint
        LANGUAGE sql STABLE AS $$
          SELECT (SELECT count(*) FROM jobctl_execution e
                  WHERE e.job = j AND e.status IN ('failed', 'timed_out', 'interrupted', 'abandoned')
                    AND e.started_at >= jobctl_ts(started) AND (e.started_at > jobctl_ts(started) OR e.id > rid))
               + (SELECT count(*) FROM jobctl_streak_tombstones t
                  WHERE t.job = j AND (t.started_at > started OR (t.started_at = started AND t.id > rid)))
        $$;

        """
    }

    /// Takes a row out of its day: sums, status count, buckets; re-reads the day's maxima from
    /// its remaining rows when the row held one.
    static var dayOutSQL: String {
        """
        CREATE FUNCTION jobctl_day_out(j text, st text, d bigint, dur bigint, late bigint) RETURNS void
        LANGUAGE plpgsql AS $$
        DECLARE b integer := jobctl_bucket(dur);
        BEGIN
          UPDATE jobctl_day_summary SET rows = rows - 1,
            duration_count = duration_count - (dur IS NOT NULL)::int, duration_sum = duration_sum - COALESCE(dur, 0),
            lateness_count = lateness_count - (late IS NOT NULL)::int, lateness_sum = lateness_sum - COALESCE(late, 0)
          WHERE job = j AND day = d;
          UPDATE jobctl_day_summary SET duration_max = (SELECT max(e.duration_ms) FROM jobctl_execution e
              WHERE e.job = j AND e.started_at >= jobctl_ts(d * 86400000)
                AND e.started_at < jobctl_ts((d + 1) * 86400000))
          WHERE job = j AND day = d AND duration_max = dur;
          UPDATE jobctl_day_summary SET lateness_max = (SELECT max(e.lateness_ms) FROM jobctl_execution e
              WHERE e.job = j AND e.started_at >= jobctl_ts(d * 86400000)
                AND e.started_at < jobctl_ts((d + 1) * 86400000))
          WHERE job = j AND day = d AND lateness_max = late;
          UPDATE jobctl_day_status SET count = count - 1 WHERE job = j AND day = d AND status = st;
          DELETE FROM jobctl_day_status WHERE job = j AND day = d AND status = st AND count = 0;
          IF b IS NOT NULL THEN
            UPDATE jobctl_day_durations SET count = count - 1 WHERE job = j AND day = d AND bucket = b;
            DELETE FROM jobctl_day_durations WHERE job = j AND day = d AND bucket = b AND count = 0;
          END IF;
        END $$;

        """
    }

    /// The old state of a `running` row that changes: out of the all-time sums and its day.
    static var retractSQL: String {
        dayOutSQL + """
            CREATE FUNCTION jobctl_summary_retract(j text, st text, started bigint, dur bigint, late bigint)
              RETURNS void
            LANGUAGE plpgsql AS $$
            DECLARE b integer := jobctl_bucket(dur);
            BEGIN
              UPDATE jobctl_summary SET
                duration_count = duration_count - (dur IS NOT NULL)::int,
                duration_sum = duration_sum - COALESCE(dur, 0),
                lateness_count = lateness_count - (late IS NOT NULL)::int,
                lateness_sum = lateness_sum - COALESCE(late, 0),
                version = nextval('jobctl_version_seq')
              WHERE job = j;
              UPDATE jobctl_summary_status SET count = count - 1 WHERE job = j AND status = st;
              DELETE FROM jobctl_summary_status WHERE job = j AND status = st AND count = 0;
              IF b IS NOT NULL THEN
                UPDATE jobctl_summary_durations SET count = count - 1 WHERE job = j AND bucket = b;
                DELETE FROM jobctl_summary_durations WHERE job = j AND bucket = b AND count = 0;
              END IF;
              PERFORM jobctl_day_out(j, st, jobctl_day(started), dur, late);
            END $$;

            """
    }

    /// A deleted row (retention): all-time figures stay (a deleted failure of the streak
    /// becomes a tombstone); its day loses it, and an emptied day goes.
    static var deleteSQL: String {
        """
        CREATE FUNCTION jobctl_summary_delete(j text, st text, started bigint, rid bigint, dur bigint, late bigint)
          RETURNS void
        LANGUAGE plpgsql AS $$
        DECLARE s jobctl_summary%ROWTYPE; d bigint := jobctl_day(started);
        BEGIN
          UPDATE jobctl_summary SET version = nextval('jobctl_version_seq') WHERE job = j RETURNING * INTO s;
          IF st = 'running' THEN
            UPDATE jobctl_summary_status SET count = count - 1 WHERE job = j AND status = st;
            DELETE FROM jobctl_summary_status WHERE job = j AND status = st AND count = 0;
          END IF;
          IF s.job IS NOT NULL AND jobctl_is_failure(st)
             AND jobctl_newer(started, rid, s.last_success_started, s.last_success_id) THEN
            INSERT INTO jobctl_streak_tombstones VALUES (j, started, rid) ON CONFLICT DO NOTHING;
          END IF;
          PERFORM jobctl_day_out(j, st, d, dur, late);
          DELETE FROM jobctl_day_summary WHERE job = j AND day = d AND rows = 0;
        END $$;

        """
    }

    /// When each job's runs last found work (SQLite's `WorkMarkerSchema`). Metrics that are not
    /// JSON are skipped, never an error. A counter value is read as a number truncated toward
    /// zero (booleans as 0/1); other JSON values count as absent (SQLite would read a string's
    /// leading digits: jobctl never writes one).
    static var workSQL: String {
        """
        CREATE FUNCTION jobctl_json(t text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE STRICT AS $$
        BEGIN RETURN t::jsonb; EXCEPTION WHEN others THEN RETURN NULL; END $$;
        CREATE FUNCTION jobctl_counter(m jsonb, k text) RETURNS numeric LANGUAGE sql STABLE AS $$
          SELECT max(CASE jsonb_typeof(c.value) WHEN 'number' THEN trunc((c.value #>> '{}')::numeric)
                                                WHEN 'boolean' THEN (c.value = 'true'::jsonb)::int END)
          FROM jsonb_each(CASE WHEN jsonb_typeof(m -> 'counters') = 'object' THEN m -> 'counters'
                               ELSE '{}'::jsonb END) c
          JOIN jobctl_work_counters w ON w.counter = c.key AND w.kind = k
        $$;
        CREATE FUNCTION jobctl_work_feed(j text, started timestamptz, metrics text) RETURNS void
        LANGUAGE plpgsql AS $$
        DECLARE m jsonb := jobctl_json(metrics); w numeric; a numeric; s bigint := jobctl_ms(started);
        BEGIN
          IF m IS NULL THEN RETURN; END IF;
          w := jobctl_counter(m, 'work');
          IF w IS NULL THEN RETURN; END IF;
          a := jobctl_counter(m, 'activity');
          INSERT INTO jobctl_work_summary AS x VALUES
            (j, s, s, CASE WHEN w > 0 THEN s END, CASE WHEN w <= 0 AND (a IS NULL OR a > 0) THEN s END)
          ON CONFLICT (job) DO UPDATE SET first_metered = LEAST(x.first_metered, EXCLUDED.first_metered),
            last_metered = GREATEST(x.last_metered, EXCLUDED.last_metered),
            last_work = GREATEST(x.last_work, EXCLUDED.last_work),
            last_quiet = GREATEST(x.last_quiet, EXCLUDED.last_quiet);
        END $$;

        """
    }

    static let immutableMessage =
        "jobctl_execution: the job, start, lateness and duration (set when it ends) of an execution, and the "
        + "status and end of a finished one, cannot change (the job summaries count them)"

    static var triggersSQL: String {
        """
        CREATE FUNCTION jobctl_execution_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF (NEW.status = 'running' AND NEW.duration_ms IS NOT NULL)
             OR (TG_OP = 'UPDATE' AND (NEW.id <> OLD.id OR NEW.job <> OLD.job OR NEW.started_at <> OLD.started_at
                 OR NEW.lateness_ms IS DISTINCT FROM OLD.lateness_ms
                 OR (OLD.duration_ms IS NOT NULL AND NEW.duration_ms IS DISTINCT FROM OLD.duration_ms)
                 OR (OLD.status <> 'running' AND (NEW.status <> OLD.status
                     OR NEW.finished_at IS DISTINCT FROM OLD.finished_at
                     OR NEW.duration_ms IS DISTINCT FROM OLD.duration_ms)))) THEN
            RAISE EXCEPTION '\(immutableMessage)' USING ERRCODE = 'check_violation';
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER jobctl_execution_guard BEFORE INSERT OR UPDATE ON jobctl_execution
          FOR EACH ROW EXECUTE FUNCTION jobctl_execution_guard();

        CREATE FUNCTION jobctl_execution_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE o jobctl_execution;
        BEGIN
          IF TG_OP = 'DELETE' THEN
            PERFORM jobctl_summary_delete(OLD.job, OLD.status, jobctl_ms(OLD.started_at), OLD.id,
                                          OLD.duration_ms, OLD.lateness_ms);
            RETURN NULL;
          END IF;
          IF TG_OP = 'INSERT' OR (OLD.status = 'running' AND (NEW.status <> OLD.status
              OR NEW.finished_at IS DISTINCT FROM OLD.finished_at OR NEW.duration_ms IS DISTINCT FROM OLD.duration_ms))
          THEN
            IF TG_OP = 'UPDATE' THEN
              PERFORM jobctl_summary_retract(OLD.job, OLD.status, jobctl_ms(OLD.started_at),
                                             OLD.duration_ms, OLD.lateness_ms);
            END IF;
            PERFORM jobctl_summary_add(NEW.job, NEW.status, jobctl_ms(NEW.started_at), NEW.id,
                                       jobctl_ms(NEW.finished_at), NEW.duration_ms, NEW.lateness_ms,
                                       NEW.items_processed);
          ELSE
            -- Any other visible change (not a lease renewal alone) moves the data version.
            o := NEW;
            o.lease_until := OLD.lease_until;
            IF o IS DISTINCT FROM OLD THEN
              UPDATE jobctl_summary SET version = nextval('jobctl_version_seq') WHERE job = NEW.job;
            END IF;
          END IF;
          IF NEW.status NOT IN ('running', 'queued')
             AND (TG_OP = 'INSERT' OR NEW.status <> OLD.status OR NEW.metrics IS DISTINCT FROM OLD.metrics) THEN
            PERFORM jobctl_work_feed(NEW.job, NEW.started_at, NEW.metrics);
          END IF;
          RETURN NULL;
        END $$;
        CREATE TRIGGER jobctl_execution_changed AFTER INSERT OR UPDATE OR DELETE ON jobctl_execution
          FOR EACH ROW EXECUTE FUNCTION jobctl_execution_changed();

        """
    }
}
