#!/bin/sh
# Several hosts on PostgreSQL (issue 11), on a throw-away cluster (scripts/pg-test-cluster.sh,
# fsync on), stopped even after a failure. Each part has a database of its own:
#   1. one node's claim, renew and finish, one at a time (jobctl-bench pg-claim: store calls), and
#      one small write as BEGIN/statement/COMMIT against autocommit (jobctl-bench pg-roundtrips);
#   2. BURST_JOBS (1,000) fires due in the same second, three nodes: (a) three real `jobctl run`
#      nodes (the scheduler's path: the fires of one instant in one statement per node), (b) the
#      store driven directly, fire by fire (`claim`), (c) the store driven directly, one statement
#      per node (`claimFires`). For each:
#      every fire claimed exactly once (SQL), and the start lateness (started_at − scheduled_at
#      by the database's clock, `lateness_ms`), p50/p99/max;
#   3. fire lateness of a `* * * * * *` job on three `jobctl run` nodes over TICK_SECONDS (75);
#   4. `kill -9` of the node running a run: the time until another node marks it `abandoned`,
#      KILL_SAMPLES (5) samples at LEASE=KILL_LEASE (10s), two nodes;
#   5. `history --limit 50`, `stats` and `stats --since 7d` on PG_ROWS (1,000,000) rows in
#      PostgreSQL, loaded with one INSERT … SELECT generate_series (the summary triggers on), the
#      same commands on the SQLite history of bench-history beside them (the ratio's base).
# No peer runs here: pg_cron and the other PostgreSQL schedulers are not installed (the SQLite
# store is the base of the ratios). KEEP=1 keeps the directory (not the cluster); PARTS="2 3" runs only
# those parts.
set -eu
cd "$(dirname "$0")/.."
. Benchmarks/lib.sh
BIN=${JOBCTL_BIN:-$(pwd)/.build/release/jobctl}
DEV=${JOBCTL_DEV_BIN:-$(pwd)/.build/release/jobctl-dev}
BENCH=${JOBCTL_BENCH_BIN:-$(pwd)/.build/release/jobctl-bench}
BURST_JOBS=${BURST_JOBS:-1000}
TICK_SECONDS=${TICK_SECONDS:-75}
KILL_SAMPLES=${KILL_SAMPLES:-5}
KILL_LEASE=${KILL_LEASE:-10s}
PG_ROWS=${PG_ROWS:-1000000}
ROWS=$PG_ROWS
RUNS=5
for b in "$BIN" "$DEV" "$BENCH"; do
    [ -x "$b" ] || { echo "bench-postgres: $b not found; run 'make release' first" >&2; exit 1; }
