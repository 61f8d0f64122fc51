#!/bin/sh
# Scheduler, both at once over one window of IDLE_SECONDS (60) after SETTLE (10) seconds:
#  - fire lateness (actual start − scheduled) of a `* * * * * *` job;
#  - the idle cost of a scheduler holding 1,000 jobs that do not fire in the window (Jan 1st),
#    INSTANCES (5) processes of each, the median reported: `jobctl run` (release), APScheduler 3
#    and a croniter loop (Benchmarks/idle_peers.py, from the venv of `make bench-deps`), and
#    Debian's cron (its package unpacked by `make bench-deps`, run in a private mount namespace
#    so that it reads our crontab and nothing of the machine's; root only). For each: RSS
#    (VmRSS after the window), its peak (/usr/bin/time -v), CPU time (schedstat, ns) and wakeups
#    (voluntary context switches of all threads) during the window. Then where jobctl's RSS goes
#    (Benchmarks/smaps.py).
set -eu
cd "$(dirname "$0")/.."
. Benchmarks/lib.sh
BIN="$(pwd)/.build/release/jobctl"
INSTANCES=${INSTANCES:-5}
SETTLE=${SETTLE:-10}
IDLE_SECONDS=${IDLE_SECONDS:-60}
JOBS=1000
[ -x "$BIN" ] || { echo "bench-scheduler: $BIN not found; run 'make release' first" >&2; exit 1; }
DIR=$(mktemp -d "${TMPDIR:-/tmp}/jobctl-bench-scheduler.XXXXXX")
STARTED=""
trap 'for p in $STARTED; do kill -TERM $p 2>/dev/null || true; done; wait; rm -rf "$DIR"' EXIT INT TERM

# The same 1,000 schedules for every scheduler: minute i%60, hour i%24, on January 1st.
i=0
while [ $i -lt $JOBS ]; do
    echo "$((i % 60)) $((i % 24)) 1 1 * job$i" >> "$DIR/schedules"
    i=$((i + 1))
done
{ echo "TZ=UTC"; sed 's/$/ command="true"/' "$DIR/schedules"; } > "$DIR/jobs.conf"
mkdir -p "$DIR/cron.d" "$DIR/spool/cron/crontabs" "$DIR/run"
awk '{ print $1, $2, $3, $4, $5, "root true", $6 }' "$DIR/schedules" > "$DIR/cron.d/jobctl-bench"
chmod 644 "$DIR/cron.d/jobctl-bench"

TIME=""
[ -x /usr/bin/time ] && TIME="/usr/bin/time"
# launch NAME DIR COMMAND...: starts COMMAND in DIR (under /usr/bin/time -v when there); records
# the scheduler's pid in DIR/pid.
launch() {
    name=$1 dir=$2
    shift 2
    mkdir -p "$dir"
    if [ -n "$TIME" ]; then
        (cd "$dir" && exec "$TIME" -v -o "$dir/time.txt" "$@" >"$dir/out.log" 2>&1) &
        wrapper=$!
        tries=0
        until child=$(pgrep -P "$wrapper") || [ $tries -ge 50 ]; do sleep 0.1; tries=$((tries + 1)); done
        echo "${child:-$wrapper}" > "$dir/pid"
    else
        (cd "$dir" && exec "$@" >"$dir/out.log" 2>&1) &
        echo $! > "$dir/pid"
    fi
    STARTED="$STARTED $(cat "$dir/pid")"
}

mkdir -p "$DIR/lat"
printf 'TZ=UTC\n* * * * * * tick command="true"\n' > "$DIR/lat/jobs.conf"
launch latency "$DIR/lat" "$BIN" run --config "$DIR/lat/jobs.conf"

PY=$(bench_python)
CRON=""
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1; then
    for c in "$(pwd)/.build/bench/cron/usr/sbin/cron" /usr/sbin/cron; do [ -x "$c" ] && { CRON=$c; break; }; done
