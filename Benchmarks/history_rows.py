"""Helpers of bench-history.sh, with Python's sqlite3 (plain SQL, as any writer would):

  history_rows.py load DB ROWS     append ROWS executions: two jobs, alternating succeeded and
                                   failed, one fire each every (2 years / ROWS*2), ending now;
                                   one INSERT ... SELECT from a recursive CTE in one
                                   transaction, so the database's triggers keep the summaries.
  history_rows.py touch DB         append one finished execution (a commit the status should
                                   see); prints its id.
  history_rows.py schema DB        print the schema (tables, indexes, triggers): with this file,
                                   the key of the databases bench-history.sh caches.
  history_rows.py downgrade DB     take the database back to migration v3 (drop the summaries
                                   and their triggers, restore v2's duration index), so that the
                                   next jobctl migrates it and backfills the summaries.
"""
import sqlite3
import sys
import time

DAY_MS = 86_400_000


def load(path, rows):
    db = sqlite3.connect(path, isolation_level=None)
    # A bulk load: no rollback journal or WAL to write, a large page cache. jobctl set WAL mode
    # when it created the file; it is set back after the load.
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-1000000")
    now = int(time.time() * 1000)
    per_job = max(1, rows // 2)
    step = 730 * DAY_MS // per_job
    start = now - per_job * step
    t0 = time.time()
    db.execute("BEGIN")
    db.execute(
        f"""
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {rows} - 1)
        INSERT INTO job_executions (job, status, scheduled_at, started_at, finished_at, duration_ms,
            lateness_ms, attempt, triggered_by, host, pid)
        SELECT CASE i % 2 WHEN 0 THEN 'prizepool' ELSE 'leaderboard' END,
            CASE (i / 2) % 2 WHEN 0 THEN 'succeeded' ELSE 'failed' END,
            {start} + (i / 2) * {step},
            {start} + (i / 2) * {step} + (i * 7919) % 1500,
            {start} + (i / 2) * {step} + (i * 7919) % 1500 + 5 + (i * 2654435761) % 40000,
            5 + (i * 2654435761) % 40000,
            (i * 7919) % 1500, 1, 'schedule', 'bench', 4242
        FROM n
        """
    )
    db.execute("COMMIT")
    elapsed = time.time() - t0
    db.execute("PRAGMA journal_mode=WAL")
    db.close()
    return elapsed


def touch(path):
    db = sqlite3.connect(path, timeout=10)
    now = int(time.time() * 1000)
    cursor = db.execute(
        "INSERT INTO job_executions (job, status, started_at, finished_at, duration_ms, triggered_by, host, pid)"
        " VALUES ('touch', 'succeeded', ?, ?, 1, 'manual', 'bench', 1)",
        (now, now + 1),
    )
    db.commit()
    return cursor.lastrowid


def downgrade(path):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    objects = db.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view', 'table')"
        " AND (name LIKE 'job_summary%' OR name LIKE 'job_day_%' OR name LIKE 'job_streak%')"
    ).fetchall()
    for kind, name in sorted(objects, key=lambda o: ["trigger", "view", "table"].index(o[0])):
        db.execute(f"DROP {kind.upper()} IF EXISTS {name}")
    db.execute("CREATE INDEX IF NOT EXISTS job_executions_job_duration ON job_executions(job, duration_ms, started_at)")
    db.execute("DELETE FROM grdb_migrations WHERE identifier = 'v4 create job summaries'")
    db.execute("COMMIT")


def schema(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    for row in db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name"):
        print(*row, sep="\t")
    for row in db.execute("SELECT * FROM grdb_migrations ORDER BY 1"):
        print(*row, sep="\t")


if __name__ == "__main__":
    command, path = sys.argv[1], sys.argv[2]
    if command == "load":
        print(f"{load(path, int(sys.argv[3])):.1f}")
    elif command == "touch":
        print(touch(path))
    elif command == "schema":
        schema(path)
    elif command == "downgrade":
        downgrade(path)
    else:
        sys.exit(__doc__)
