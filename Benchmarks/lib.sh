# Shared by the bench-*.sh scripts (sourced, POSIX sh).
#
# result LABEL VALUE UNIT TARGET [PEER_LABEL PEER_VALUE]
#   records one figure for the table that `make bench` prints at the end (Benchmarks/report.py):
#   one tab-separated line appended to $BENCH_RESULTS when it is set. TARGET is "< 20" (a
#   ceiling in UNIT), "= 0" or "" (none). A figure with a peer repeats LABEL on each peer's line.
result() {
    [ -n "${BENCH_RESULTS:-}" ] || return 0
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5:-}" "${6:-}" >> "$BENCH_RESULTS"
}

# section TEXT: text printed after the table (the smaps breakdown), from stdin.
section() {
    [ -n "${BENCH_RESULTS:-}" ] || { cat >/dev/null; return 0; }
    { echo "$1"; cat; echo; } >> "$BENCH_RESULTS.sections"
}

# The Python of `make bench-deps` (APScheduler, croniter), or empty when it is missing.
bench_python() {
    venv="$(pwd)/.build/bench/venv/bin/python"
    if [ -x "$venv" ] && "$venv" -c 'import apscheduler, croniter' 2>/dev/null; then echo "$venv"; fi
}

now_ns() { date +%s%N; }

# median_of N...: the median of the numbers given.
median_of() { echo "$@" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