fi
KINDS="jobctl"
[ -n "$PY" ] && KINDS="$KINDS apscheduler croniter"
[ -n "$CRON" ] && KINDS="$KINDS cron"
n=1
while [ $n -le "$INSTANCES" ]; do
    mkdir -p "$DIR/jobctl-$n"  # each its own STATE_DB (beside its config) and instance lock
    cp "$DIR/jobs.conf" "$DIR/jobctl-$n/jobs.conf"
    launch jobctl "$DIR/jobctl-$n" "$BIN" run --config "$DIR/jobctl-$n/jobs.conf"
    if [ -n "$PY" ]; then
        launch apscheduler "$DIR/apscheduler-$n" "$PY" "$(pwd)/Benchmarks/idle_peers.py" apscheduler "$DIR/jobs.conf"
        launch croniter "$DIR/croniter-$n" "$PY" "$(pwd)/Benchmarks/idle_peers.py" croniter "$DIR/jobs.conf"
    fi
    if [ -n "$CRON" ]; then
        launch cron "$DIR/cron-$n" unshare --mount sh -c "mkdir -p '$DIR/run-$n' &&
            mount --bind '$DIR/cron.d' /etc/cron.d && mount --bind '$DIR/spool' /var/spool &&
            mount --bind '$DIR/run-$n' /run && exec '$CRON' -f"
    fi
    n=$((n + 1))
done
[ -z "$PY" ] && echo "APScheduler and croniter: not measured (no venv: make bench-deps)"
[ -z "$CRON" ] && echo "Debian cron: not measured (not unpacked by make bench-deps, or not root)"

# threads PID: "tid voluntary_context_switches cpu_ns" of each thread now (cpu_ns: the first
# field of /proc/PID/task/TID/schedstat, nanoseconds on a CPU: finer than the 10 ms clock ticks).
threads() {
    for t in /proc/"$1"/task/*; do
        switches=$(awk '/^voluntary_ctxt_switches/ { print $2 }' "$t/status" 2>/dev/null) || continue
        ns=$(awk '{ print $1 }' "$t/schedstat" 2>/dev/null) || continue
        echo "${t##*/} $switches $ns"
    done
}
# delta BEFORE AFTER COLUMN: the growth of COLUMN during the window, summed over the threads
# alive at its end (a thread started meanwhile counts all of its own; one that ended is not seen).
delta() {
    awk -v c="$3" 'NR == FNR { b[$1] = $c; next } { s += $c - ($1 in b ? b[$1] : 0) } END { printf "%d", s }' "$1" "$2"
}
sleep "$SETTLE"
for kind in $KINDS; do
    n=1
    while [ $n -le "$INSTANCES" ]; do
        d="$DIR/$kind-$n" pid=$(cat "$DIR/$kind-$n/pid")
        threads "$pid" > "$d/threads"
        n=$((n + 1))
    done
done
sleep "$IDLE_SECONDS"
for kind in $KINDS; do
    rss="" cpu="" wake="" n=1
    while [ $n -le "$INSTANCES" ]; do
        d="$DIR/$kind-$n" pid=$(cat "$DIR/$kind-$n/pid")
        threads "$pid" > "$d/threads.after"
        cpu="$cpu $(awk -v ns="$(delta "$d/threads" "$d/threads.after" 3)" 'BEGIN { printf "%.2f", ns / 1e6 }')"
        wake="$wake $(delta "$d/threads" "$d/threads.after" 2)"
        awk '/^VmRSS/ { print $2 }' "/proc/$pid/status" > "$d/rss"
        rss="$rss $(cat "$d/rss")"
        n=$((n + 1))
    done
    echo "$kind $(median_of $rss) $(median_of $cpu) $(median_of $wake) $rss" >> "$DIR/idle.txt"
done
# smaps of the jobctl instance whose RSS is the median, before it stops.
median_rss=$(awk '$1 == "jobctl" { print $2 }' "$DIR/idle.txt")
n=1
while [ $n -le "$INSTANCES" ]; do
    if [ "$(cat "$DIR/jobctl-$n/rss")" = "$median_rss" ]; then
        python3 Benchmarks/smaps.py "$(cat "$DIR/jobctl-$n/pid")" "$BIN" > "$DIR/smaps.txt" || true
        break
    fi
    n=$((n + 1))