done
PSQL=$(command -v psql || ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | tail -n 1 || true)
[ -n "$PSQL" ] && [ -x "$PSQL" ] || { echo "bench-postgres: no psql (make pg-deps); skipped" >&2; exit 0; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/jobctl-bench-postgres.XXXXXX")
PGDIR=$(mktemp -d /tmp/jobctl-bench-pg.XXXXXX)  # the cluster's user must reach it: not under TMP (0700)
NODES=""
cleanup() {
    for p in $NODES; do kill -TERM "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    sh scripts/pg-test-cluster.sh stop "$PGDIR" 2>/dev/null || true
    [ -n "${KEEP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
URL=$(PG_TEST_FSYNC=on PG_TEST_OWNER_PID=$$ sh scripts/pg-test-cluster.sh start "$PGDIR")
BASE=${URL%/*}

# sql DB QUERY: one value (or rows, |-separated) of QUERY on database DB.
sql() { "$PSQL" -X -q -A -t -F '|' -v ON_ERROR_STOP=1 -d "$BASE/$1" -c "$2"; }
newdb() { sql postgres "CREATE DATABASE $1" >/dev/null; echo "$BASE/$1"; }
ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
# lateness DB WHERE: "p50 p99 max count" of lateness_ms over the rows WHERE.
lateness() {
    sql "$1" "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY lateness_ms),
        percentile_disc(0.99) WITHIN GROUP (ORDER BY lateness_ms), max(lateness_ms), count(*)
        FROM jobctl_execution WHERE $2" | tr '|' ' '
}
# once DB WHERE: "rows distinct-fires" of the fires WHERE (equal: each claimed once).
once() { sql "$1" "SELECT count(*), count(DISTINCT (job, scheduled_at, attempt)) FROM jobctl_execution WHERE $2" | tr '|' ' '; }

# start_nodes N DIR: N `jobctl run` nodes, each with DIR/jobs.conf copied to DIR/node-i (its own
# lock directory); their pids in NODES and DIR/pids.
start_nodes() {
    : > "$2/pids"
    i=1
    while [ "$i" -le "$1" ]; do
        mkdir -p "$2/node-$i"
        cp "$2/jobs.conf" "$2/node-$i/jobs.conf"
        "$BIN" run --config "$2/node-$i/jobs.conf" >"$2/node-$i/out.log" 2>&1 &
        echo $! >> "$2/pids"
        NODES="$NODES $!"
        i=$((i + 1))
    done
}
stop_nodes() {
    for p in $(cat "$1/pids"); do kill -TERM "$p" 2>/dev/null || true; done
    for p in $(cat "$1/pids"); do wait "$p" 2>/dev/null || true; done
}
# wait_for DB QUERY SECONDS: until QUERY answers t (hang guard SECONDS).
wait_for() {
    tries=0
    until [ "$(sql "$1" "$2" 2>/dev/null)" = t ]; do  # an error (no schema yet) is "not yet"
        tries=$((tries + 1))
        [ "$tries" -le $(($3 * 20)) ] || { echo "bench-postgres: timed out waiting for: $2" >&2; return 1; }
        sleep 0.05
    done
}

echo "PostgreSQL $(sql postgres 'SHOW server_version'), fsync $(sql postgres 'SHOW fsync'), loopback TCP"

# part N: whether part N is in PARTS (all by default).
part() { case " ${PARTS:-1 2 3 4 5} " in *" $1 "*) return 0 ;; esac; return 1; }

# 1. One claim at a time.
if part 1; then
DB=$(newdb claims)
"$BENCH" pg-claim "$DB" 2000 | tee "$TMP/claims.txt" | sed 's/^/  /'
for op in claim renew finish; do
    p50=$(awk -v op="$op" '$1 == op { print $3 }' "$TMP/claims.txt")
    result "PostgreSQL: one $op (store call, one round trip), p50" "$p50" ms ""
done
# The same small write as BEGIN/statement/COMMIT (how a claim ran before), autocommit, bare.
"$BENCH" pg-roundtrips "$DB" 2000 | tee "$TMP/roundtrips.txt" | sed 's/^/  /'
tx=$(awk '$1 == "transaction" { print $6 }' "$TMP/roundtrips.txt")
auto=$(awk '$1 == "autocommit" { print $6 }' "$TMP/roundtrips.txt")
result "PostgreSQL: one-statement write, autocommit (one round trip), p50" "$auto" ms "" \
    "BEGIN, statement, COMMIT (three round trips)" "$tx"

fi

# 2. BURST_JOBS fires in the same second, three nodes.
if part 2; then
DIR="$TMP/burst"
mkdir -p "$DIR"
DB=$(newdb burst)
second=$(( ($(date +%s) + 25) % 60 ))
{
    printf 'TZ=UTC\nSTATE_DB=%s\nHISTORY_RETENTION=3650d\n' "$DB"
    i=0
    while [ $i -lt "$BURST_JOBS" ]; do printf '%s * * * * * burst%04d command="true"\n' "$second" $i; i=$((i + 1)); done
} > "$DIR/jobs.conf"
start_nodes 3 "$DIR"
wait_for burst "SELECT count(*) >= $BURST_JOBS AND count(*) FILTER (WHERE status = 'running') = 0 FROM jobctl_execution" 90
stop_nodes "$DIR"
set -- $(once burst "triggered_by = 'schedule'")
set -- "$@" $(lateness burst "triggered_by = 'schedule'")
fires=$(sql burst "SELECT count(DISTINCT scheduled_at) FROM jobctl_execution")
echo "$BURST_JOBS jobs due in one second, three jobctl run nodes (the scheduler's path, one batched claim per node):" \
    "$1 rows for $2 fires ($fires instant(s)); start lateness p50 $3 ms, p99 $4 ms, max $5 ms (target p99 < 100 ms)"
[ "$1" = "$2" ] || echo "  FAILED: a fire was claimed twice"
result "PostgreSQL: 1,000 fires in one second, 3 nodes, scheduler: start lateness p99" "$4" ms "< 100"
result "PostgreSQL: 1,000 fires in one second, 3 nodes, scheduler: fires claimed twice" "$(($1 - $2))" "" "= 0"
for path in single batch; do
    DB=$(newdb "burst_$path")
    "$BENCH" pg-burst "$DB" "$path" "$BURST_JOBS" 3 > "$TMP/burst-$path.txt"
    set -- $(once "burst_$path" "true")
    set -- "$@" $(lateness "burst_$path" "true")
    seen=$(sed -n 's/^lateness seen by the winning node: //p' "$TMP/burst-$path.txt")
    what="the store driven directly, $([ $path = single ] && echo "fire by fire (claim)" || echo "one statement per node (claimFires)")"
    echo "$BURST_JOBS jobs due in one second, three nodes, $what: $1 rows for $2 fires;" \
        "start lateness (database) p50 $3 ms, p99 $4 ms, max $5 ms; seen by the winner: $seen"
    [ "$1" = "$2" ] && [ "$1" = "$BURST_JOBS" ] || echo "  FAILED: not every fire claimed exactly once"
    result "PostgreSQL: 1,000 fires in one second, 3 nodes, store $path: start lateness p99" "$4" ms "< 100"
done

fi

# 3. A `* * * * * *` job on three nodes.
if part 3; then
DIR="$TMP/tick"
mkdir -p "$DIR"
DB=$(newdb tick)
printf 'TZ=UTC\nSTATE_DB=%s\n* * * * * * tick command="true"\n' "$DB" > "$DIR/jobs.conf"
start_nodes 3 "$DIR"
sleep 5  # the nodes start; the fires counted are those after all three are up
since=$(sql tick "SELECT jobctl_ms(now())")
sleep "$TICK_SECONDS"
stop_nodes "$DIR"
after="triggered_by = 'schedule' AND jobctl_ms(scheduled_at) > $since"
set -- $(once tick "$after")
set -- "$@" $(lateness tick "$after AND status <> 'skipped'")
echo "fire lateness of '* * * * * *', three jobctl run nodes, $6 fires in ${TICK_SECONDS} s: p50 $3 ms, p99 $4 ms," \
    "max $5 ms (target p99 < 20 ms); $1 rows for $2 fires"
result "PostgreSQL: fire lateness of '* * * * * *', 3 nodes, p99" "$4" ms "< 20"

fi

# 4. kill -9 of the node running a run.
if part 4; then
DIR="$TMP/kill"
mkdir -p "$DIR"
DB=$(newdb kill)
lease_ms=$(( ${KILL_LEASE%s} * 1000 ))
samples="" orphans=0
n=1
while [ $n -le "$KILL_SAMPLES" ]; do
    printf 'TZ=UTC\nSTATE_DB=%s\nLEASE=%s\n* * * * * * long%d command="sleep 600" overlap=skip\n' \
        "$DB" "$KILL_LEASE" $n > "$DIR/jobs.conf"
    rm -rf "$DIR"/node-*
    start_nodes 2 "$DIR"
    wait_for kill "SELECT EXISTS (SELECT 1 FROM jobctl_execution WHERE job = 'long$n' AND status = 'running')" 30
    # A renewal just before the kill is the worst case; wait for one, then kill at once.
    sleep "$(awk -v l="$lease_ms" 'BEGIN { printf "%.1f", l / 3000 + 0.2 }')"
    set -- $(sql kill "SELECT id, owner_node FROM jobctl_execution WHERE job = 'long$n' AND status = 'running'" | tr '|' ' ')
    run=$1 owner_pid=$(echo "$2" | cut -d: -f2)
    children=$(pgrep -P "$owner_pid" | tr '\n' ' ')  # the run's `sh -c`, leader of its process group
    t0=$(now_ns)
    kill -9 "$owner_pid"
    killed_at=$(sql kill "SELECT jobctl_ms(now())")
    wait_for kill "SELECT status = 'abandoned' FROM jobctl_execution WHERE id = $run" $((lease_ms / 1000 + 30))
    t1=$(now_ns)
    gap=$(( (t1 - t0) / 1000000 ))
    db_gap=$(sql kill "SELECT jobctl_ms(finished_at) - $killed_at FROM jobctl_execution WHERE id = $run")
    alive=0
    for c in $children; do kill -0 "$c" 2>/dev/null && alive=$((alive + 1)); done
    echo "  sample $n: run $run of node pid $owner_pid abandoned $gap ms after kill -9 (by the database's clock:" \
        "$db_gap ms); the run's processes still alive then: $alive"
    for c in $children; do pkill -TERM -g "$c" 2>/dev/null || true; done  # the run's process group
    samples="$samples $gap"
    orphans=$((orphans + alive))
    stop_nodes "$DIR"
    n=$((n + 1))
done
max=$(echo $samples | tr ' ' '\n' | sort -n | tail -n 1)
echo "kill -9 to abandoned, LEASE=$KILL_LEASE, $KILL_SAMPLES samples: median $(median_of $samples) ms, max $max ms" \
    "(target <= lease + 2 s = $((lease_ms + 2000)) ms)"
echo "runs whose process outlived its killed node and its abandonment: $orphans of $KILL_SAMPLES (killed by this script)"
result "PostgreSQL: kill -9: run processes left alive after abandoned" "$orphans" "" "= 0"
result "PostgreSQL: kill -9 to abandoned (LEASE=$KILL_LEASE), max of $KILL_SAMPLES" "$max" ms "<= $((lease_ms + 2000))"

fi

# 5. History at scale: PG_ROWS rows in PostgreSQL.
if part 5; then
DB=$(newdb history)
"$BIN" stats --state-db "$DB" >/dev/null  # the migrations
t0=$(now_ns)
# Batches of 500 rows, each committed (a DO block may COMMIT): in one transaction every row's
# trigger updates the job's one summary row again, a chain of row versions that nothing can prune
# until the end, each row walking it (20,000 rows: 40 s in one statement, 4 s in batches).
sql history "
DO \$\$
DECLARE s_start bigint := jobctl_ms(now()) - ($PG_ROWS / 2) * (730 * 86400000::bigint / ($PG_ROWS / 2));
        s_step bigint := 730 * 86400000::bigint / ($PG_ROWS / 2);
        k bigint := 0;
BEGIN
  WHILE k < $PG_ROWS LOOP
    INSERT INTO jobctl_execution (job, status, scheduled_at, started_at, finished_at, duration_ms, lateness_ms,
        attempt, triggered_by, exclusive, config_digest, host, pid)
    SELECT CASE i % 2 WHEN 0 THEN 'prizepool' ELSE 'leaderboard' END,
        CASE (i / 2) % 2 WHEN 0 THEN 'succeeded' ELSE 'failed' END,
        to_timestamp((s_start + (i / 2) * s_step) / 1000.0),
        to_timestamp((s_start + (i / 2) * s_step + (i * 7919) % 1500) / 1000.0),
        to_timestamp((s_start + (i / 2) * s_step + (i * 7919) % 1500 + 5 + (i * 2654435761) % 40000) / 1000.0),
        5 + (i * 2654435761) % 40000, (i * 7919) % 1500, 1, 'schedule', false, '', 'bench', 4242
    FROM generate_series(k, LEAST(k + 500, $PG_ROWS) - 1) i;
    COMMIT;
    k := k + 500;
  END LOOP;
END \$\$" >/dev/null
load_ms=$(( ($(now_ns) - t0) / 1000000 ))
# VACUUM FULL: the load leaves the summary tables bloated (jobctl_summary: 172 MB for 2 rows; each
# batch's 500 versions of a job's row), which nodes writing one run a transaction do not (HOT
# pruning reuses the page); a plain VACUUM frees the space but every read still scans it.
sql history "VACUUM FULL ANALYZE" >/dev/null
echo "$ROWS rows loaded by INSERT … SELECT generate_series, 500 rows a transaction (the summary triggers on) in $load_ms ms, then VACUUM FULL ANALYZE"
result "PostgreSQL: load $ROWS rows (one INSERT, triggers on)" "$load_ms" ms ""
# The SQLite history of the same rows (bench-history's cache when it is there).
SQLITE="$TMP/history.db"
"$DEV" _history-seed --state-db "$SQLITE" --rows 0
KEY=$( { cat Benchmarks/history_rows.py; python3 Benchmarks/history_rows.py schema "$SQLITE"; } | sha256sum | cut -c1-12)
CACHED=".build/bench/history-$ROWS-$KEY.db"
if [ -f "$CACHED" ]; then SQLITE=$CACHED; else python3 Benchmarks/history_rows.py load "$SQLITE" "$ROWS" >/dev/null; fi
median_us() {
    "$@" >/dev/null 2>&1
    samples="" i=0
    while [ $i -lt $RUNS ]; do
        t0=$(now_ns); "$@" >/dev/null 2>&1; t1=$(now_ns)
        samples="$samples $(( (t1 - t0) / 1000 ))"
        i=$((i + 1))
    done
    median_of $samples
}
for command in "history --limit 50" "stats" "stats --since 7d"; do
    pg=$(median_us "$BIN" $command --state-db "$DB")
    lite=$(median_us "$BIN" $command --state-db "$SQLITE")
    echo "$command, $ROWS rows: PostgreSQL $(ms "$pg") ms, SQLite $(ms "$lite") ms (whole process, median of $RUNS)"
    result "PostgreSQL: $command, $ROWS rows" "$(ms "$pg")" ms "" "the same command on SQLite" "$(ms "$lite")"
done
fi
