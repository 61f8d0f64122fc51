#!/bin/sh
# History at scale (issue 13), whole process, median of 5 after a warm-up, jobctl beside its
# peer (Python's sqlite3 on the same database) as a ratio:
#   - ROWS (1,000,000) executions over two years, two jobs alternating succeeded and failed,
#     loaded with plain SQL (Python's sqlite3) so that the database's triggers keep the job
#     summaries: history --limit 50 (peer: an indexed read of 50 rows), stats and stats --since
#     7d (peer: one full-table aggregate), metrics. The peer is timed twice: as a whole process
#     (interpreter start, import, connect, query: what a script costs) and in process (the query
#     alone, after a warm-up in the same connection);
#   - the migration of that database from v3 (summaries built by the backfill);
#   - GET /api/v1/jobs/status of a `jobctl run --http` (HISTORY_RETENTION of 10 years: nothing
#     pruned) at 1,000 and at ROWS rows: the first answer of a fresh server (built from the
#     database), with the SQL statements it runs counted (Benchmarks/sqlite_count.c, when a C
#     compiler is there); then answers after a commit by another process, and whether each
#     shows that commit;
#   - BIG_ROWS (10,000,000; 0 skips it) loaded the same way: stats again, to show it is flat.
# The loaded databases are cached in .build/bench/ (a 10M load takes minutes), keyed by the
# generator (history_rows.py) and the schema jobctl creates, and remade after BENCH_CACHE_HOURS
# (24): the rows end at the load's "now", and `--since 7d` should see a week of them.
# Run by `make bench` after a release build. BENCH_STRICT=1 makes a figure over its target
# fail the script (the machine is shared, so not by default). KEEP=1 keeps the directory.
set -eu
cd "$(dirname "$0")/.."
. Benchmarks/lib.sh
BIN=${JOBCTL_BIN:-$(pwd)/.build/release/jobctl}
DEV=${JOBCTL_DEV_BIN:-$(pwd)/.build/release/jobctl-dev}  # _history-seed: a development command
ROWS=${ROWS:-1000000}
BIG_ROWS=${BIG_ROWS:-10000000}
RUNS=5
HELPER="$(pwd)/Benchmarks/history_rows.py"
CACHE="$(pwd)/.build/bench"
[ -x "$BIN" ] || { echo "bench-history: $BIN not found; run 'make release' first" >&2; exit 1; }
[ -x "$DEV" ] || { echo "bench-history: $DEV not found; run 'make release' first" >&2; exit 1; }
command -v python3 >/dev/null 2>&1 || { echo "bench-history: python3 not found; skipped" >&2; exit 0; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/jobctl-bench-history.XXXXXX")
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; wait; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT INT TERM
DB="$TMP/history.db"
mkdir -p "$CACHE"

# The cache key: the generator and the schema of an empty history made by this jobctl.
"$DEV" _history-seed --state-db "$TMP/empty.db" --rows 0
KEY=$( { cat "$HELPER"; python3 "$HELPER" schema "$TMP/empty.db"; } | sha256sum | cut -c1-12)

# cached_history ROWS: prints the path of a cached database of ROWS rows, loading it if needed.
cached_history() {
    file="$CACHE/history-$1-$KEY.db"
    if [ -f "$file" ] && [ -z "$(find "$file" -mmin +$(( ${BENCH_CACHE_HOURS:-24} * 60 )))" ]; then
        echo "$1 rows: cached $(basename "$file") ($(( $(du -k "$file" | cut -f1) / 1024 )) MiB)" >&2
    else
        rm -f "$CACHE/history-$1-"*
        cp "$TMP/empty.db" "$file.tmp"
        seconds=$(python3 "$HELPER" load "$file.tmp" "$1")
        mv "$file.tmp" "$file"
        echo "$1 rows: loaded with plain SQL (triggers keeping the summaries) in $seconds s," \
            "$(( $(du -k "$file" | cut -f1) / 1024 )) MiB, cached as $(basename "$file")" >&2
        [ "$1" = "$ROWS" ] && result "load $R rows with plain SQL (triggers on)" \
            "$(awk -v s="$seconds" 'BEGIN { print s * 1000 }')" ms ""
    fi
    echo "$file"
}

# median_us COMMAND...: runs COMMAND once to warm up, then $RUNS times; prints the median in µs.
median_us() {
    "$@" >/dev/null 2>&1
    samples=""
    i=0
    while [ $i -lt $RUNS ]; do
        t0=$(now_ns); "$@" >/dev/null 2>&1; t1=$(now_ns)
        samples="$samples $(( (t1 - t0) / 1000 ))"
        i=$((i + 1))
    done
    median_of $samples
}
ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
# rows_label N: 1M, 10M, 20k, 500.
rows_label() { awk -v n="$1" 'BEGIN { if (n >= 1e6 && n % 1e6 == 0) print n / 1e6 "M";
    else if (n >= 1e3 && n % 1e3 == 0) print n / 1e3 "k"; else print n }'; }
R=$(rows_label "$ROWS")
BR=$(rows_label "$BIG_ROWS")

# The peer: Python's sqlite3 on the same file, read-only. peer DB SQL: a whole process;
# peer_in_process DB SQL: the median µs of the query alone, in one process after a warm-up.
peer() { python3 -c "import sqlite3, sys
c = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
c.execute(sys.argv[2]).fetchall()" "$1" "$2"; }
peer_in_process() { python3 -c "import sqlite3, sys, time
c = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
c.execute(sys.argv[2]).fetchall()
t = []
for _ in range($RUNS):
    t0 = time.perf_counter_ns(); c.execute(sys.argv[2]).fetchall(); t.append(time.perf_counter_ns() - t0)
print(sorted(t)[len(t) // 2] // 1000)" "$1" "$2"; }
PEER_READ="SELECT * FROM job_executions ORDER BY started_at DESC, id DESC LIMIT 50"
PEER_AGGREGATE="SELECT job, status, COUNT(*), SUM(duration_ms), MAX(duration_ms), AVG(lateness_ms) FROM job_executions GROUP BY job, status"

# compare LABEL TARGET_MS PEER_SQL DB COMMAND...: jobctl's median beside both peer figures.
compare() {
    label=$1 target=$2 sql=$3 db=$4
    shift 4
    us=$(median_us "$@")
    whole=$(median_us peer "$db" "$sql")
    inside=$(peer_in_process "$db" "$sql")
    echo "$label: jobctl $(ms "$us") ms; python sqlite3 $(ms "$whole") ms whole process," \
        "$(ms "$inside") ms query alone"
    result "$label" "$(ms "$us")" ms "< $target" "python sqlite3, whole process (start included)" "$(ms "$whole")"
    result "$label" "$(ms "$us")" ms "< $target" "python sqlite3, query alone (no start)" "$(ms "$inside")"
    last_us=$us
}

# start_server DB DIR: a `jobctl run --http 127.0.0.1:0` over DB (no pruning: a retention of 10
# years), its statements logged to DIR/sql.log when sqlite_count.so is built; sets PID and PORT.
start_server() {
    printf 'TZ=UTC\nSTATE_DB=%s\nHISTORY_RETENTION=3650d\n0 0 1 1 *  prizepool  command="true"\n0 0 1 1 *  leaderboard  command="true"\n' \
        "$1" > "$2/jobs.conf"
    preload=""
    [ -f "$TMP/sqlite_count.so" ] && preload="$TMP/sqlite_count.so"
    : > "$2/run.log"
    LD_PRELOAD="$preload" SQLITE_COUNT_LOG="$2/sql.log" \
        "$BIN" run --config "$2/jobs.conf" --http 127.0.0.1:0 2>"$2/run.log" &
    PID=$!
    PORT=""
    tries=0
    while [ -z "$PORT" ] && [ $tries -lt 300 ]; do
        sleep 0.1
        PORT=$(sed -n 's/.*HTTP listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$2/run.log" | head -n 1)
        tries=$((tries + 1))
    done
    sleep 0.5  # the scheduler's start (recovery, catch-up) is over
    [ -n "$PORT" ]
}
stop_server() { kill -TERM "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; PID=""; }
lines() { wc -l < "$1" 2>/dev/null || echo 0; }
seconds_us() { awk -v s="$1" 'BEGIN { printf "%d", s * 1000000 }'; }

# The status route over DB: (1) the answer built from the database, the first request to a
# fresh `jobctl run --http` (the server restarted for each of RUNS + 1 samples, the first a
# warm-up), its time and the SQL statements it ran; (2) one server answering RUNS + 1 requests,
# each after a commit by another process: its time, and whether the answer shows that commit.
# status_route LABEL DB
status_route() {
    label=$1 db=$2 dir="$TMP/status"
    rm -rf "$dir"; mkdir -p "$dir"
    command -v curl >/dev/null 2>&1 || { echo "$label: not measured (no curl)"; return 0; }
    samples="" counts=""
    i=0
    while [ $i -le $RUNS ]; do
        start_server "$db" "$dir" || { echo "$label: jobctl run --http did not start:"; cat "$dir/run.log"; stop_server; return 0; }
        before=$(lines "$dir/sql.log")
        seconds=$(curl -fsS -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/api/v1/jobs/status")
        after=$(lines "$dir/sql.log")
        stop_server
        if [ $i -gt 0 ]; then
            samples="$samples $(seconds_us "$seconds")" counts="$counts $((after - before))"
            [ $i = 1 ] && [ -f "$dir/sql.log" ] && tail -n $((after - before)) "$dir/sql.log" > "$dir/one-request.sql"
        fi
        i=$((i + 1))
    done
    us=$(median_of $samples)
    echo "$label: $(ms "$us") ms, first answer of a fresh server (built from the database; median of $RUNS)"
    result "$label (built: first answer)" "$(ms "$us")" ms "< 50"
    if [ -f "$TMP/sqlite_count.so" ]; then
        queries=$(median_of $counts)
        echo "  SQL statements of that request: $counts (median $queries):"
        sed 's/^/    /' "$dir/one-request.sql"
        result "$label: SQL statements per built answer" "$queries" "" ""
    fi

    start_server "$db" "$dir" || { stop_server; return 0; }
    samples="" stale=0
    i=0
    while [ $i -le $RUNS ]; do
        id=$(python3 "$HELPER" touch "$db")
        sleep 0.6  # past the answer's maximum age (500 ms)
        seconds=$(curl -fsS -o "$dir/body.json" -w '%{time_total}' "http://127.0.0.1:$PORT/api/v1/jobs/status")
        # The answer must show the row just committed (the newest of recentExecutions).
        grep -q "\"id\":$id," "$dir/body.json" || stale=$((stale + 1))
        [ $i -gt 0 ] && samples="$samples $(seconds_us "$seconds")"
        i=$((i + 1))
    done
    stop_server
    us=$(median_of $samples)
    echo "$label: $(ms "$us") ms after a commit (median of $RUNS);" \
        "$stale of $((RUNS + 1)) answers did not show the row just committed"
    result "$label (after a commit)" "$(ms "$us")" ms "< 50"
    result "$label: stale answers after a commit (of $((RUNS + 1)))" "$stale" "" "= 0"
}

if command -v cc >/dev/null 2>&1; then
    cc -shared -fPIC -O2 -o "$TMP/sqlite_count.so" Benchmarks/sqlite_count.c -ldl -lsqlite3 2>"$TMP/cc.log" ||
        { echo "sqlite_count.c did not compile (statements not counted):"; cat "$TMP/cc.log"; }
else
    echo "no C compiler: the status route's statements are not counted"
fi

echo "== $ROWS rows"
cp "$(cached_history "$ROWS")" "$DB"
# The floor under every whole-process figure: starting the binary (dynamic Swift runtime).
start_jobctl=$(median_us "$BIN" help)
start_python=$(median_us python3 -c pass)
echo "process start: jobctl help $(ms "$start_jobctl") ms, python3 -c pass $(ms "$start_python") ms"
result "process start (jobctl help)" "$(ms "$start_jobctl")" ms "" "python3 -c pass" "$(ms "$start_python")"
compare "history --limit 50, $R rows" 20 "$PEER_READ" "$DB" "$BIN" history --limit 50 --state-db "$DB"
compare "stats, $R rows" 50 "$PEER_AGGREGATE" "$DB" "$BIN" stats --state-db "$DB"
stats_1m=$last_us
compare "stats --since 7d, $R rows" 50 "$PEER_AGGREGATE" "$DB" "$BIN" stats --since 7d --state-db "$DB"
us=$(median_us "$BIN" metrics --state-db "$DB")
echo "metrics, $R rows: $(ms "$us") ms"
result "metrics, $R rows" "$(ms "$us")" ms "< 50"

# The migration of this database from v3: tables and triggers, then the backfill in batches.
cp "$DB" "$TMP/v3.db"
python3 "$HELPER" downgrade "$TMP/v3.db"
t0=$(now_ns)
"$BIN" stats --state-db "$TMP/v3.db" >/dev/null
t1=$(now_ns)
echo "migration v3 -> v4 of $ROWS rows (backfill in batches of 2,000 rows, one short write transaction each):" \
    "$(( (t1 - t0) / 1000000 )) ms"
result "migration v3 -> v4 of $R rows (backfill)" "$(( (t1 - t0) / 1000000 ))" ms ""
rm -f "$TMP/v3.db" "$TMP/v3.db-wal" "$TMP/v3.db-shm"

cp "$TMP/empty.db" "$TMP/small.db"
python3 "$HELPER" load "$TMP/small.db" 1000 >/dev/null
status_route "GET /api/v1/jobs/status, 1k rows" "$TMP/small.db"
status_route "GET /api/v1/jobs/status, $R rows" "$DB"

rm -f "$DB" "$DB-wal" "$DB-shm"

if [ "$BIG_ROWS" -gt 0 ]; then
    echo "== $BIG_ROWS rows"
    BIG=$(cached_history "$BIG_ROWS")
    compare "stats, $BR rows" 50 "$PEER_AGGREGATE" "$BIG" "$BIN" stats --state-db "$BIG"
    stats_big=$last_us
    flat=$(awk -v big="$stats_big" -v small="$stats_1m" 'BEGIN { printf "%.2f", big / small }')
    echo "stats at $BIG_ROWS rows / stats at $ROWS rows: $flat (flat is 1)"
    result "stats $BR / stats $R rows (flat is 1)" "$flat" "" ""
    compare "stats --since 7d, $BR rows" 50 "$PEER_AGGREGATE" "$BIG" "$BIN" stats --since 7d --state-db "$BIG"
    compare "history --limit 50, $BR rows" 20 "$PEER_READ" "$BIG" "$BIN" history --limit 50 --state-db "$BIG"
fi
[ "${BENCH_STRICT:-0}" = 1 ] && [ -n "${BENCH_RESULTS:-}" ] && \
    awk -F'\t' '$4 ~ /^</ { split($4, t, " "); if ($2 + 0 >= t[2] + 0) bad = 1 } END { exit bad }' "$BENCH_RESULTS"
exit 0
