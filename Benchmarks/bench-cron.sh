#!/bin/sh
# Next-fire speed: in process, and the whole-process `jobctl next` of 100,000 lines against
# croniter producing the same lines.
set -eu
cd "$(dirname "$0")/.."
. Benchmarks/lib.sh
BIN=.build/release/jobctl
.build/release/jobctl-bench cron

ms() { echo $(( ($2 - $1) / 1000000 )); }
best=999999
for i in 1 2 3 4 5; do
  s=$(date +%s%N)
  $BIN next '*/5 * * * *' --tz America/New_York --from 2026-01-01T00:00:00 --count 100000 > /tmp/jobctl-next.txt
  e=$(date +%s%N)
  t=$(ms $s $e); [ $t -lt $best ] && best=$t
done
echo "jobctl next '*/5 * * * *' --count 100000 (whole process, best of 5): ${best} ms"

# croniter, the Python peer, producing the same lines (from the venv of `make bench-deps`).
PY=$(bench_python)
[ -n "$PY" ] || PY=python3
if $PY -c 'import croniter' 2>/dev/null; then
  s=$(date +%s%N)
  $PY - > /tmp/croniter-next.txt <<'PYEOF'
import datetime, zoneinfo, croniter
tz = zoneinfo.ZoneInfo("America/New_York")
it = croniter.croniter("*/5 * * * *", datetime.datetime(2026, 1, 1, tzinfo=tz))
out = []
for _ in range(100000):
    out.append(it.get_next(datetime.datetime).isoformat())
print("\n".join(out))
PYEOF
  e=$(date +%s%N)
  c=$(ms $s $e)
  same=$(cmp -s /tmp/jobctl-next.txt /tmp/croniter-next.txt && echo "identical output" || echo "OUTPUT DIFFERS")
  echo "croniter, same 100,000 lines: ${c} ms ($same); jobctl is $(( c / (best > 0 ? best : 1) ))x faster (target >= 30x)"
  result "next --count 100000 (best of 5)" "$best" ms "" "croniter, same lines ($same)" "$c"
else
  echo "croniter not available (no PyPI?): ratio not measured"
fi
