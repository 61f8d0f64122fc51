#!/bin/sh
# HTTP: latency of GET /api/v1/jobs/status under 200 concurrent connections for 10 s (wrk,
# loopback), against a release `jobctl run --http 127.0.0.1:0` whose history holds ROWS
# seeded executions and whose every-second job keeps writing (so the status is rebuilt all
# along, not served from a cold cache). Prints p50/p99 latency and requests/s, then the
# every-second job's lateness during the load (the scheduler must not notice the load).
# Run by `make bench` after a release build. CONNECTIONS, DURATION, ROWS override.
set -eu
cd "$(dirname "$0")/.."
BIN=${JOBCTL_BIN:-$(pwd)/.build/release/jobctl}
DEV=${JOBCTL_DEV_BIN:-$(pwd)/.build/release/jobctl-dev}  # _history-seed: a development command
CONNECTIONS=${CONNECTIONS:-200}
DURATION=${DURATION:-10s}
ROWS=${ROWS:-100000}
[ -x "$BIN" ] || { echo "bench-http: $BIN not found; run 'make release' first" >&2; exit 1; }
[ -x "$DEV" ] || { echo "bench-http: $DEV not found; run 'make release' first" >&2; exit 1; }
command -v wrk >/dev/null 2>&1 || { echo "bench-http: wrk not found (apt-get install wrk, or 'make bench-deps'); skipped" >&2; exit 0; }

DIR=$(mktemp -d "${TMPDIR:-/tmp}/jobctl-bench-http.XXXXXX")
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$DIR"' EXIT INT TERM

cat > "$DIR/jobs.conf" <<'EOF'
TZ=UTC
*  * * * * *   tick         command="true"
0  0 * * *     prizepool    command="true"
0  * * * *     leaderboard  command="true"
0  3 * * *     cleanup      command="true"
EOF
"$DEV" _history-seed --state-db "$DIR/jobctl.db" --rows "$ROWS"
"$BIN" run --config "$DIR/jobs.conf" --http 127.0.0.1:0 2>"$DIR/run.log" &
PID=$!
port=""
i=0
while [ -z "$port" ] && [ $i -lt 100 ]; do
    sleep 0.1
    port=$(sed -n 's/.*HTTP listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$DIR/run.log" | head -n 1)
    i=$((i + 1))
done
[ -n "$port" ] || { echo "bench-http: jobctl run --http did not start:" >&2; cat "$DIR/run.log" >&2; exit 1; }
URL="http://127.0.0.1:$port/api/v1/jobs/status"
size=$(curl -fsS "$URL" 2>/dev/null | wc -c || echo "?")
sleep 1
start_ms=$(($(date +%s) * 1000))

wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$URL" > "$DIR/wrk.txt" 2>&1 || { cat "$DIR/wrk.txt" >&2; exit 1; }

p50=$(awk '$1 == "50%" {print $2}' "$DIR/wrk.txt")
p99=$(awk '$1 == "99%" {print $2}' "$DIR/wrk.txt")
rps=$(awk '$1 == "Requests/sec:" {print $2}' "$DIR/wrk.txt")
errors=$(awk '/Non-2xx|Socket errors/ {print}' "$DIR/wrk.txt" | tr '\n' ' ')
echo "GET /api/v1/jobs/status ($size bytes, $ROWS rows of history), $CONNECTIONS connections, $DURATION, wrk -t2 on loopback:"
echo "  p50 $p50, p99 $p99, $rps requests/s${errors:+ ($errors)}"

# The every-second job during the load: lateness of its fires (started − scheduled).
kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; PID=""
python3 - "$DIR/jobctl.db" "$start_ms" <<'PYEOF' 2>/dev/null || echo "  (python3 missing: lateness not measured)"
import sqlite3, sys
rows = [r[0] for r in sqlite3.connect(sys.argv[1]).execute(
    "SELECT started_at - scheduled_at FROM job_executions WHERE job='tick' AND triggered_by='schedule' "
    "AND scheduled_at >= ? AND status != 'skipped' ORDER BY 1", (int(sys.argv[2]),))]
if rows:
    print(f"  scheduler during the load: {len(rows)} fires of '* * * * * *', lateness p50 {rows[len(rows)//2]} ms, max {rows[-1]} ms")
PYEOF
