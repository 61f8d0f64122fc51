#!/bin/sh
# Model-checks the several-hosts protocol (docs/several-hosts.md) with spin, as docs/model/README.md
# describes: the correct model must satisfy every property, and each deliberately broken variant
# must produce a counterexample. Exits non-zero on any other outcome.
#
#   sh docs/model/check.sh            quick bounds (make test; under a minute on 2 cores)
#   DEEP=1 sh docs/model/check.sh     deeper bounds (make verify; several minutes, ~2.5 GB)
#   TRAILS=1 ...                      also print each counterexample as a story
#   KEEP=DIR ...                      keep the work directory (pan sources, trails) in DIR
#
# It installs nothing: `make model-deps` installs Debian's spin.
set -u

here=$(cd "$(dirname "$0")" && pwd)
model="$here/jobctl.pml"
deep=${DEEP:-0}
trails=${TRAILS:-0}

missing=""
for tool in spin gcc; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  echo "check.sh: missing:$missing. Install Debian's spin and gcc (\`make model-deps\` installs them)." >&2
  exit 2
fi
[ -f "$model" ] || { echo "check.sh: no model at $model" >&2; exit 2; }

if [ -n "${KEEP:-}" ]; then
  work=$KEEP; mkdir -p "$work" || exit 2
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/jobctl-model.XXXXXX") || exit 2
  trap 'rm -rf "$work"' EXIT
  trap 'exit 130' INT TERM
fi
cd "$work" || exit 2

if [ "$deep" = 1 ]; then hash=-w26; else hash=-w22; fi
unexpected=0
checks=0
started=$(date +%s)

# field NAME FILE: a figure from pan's report
figure() {
  case $1 in
    errors) sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' "$2" | tail -n 1 ;;
    stored) sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' "$2" | tail -n 1 ;;
    trans) sed -n 's/^ *\([0-9.e+]*\) transitions.*/\1/p' "$2" | tail -n 1 ;;
    time) sed -n 's/^pan: elapsed time \([0-9.e+]*\) seconds.*/\1/p' "$2" | tail -n 1 ;;
  esac
}

# check NAME PROPERTY EXPECT BOUNDS [SWITCHES]
#   PROPERTY: safety (assertions P0 P1 P2 P4; with -DONLY=n only Pn), p3 or p5 (LTL, weak fairness)
#   EXPECT:   holds | fails
#   BOUNDS:   -D options printed with the result; SWITCHES: the broken variant's -D options
check() {
  name=$1 prop=$2 expect=$3 defs="$4 ${5:-}"
  checks=$((checks + 1))
  rm -f pan pan.* ./*.trail spin.out pan.out
  bounds=$(echo "$4" | sed 's/-D//g')
  if ! spin -a $defs jobctl.pml >spin.out 2>&1; then
    echo "FAIL  $name: spin could not translate the model ($bounds):"; sed 's/^/      /' spin.out
    unexpected=$((unexpected + 1)); return
  fi
  # -O0 builds faster; it is enough for a safety counterexample, found in a few thousand states
  if [ "$expect" = fails ] && [ "$prop" = safety ]; then opt=-O0; else opt=-O1; fi
  # a safety variant must fail an assertion; a liveness one must give an acceptance cycle (pan
  # also checks the assertions in a liveness run)
  if [ "$prop" = safety ]; then
    cflags="-DSAFETY -DNOCLAIM"; run=""; symptom="assertion violated"
  else
    cflags=""; run="-a -f -N $prop"; symptom="acceptance cycle"
  fi
  if ! gcc $opt $cflags -DCOLLAPSE -DMEMLIM=4096 -w -o pan pan.c 2>pan.out; then
    echo "FAIL  $name: gcc could not build the verifier:"; sed 's/^/      /' pan.out
    unexpected=$((unexpected + 1)); return
  fi
  ./pan -m100000 $hash $run >pan.out 2>&1
  errors=$(figure errors pan.out)
  what=$prop
  [ "$prop" = safety ] && what="P0 P1 P2 P4"
  case "$defs" in *-DONLY=*) what=P$(echo "$defs" | sed 's/.*-DONLY=\([0-9]\).*/\1/') ;; esac
  figures="$(figure stored pan.out) states, $(figure trans pan.out) transitions, $(figure time pan.out) s"
  if [ -z "$errors" ]; then
    verdict=FAIL; why="no report from pan"
  elif [ "$expect" = holds ] && [ "$errors" != 0 ]; then
    verdict=FAIL; why="$what VIOLATED"
  # pan stops at the first error, so an incomplete search only matters when the property must hold
  elif [ "$expect" = holds ] &&
     grep -q -e 'Search not completed' -e 'too small' -e 'out of memory' -e 'MEMLIM' -e 'aborted' pan.out; then
    verdict=FAIL; why="search incomplete"
  elif [ "$expect" = holds ]; then
    verdict=ok; why="$what hold"
  elif [ "$expect" = fails ] && [ "$errors" != 0 ] && [ -f jobctl.pml.trail ] &&
       grep -q "$symptom" pan.out; then
    verdict=ok; why="breaks $what, as it must"
  else
    verdict=FAIL; why="no counterexample for $what"
  fi
  printf '%-4s  %-22s %-26s %-22s %s\n' "$verdict" "$name" "$why" "$bounds" "$figures"
  if [ "$verdict" = FAIL ]; then
    unexpected=$((unexpected + 1))
    grep -e 'pan:1' -e 'error' -e 'Search' pan.out | sed 's/^/      /'
  fi
  if [ -f jobctl.pml.trail ] && { [ "$trails" = 1 ] || [ "$verdict" = FAIL ]; }; then
    spin -t $defs jobctl.pml 2>&1 | grep -e '^ *t=' -e 'START OF CYCLE' | sed 's/^ */      /'
  fi
}

