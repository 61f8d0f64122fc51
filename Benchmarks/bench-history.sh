#!/bin/sh
# Builds a 1,000,000-row history in a temporary file and times whole-process
# `jobctl history --limit 50` and `jobctl stats` (best of 5) against the targets of issue 4.
# Run by `make bench` after a release build. ROWS=N overrides the row count; BENCH_STRICT=1
# makes a figure over its target fail the script (the machine is shared, so not by default).
set -eu
cd "$(dirname "$0")/.."
BIN=${JOBCTL_BIN:-.build/release/jobctl}
ROWS=${ROWS:-1000000}
RUNS=5
[ -x "$BIN" ] || { echo "bench-history: $BIN not found; run 'make release' first" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/jobctl-bench-history.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
DB="$TMP/history.db"

now_ns() { date +%s%N; }

start=$(now_ns)
"$BIN" _history-seed --state-db "$DB" --rows "$ROWS"
end=$(now_ns)
size=$(du -k "$DB" | cut -f1)
echo "seeded $ROWS rows in $(( (end - start) / 1000000 )) ms ($(( size / 1024 )) MiB)"

# best_ms NAME TARGET_MS COMMAND...: runs COMMAND $RUNS times (output discarded), prints the best.
status=0
best_ms() {
    name=$1; target=$2; shift 2
    "$@" >/dev/null  # warm the page cache once, as a server that ran a while would have
    best=""
    i=0
    while [ $i -lt $RUNS ]; do
        t0=$(now_ns)
        "$@" >/dev/null
        t1=$(now_ns)
        ms=$(( (t1 - t0) / 1000000 ))
        if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
        i=$((i + 1))
    done
    verdict="ok"
    if [ "$best" -ge "$target" ]; then verdict="OVER TARGET"; status=1; fi
    printf '%-28s best of %d: %5d ms   target < %d ms   %s\n' "$name" "$RUNS" "$best" "$target" "$verdict"
}

best_ms "history --limit 50" 50 "$BIN" history --limit 50 --state-db "$DB"
best_ms "history --job --limit 50" 50 "$BIN" history --job backup --limit 50 --state-db "$DB"
best_ms "history --status --limit 50" 50 "$BIN" history --status failed --limit 50 --state-db "$DB"
best_ms "stats" 500 "$BIN" stats --state-db "$DB"
best_ms "stats --since 7d" 500 "$BIN" stats --since 7d --state-db "$DB"
best_ms "metrics" 2000 "$BIN" metrics --state-db "$DB"
[ "${BENCH_STRICT:-0}" = 1 ] && exit $status
exit 0