done
for p in $STARTED; do kill -TERM "$p" 2>/dev/null || true; done
wait
STARTED=""

peak() { awk -F': ' '/Maximum resident set size/ { print $2 }' "$1" 2>/dev/null; }
label() { case $1 in jobctl) echo "jobctl run" ;; apscheduler) echo "APScheduler 3 (Python)" ;;
    croniter) echo "croniter loop (Python)" ;; cron) echo "Debian cron" ;; esac; }
echo "idle, $JOBS jobs, $INSTANCES processes each, medians; CPU and wakeups over $IDLE_SECONDS s after $SETTLE s:"
while read -r kind rss cpu wake all; do
    peaks=""
    n=1
    while [ $n -le "$INSTANCES" ]; do peaks="$peaks $(peak "$DIR/$kind-$n/time.txt")"; n=$((n + 1)); done
    hwm=$(median_of $peaks)
    printf '  %-24s RSS %6.1f MB (%s kB)  peak %s  CPU %s ms  wakeups %s\n' "$(label "$kind")" \
        "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$(echo $all | tr ' ' ',')" \
        "${hwm:+$(awk -v k="$hwm" 'BEGIN { printf "%.1f MB", k / 1024 }')}" "$cpu" "$wake"
    echo "$kind $(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }') ${hwm:-0} $cpu $wake" >> "$DIR/medians.txt"
done < "$DIR/idle.txt"

# The table: jobctl beside each peer.
set -- $(awk '$1 == "jobctl"' "$DIR/medians.txt")
j_rss=$2 j_peak=$(awk -v k="$3" 'BEGIN { printf "%.1f", k / 1024 }') j_cpu=$4 j_wake=$5
while read -r kind rss hwm cpu wake; do
    [ "$kind" = jobctl ] && continue
    result "idle run, 1,000 jobs: RSS" "$j_rss" MB "< 20" "$(label "$kind")" "$rss"
    [ "$hwm" != 0 ] && result "idle run, 1,000 jobs: peak RSS (time -v)" "$j_peak" MB "" "$(label "$kind")" \
        "$(awk -v k="$hwm" 'BEGIN { printf "%.1f", k / 1024 }')"
    result "idle run, 1,000 jobs: CPU in ${IDLE_SECONDS} s" "$j_cpu" ms "< 10" "$(label "$kind")" "$cpu"
    result "idle run, 1,000 jobs: wakeups in ${IDLE_SECONDS} s" "$j_wake" "" "" "$(label "$kind")" "$wake"
done < "$DIR/medians.txt"
if [ "$KINDS" = jobctl ]; then
    result "idle run, 1,000 jobs: RSS" "$j_rss" MB "< 20"
    result "idle run, 1,000 jobs: CPU in ${IDLE_SECONDS} s" "$j_cpu" ms "< 10"
fi
if [ -s "$DIR/smaps.txt" ]; then
    echo "where jobctl's RSS goes (/proc/PID/smaps of the median process):"
    cat "$DIR/smaps.txt"
    section "where idle jobctl run's RSS goes (1,000 jobs; /proc/PID/smaps of the median of $INSTANCES):" < "$DIR/smaps.txt"
fi

python3 - "$DIR/lat/jobctl.db" <<'PYEOF'
import sqlite3, sys
rows = [r[0] for r in sqlite3.connect(sys.argv[1]).execute(
    "SELECT started_at - scheduled_at FROM job_executions WHERE triggered_by='schedule' AND status!='skipped' ORDER BY 1")]
def pct(p): return rows[min(len(rows) - 1, int(round(p / 100 * (len(rows) - 1))))]
print(f"lateness over {len(rows)} fires of '* * * * * *': p50 {pct(50)} ms, p99 {pct(99)} ms, max {rows[-1]} ms "
      f"(target p99 < 10 ms; Debian cron: median 1.56 s)")
PYEOF
