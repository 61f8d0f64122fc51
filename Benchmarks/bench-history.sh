#!/bin/sh
# History at scale (issue 13), whole process, median of 5 after a warm-up, jobctl beside its
# peer (Python's sqlite3 on the same database, whole process too) as a ratio:
#   - ROWS (1,000,000) executions over two years, two jobs alternating succeeded and failed,
#     loaded with plain SQL (Python's sqlite3) so that the database's triggers keep the job
#     summaries: history --limit 50 (peer: an indexed read of 50 rows), stats (peer: one
#     full-table aggregate), stats --since 7d, metrics, and GET /api/v1/jobs/status of a
#     `jobctl run --http` after each of 5 commits (so the answer is rebuilt, not cached);
#   - the migration of that database from v3 (summaries built by the backfill);
#   - BIG_ROWS (10,000,000; 0 skips it) loaded the same way: stats again, to show it is flat.
# Run by `make bench` after a release build. BENCH_STRICT=1 makes a figure over its target
# fail the script (the machine is shared, so not by default). KEEP=1 keeps the directory.
set -eu
cd "$(dirname "$0")/.."
BIN=${JOBCTL_BIN:-$(pwd)/.build/release/jobctl}
DEV=${JOBCTL_DEV_BIN:-$(pwd)/.build/release/jobctl-dev}  # _history-seed: a development command
ROWS=${ROWS:-1000000}
BIG_ROWS=${BIG_ROWS:-10000000}
RUNS=5
HELPER="$(pwd)/Benchmarks/history_rows.py"
[ -x "$BIN" ] || { echo "bench-history: $BIN not found; run 'make release' first" >&2; exit 1; }
[ -x "$DEV" ] || { echo "bench-history: $DEV not found; run 'make release' first" >&2; exit 1; }
command -v python3 >/dev/null 2>&1 || { echo "bench-history: python3 not found; skipped" >&2; exit 0; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/jobctl-bench-history.XXXXXX")
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT INT TERM
DB="$TMP/history.db"

now_ns() { date +%s%N; }

# new_history PATH ROWS: an empty history made by jobctl (its migrations), then ROWS loaded.
new_history() {
    "$DEV" _history-seed --state-db "$1" --rows 0
    seconds=$(python3 "$HELPER" load "$1" "$2")
    echo "loaded $2 rows with plain SQL (triggers keeping the summaries) in $seconds s," \
        "$(( $(du -k "$1" | cut -f1) / 1024 )) MiB"
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
    echo $samples | tr ' ' '\n' | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}

status=0
# report NAME MICROSECONDS TARGET_MS [PEER_NAME PEER_MICROSECONDS]
report() {
    verdict=ok
    if [ "$2" -ge $(( $3 * 1000 )) ]; then verdict="OVER TARGET"; status=1; fi
    line=$(awk -v n="$1" -v us="$2" -v t="$3" -v v="$verdict" \
        'BEGIN { printf "%-26s %8.1f ms   target < %d ms  %-11s", n, us / 1000, t, v }')
    if [ $# -ge 5 ]; then
        line="$line$(awk -v p="$4" -v us="$2" -v pus="$5" \
            'BEGIN { printf "  %s: %.1f ms, ratio %.2f", p, pus / 1000, us / pus }')"
    fi
    echo "$line"
}

peer() { python3 -c "import sqlite3, sys
c = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
c.execute(sys.argv[2]).fetchall()" "$DB" "$1"; }
PEER_READ="SELECT * FROM job_executions ORDER BY started_at DESC, id DESC LIMIT 50"
PEER_AGGREGATE="SELECT job, status, COUNT(*), SUM(duration_ms), MAX(duration_ms), AVG(lateness_ms) FROM job_executions GROUP BY job, status"

echo "== $ROWS rows"
new_history "$DB" "$ROWS"
# The floor under every whole-process figure: starting the binary (dynamic Swift runtime).
echo "$(median_us "$BIN" help) $(median_us python3 -c pass)" | awk \
    '{ printf "process start: jobctl help %.1f ms, python3 -c pass %.1f ms\n", $1 / 1000, $2 / 1000 }'
peer_read=$(median_us peer "$PEER_READ")
peer_aggregate=$(median_us peer "$PEER_AGGREGATE")
report "history --limit 50" "$(median_us "$BIN" history --limit 50 --state-db "$DB")" 20 \
    "python indexed read of 50 rows" "$peer_read"
stats_1m=$(median_us "$BIN" stats --state-db "$DB")
report "stats" "$stats_1m" 50 "python full-table aggregate" "$peer_aggregate"
report "stats --since 7d" "$(median_us "$BIN" stats --since 7d --state-db "$DB")" 50 \
    "python full-table aggregate" "$peer_aggregate"
report "stats --job --since 7d" "$(median_us "$BIN" stats --job prizepool --since 7d --state-db "$DB")" 50
report "metrics" "$(median_us "$BIN" metrics --state-db "$DB")" 50

# The status route: a scheduler with the history, rebuilt after each commit.
printf 'TZ=UTC\nSTATE_DB=history.db\n0 0 1 1 *  prizepool  command="true"\n0 0 1 1 *  leaderboard  command="true"\n' \
    > "$TMP/jobs.conf"
"$BIN" run --config "$TMP/jobs.conf" --http 127.0.0.1:0 2>"$TMP/run.log" &
PID=$!
port=""
i=0
while [ -z "$port" ] && [ $i -lt 300 ]; do
    sleep 0.1
    port=$(sed -n 's/.*HTTP listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/run.log" | head -n 1)
    i=$((i + 1))
done
if [ -n "$port" ] && command -v curl >/dev/null 2>&1; then
    samples=""
    i=0
    while [ $i -le $RUNS ]; do
        python3 "$HELPER" touch "$DB"
        sleep 0.6  # past the answer's maximum age (500 ms)
        seconds=$(curl -fsS -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/api/v1/jobs/status")
        [ $i -gt 0 ] && samples="$samples $(awk -v s="$seconds" 'BEGIN { printf "%d", s * 1000000 }')"
        i=$((i + 1))
    done
    report "GET /api/v1/jobs/status" "$(echo $samples | tr ' ' '\n' | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")" 50
else
    echo "GET /api/v1/jobs/status: not measured (jobctl run --http did not start, or no curl)"
fi
kill -TERM "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; PID=""

# The migration of this database from v3: tables and triggers, then the backfill in batches.
cp "$DB" "$TMP/v3.db"
python3 "$HELPER" downgrade "$TMP/v3.db"
t0=$(now_ns)
"$BIN" stats --state-db "$TMP/v3.db" >/dev/null
t1=$(now_ns)
echo "migration v3 -> v4 of $ROWS rows (backfill in batches of 2,000 rows, one short write transaction each):" \
    "$(( (t1 - t0) / 1000000 )) ms, then stats: $(( $(median_us "$BIN" stats --state-db "$TMP/v3.db") / 1000 )) ms"
rm -f "$TMP/v3.db" "$TMP/v3.db-wal" "$TMP/v3.db-shm"

if [ "$BIG_ROWS" -gt 0 ]; then
    echo "== $BIG_ROWS rows"
    rm -f "$DB" "$DB-wal" "$DB-shm"
    new_history "$DB" "$BIG_ROWS"
    stats_big=$(median_us "$BIN" stats --state-db "$DB")
    report "stats" "$stats_big" 50 "python full-table aggregate" "$(median_us peer "$PEER_AGGREGATE")"
    awk -v big="$stats_big" -v small="$stats_1m" -v r="$ROWS" -v b="$BIG_ROWS" \
        'BEGIN { printf "stats at %d rows / stats at %d rows: %.2f (flat is 1)\n", b, r, big / small }'
    report "stats --since 7d" "$(median_us "$BIN" stats --since 7d --state-db "$DB")" 50
    report "history --limit 50" "$(median_us "$BIN" history --limit 50 --state-db "$DB")" 20
fi
[ "${BENCH_STRICT:-0}" = 1 ] && exit $status
exit 0
