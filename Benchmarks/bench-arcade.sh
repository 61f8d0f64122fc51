#!/bin/sh
# The arcade jobs on a demo database of SESSIONS (default 1,000,000) sessions:
#  - demo-data creation time;
#  - cleanup (~10 % expired sessions, orphans, archiving) while a concurrent writer inserts
#    one session per transaction with a 5 s busy timeout: its longest wait (target < 200 ms);
#  - prizepool finalizing 30 days x 5 games (daily + weekly pools) by catch-up;
#  - leaderboard validation of today's, this week's and the alltime boards.
# Run by `make bench` after a release build. POSIX sh; needs GNU date for milliseconds.
set -eu
cd "$(dirname "$0")/.."
BIN=.build/release/jobctl
DEV=.build/release/jobctl-dev  # _arcade-writer and _run-builtin: development commands
SESSIONS=${SESSIONS:-1000000}
[ -x "$BIN" ] || { echo "bench-arcade: $BIN is missing; run make release" >&2; exit 1; }
[ -x "$DEV" ] || { echo "bench-arcade: $DEV is missing; run make release" >&2; exit 1; }

DIR=$(mktemp -d "${TMPDIR:-/tmp}/bench-arcade.XXXXXX")
trap 'rm -rf "$DIR"' EXIT INT TERM
DB=$DIR/arcade.db

ms() { date +%s%3N; }
# field NAME FILE: the integer (or decimal) value of "NAME": in a one-line JSON file
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" "$2"; }

t0=$(ms)
"$BIN" demo-data --app-db "$DB" --sessions "$SESSIONS" --days 30 --seed 1 > "$DIR/demo.txt"
t1=$(ms)
echo "demo-data, $SESSIONS sessions: $((t1 - t0)) ms"
sed 's/^/  /' "$DIR/demo.txt"
echo "  database: $(du -h "$DB" | cut -f1)"

# The writer alone first: its baseline (commit + fsync) without cleanup.
"$DEV" _arcade-writer --app-db "$DB" --seconds 2 > "$DIR/baseline.json"
echo "writer alone, 2 s: $(field transactions "$DIR/baseline.json") transactions, longest lock wait $(field maxLockWaitMilliseconds "$DIR/baseline.json") ms, longest transaction $(field maxTransactionMilliseconds "$DIR/baseline.json") ms"

"$DEV" _arcade-writer --app-db "$DB" --seconds 600 --stop-file "$DIR/stop" > "$DIR/writer.json" &
WRITER=$!
sleep 1
t0=$(ms)
"$DEV" _run-builtin cleanup --app-db "$DB" --log-level warning > "$DIR/cleanup.json"
t1=$(ms)
sleep 1
touch "$DIR/stop"
wait "$WRITER"
echo "cleanup: $((t1 - t0)) ms: $(field sessions_deleted "$DIR/cleanup.json") expired sessions, $(field orphans_deleted "$DIR/cleanup.json") orphans, $(field entries_archived "$DIR/cleanup.json") entries archived in $(field batches "$DIR/cleanup.json") transactions (longest $(field longest_transaction_ms "$DIR/cleanup.json") ms)"
WAIT=$(field maxLockWaitMilliseconds "$DIR/writer.json")
echo "concurrent writer during cleanup: $(field transactions "$DIR/writer.json") transactions, longest lock wait $WAIT ms, longest transaction $(field maxTransactionMilliseconds "$DIR/writer.json") ms, waits > 50 ms: $(field waitsOver50Milliseconds "$DIR/writer.json"), > 200 ms: $(field waitsOver200Milliseconds "$DIR/writer.json") (target: longest wait < 200 ms)"

t0=$(ms)
"$DEV" _run-builtin prizepool --app-db "$DB" --log-level warning > "$DIR/prizepool.json"
t1=$(ms)
echo "prizepool: $((t1 - t0)) ms: $(field pools_finalized "$DIR/prizepool.json") pools finalized, $(field created "$DIR/prizepool.json") payouts, $(field payout_total "$DIR/prizepool.json") micro-USDC"

t0=$(ms)
"$DEV" _run-builtin leaderboard --app-db "$DB" --log-level warning > "$DIR/leaderboard.json" || true
t1=$(ms)
echo "leaderboard: $((t1 - t0)) ms: $(field boards_checked "$DIR/leaderboard.json") boards, $(field entries_validated "$DIR/leaderboard.json") entries, $(field anomalies "$DIR/leaderboard.json") anomalies"

case "$WAIT" in
  '') echo "bench-arcade: no writer figure" >&2; exit 1 ;;
esac