cp "$model" jobctl.pml || exit 2
echo "spin model check of docs/model/jobctl.pml ($( [ "$deep" = 1 ] && echo deep || echo quick ) bounds)"
echo "NF fires, FAULTS faults per behaviour, 3 nodes, LEASE 3 ticks; see docs/model/README.md"

q="-DNF=2 -DFAULTS=1"
if [ "$deep" = 1 ]; then
  check shell-safety       safety holds "-DNF=2 -DFAULTS=2"
  check shell-safety       safety holds "-DNF=3 -DFAULTS=1"
  check manual-safety      safety holds "-DNF=2 -DFAULTS=1 -DMANUAL"
  check payout-safety      safety holds "-DNF=2 -DFAULTS=2 -DPAY"
  check skewed-clocks      safety holds "-DNF=2 -DFAULTS=1 -DSKEWS"
  check shell-claimed      p3 holds "-DNF=2 -DFAULTS=2"
  check shell-reaped       p5 holds "-DNF=2 -DFAULTS=2"
  check payout-claimed     p3 holds "-DNF=2 -DFAULTS=2 -DPAY"
  check payout-reaped      p5 holds "-DNF=2 -DFAULTS=2 -DPAY"
  check manual-reaped      p5 holds "-DNF=1 -DFAULTS=2 -DMANUAL"
else
  check shell-safety       safety holds "$q"
  check manual-safety      safety holds "-DNF=1 -DFAULTS=1 -DMANUAL"
  check payout-safety      safety holds "$q -DPAY"
  check shell-claimed      p3 holds "$q"
  check shell-reaped       p5 holds "$q"
  check payout-claimed     p3 holds "$q -DPAY"
  check payout-reaped      p5 holds "$q -DPAY"
fi

# each broken variant must give a counterexample, at the smallest bounds that show it: one is
# enough, and all but OWNER_RECOVERS need no injected fault (stalls come free)
one="-DNF=1 -DFAULTS=0"
two="-DNF=2 -DFAULTS=0"
check NO_FENCE_CHECK         safety fails "$one" "-DNO_FENCE_CHECK -DONLY=4"
check NO_FENCE_CHECK         safety fails "$one -DPAY" "-DNO_FENCE_CHECK -DONLY=1"
check NODE_CLOCK_DUE         safety fails "$one" "-DNODE_CLOCK_DUE -DONLY=0"
check NO_GUARD               safety fails "$two" "-DNO_GUARD -DONLY=2"
check NO_MARGIN              safety fails "$two" "-DNO_MARGIN -DONLY=2"
check DEADLINE_FROM_REPLY    safety fails "$two" "-DDEADLINE_FROM_REPLY -DONLY=2"
check SHARED_IDENTITY        safety fails "$one" "-DSHARED_IDENTITY -DONLY=2"
check NODE_LOCAL_OVERLAP     safety fails "$two" "-DNODE_LOCAL_OVERLAP -DONLY=2"
check PAYOUT_KEEPS_RUNNING   safety fails "$one -DPAY" "-DPAYOUT_KEEPS_RUNNING -DONLY=1"
check SHELL_RETRY            safety fails "$one" "-DSHELL_RETRY -DONLY=1"
check NOT_DUE_IS_TAKEN       p3 fails "$one" "-DNOT_DUE_IS_TAKEN"
check OWNER_RECOVERS         p5 fails "-DNF=1 -DFAULTS=1" "-DOWNER_RECOVERS"

elapsed=$(( $(date +%s) - started ))
if [ "$unexpected" -ne 0 ]; then
  echo "model check: $unexpected of $checks checks gave an unexpected result (${elapsed} s)"
  exit 1
fi
echo "model check: all $checks checks as expected (${elapsed} s)"
