/// The SQL of "pg v6 let queued fires start": `overlap=queue` across nodes (`DEQUEUE`,
/// docs/several-hosts.md §5.10) turns a `queued` row into a `running` one, which the triggers of
/// "pg v2" (`PostgresSummarySchema`) refused (a row's start and lateness never change) and
/// would not have retracted (only a `running` row's figures were). This migration replaces the
/// three functions, changing only that:
///
/// - **`queued` is a state, as `running` is**: while queued, a row counts in its job's runs and
///   in the status counts under `queued`; when it starts (or is recorded `skipped`), its queued
///   figures are retracted and its new state added, so a fire queued, then run, then ended is
///   counted once, as its final status, exactly as a fire claimed straight to `running`. A
///   deleted `queued` row stops counting as queued, as a deleted `running` one does.
/// - **What may change**: a `queued` row's `started_at` and `lateness_ms` (the run's real start,
///   set by `DEQUEUE`), and its status to `running` or a final one; no row goes back to `queued`,
///   and a `queued` row has no duration.
enum PostgresQueueSchema {
    static var migrationSQL: String { guardSQL + changedSQL + deleteSQL }

    static var guardSQL: String {
        """
        CREATE OR REPLACE FUNCTION jobctl_execution_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF (NEW.status IN ('running', 'queued') AND NEW.duration_ms IS NOT NULL)
             OR (TG_OP = 'UPDATE' AND (NEW.id <> OLD.id OR NEW.job <> OLD.job
                 OR (NEW.status = 'queued' AND OLD.status <> 'queued')
                 OR (OLD.status <> 'queued' AND (NEW.started_at <> OLD.started_at
                     OR NEW.lateness_ms IS DISTINCT FROM OLD.lateness_ms))
                 OR (OLD.duration_ms IS NOT NULL AND NEW.duration_ms IS DISTINCT FROM OLD.duration_ms)
                 OR (OLD.status NOT IN ('running', 'queued') AND (NEW.status <> OLD.status
                     OR NEW.finished_at IS DISTINCT FROM OLD.finished_at
                     OR NEW.duration_ms IS DISTINCT FROM OLD.duration_ms)))) THEN
            RAISE EXCEPTION '\(PostgresSummarySchema.immutableMessage)' USING ERRCODE = 'check_violation';
          END IF;
          RETURN NEW;
        END $$;

        """
    }

    static var changedSQL: String {
        """
        CREATE OR REPLACE FUNCTION jobctl_execution_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE o jobctl_execution;
        BEGIN
          IF TG_OP = 'DELETE' THEN
            PERFORM jobctl_summary_delete(OLD.job, OLD.status, jobctl_ms(OLD.started_at), OLD.id,
                                          OLD.duration_ms, OLD.lateness_ms);
            RETURN NULL;
          END IF;
          IF TG_OP = 'INSERT' OR (OLD.status IN ('running', 'queued') AND (NEW.status <> OLD.status
              OR NEW.started_at <> OLD.started_at
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

        """
    }

    static var deleteSQL: String {
        """
        CREATE OR REPLACE FUNCTION jobctl_summary_delete(j text, st text, started bigint, rid bigint, dur bigint,
                                                         late bigint)
          RETURNS void
        LANGUAGE plpgsql AS $$
        DECLARE s jobctl_summary%ROWTYPE; d bigint := jobctl_day(started);
        BEGIN
          UPDATE jobctl_summary SET version = nextval('jobctl_version_seq') WHERE job = j RETURNING * INTO s;
          IF st IN ('running', 'queued') THEN
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
}
