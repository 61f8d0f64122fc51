#!/bin/sh
# `make run-cluster`: three `jobctl run` nodes on one throw-away PostgreSQL (scripts/pg-test-cluster.sh)
# with the demo arcade data in it, the status page on the first node, and what to try printed.
# Ctrl-C (or SIGTERM) stops the nodes and PostgreSQL and removes every directory it made.
#
# Environment:
#   JOBCTL_BIN             the binary (default .build/debug/jobctl; `make run-cluster` builds it)
#   RUN_CLUSTER_CONFIG     the jobs (default cluster.conf.example); STATE_DB, APP_DB and LEASE are
#                          written above them
#   RUN_CLUSTER_HTTP       the first node's status page (default 127.0.0.1:8080; port 0 picks one)
#   RUN_CLUSTER_LEASE      LEASE= of the nodes (default 5s: a killed node's run is abandoned fast)
#   RUN_CLUSTER_SESSIONS   demo-data's --sessions (default 20000)
#   RUN_CLUSTER_PGBOUNCER  1: the nodes connect through PgBouncer in transaction mode
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JOBCTL=${JOBCTL_BIN:-$ROOT/.build/debug/jobctl}
CONFIG=${RUN_CLUSTER_CONFIG:-$ROOT/cluster.conf.example}
HTTP=${RUN_CLUSTER_HTTP:-127.0.0.1:8080}
LEASE=${RUN_CLUSTER_LEASE:-5s}
SESSIONS=${RUN_CLUSTER_SESSIONS:-20000}
PG="$ROOT/scripts/pg-test-cluster.sh"

note() { echo "run-cluster: $*" >&2; }
die() { note "$*"; exit 1; }

[ -x "$JOBCTL" ] || die "no $JOBCTL: run 'make build' first (or 'make run-cluster')"
[ -f "$CONFIG" ] || die "no config $CONFIG"

# Two directories: the nodes' (config, logs, token; private) and the cluster's (owned by the
# server's user when we are root, so not inside a private one).
DIR=$(mktemp -d /tmp/jobctl-cluster-XXXXXX)
PG_DIR=$(mktemp -d /tmp/jobctl-cluster-pg-XXXXXX)
NODE_PIDS=""

cleanup() {
    trap - EXIT INT TERM HUP
    note "stopping the nodes and PostgreSQL"
    for pid in $NODE_PIDS; do kill -CONT "$pid" 2>/dev/null || true; kill -TERM "$pid" 2>/dev/null || true; done
    i=0
    while [ $i -lt 100 ]; do
        alive=""
        for pid in $NODE_PIDS; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
        [ -n "$alive" ] || break
        i=$((i + 1))
        sleep 0.1
    done
    for pid in $NODE_PIDS; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    sh "$PG" stop "$PG_DIR" || true
    rm -rf "$DIR" "$PG_DIR"
    note "stopped; removed $DIR and $PG_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# PG_TEST_OWNER_PID: the cluster stops by itself if this script is killed without its trap.
URL=$(PG_TEST_OWNER_PID=$$ sh "$PG" start "$PG_DIR")
[ "${RUN_CLUSTER_PGBOUNCER:-0}" != 1 ] || STATE_URL=$(sh "$PG" pgbouncer "$PG_DIR")
STATE_URL=${STATE_URL:-$URL}
VIA=""
[ "$STATE_URL" = "$URL" ] || VIA=", the nodes through PgBouncer at $STATE_URL"

# The demo arcade in the same database as the state (the shared-database case of issue 11).
# A build whose demo-data cannot write PostgreSQL yet gets a SQLite APP_DB instead, and says so.
cd "$DIR"
if "$JOBCTL" demo-data --app-db "$URL" --days 7 --sessions "$SESSIONS" >"$DIR/demo-data.log" 2>&1; then
    APP_DB=$URL
else
    note "this jobctl's demo-data cannot write a PostgreSQL APP_DB ($(head -n 1 "$DIR/demo-data.log"));"
    note "the arcade jobs use a SQLite APP_DB instead: $DIR/arcade.db (the state stays on PostgreSQL)"
    "$JOBCTL" demo-data --app-db "$DIR/arcade.db" --days 7 --sessions "$SESSIONS" >"$DIR/demo-data.log" 2>&1 \
        || { cat "$DIR/demo-data.log" >&2; die "demo-data failed"; }
    APP_DB=$DIR/arcade.db
fi

{
    echo "# written by scripts/run-cluster.sh above $CONFIG"
    echo "STATE_DB=$STATE_URL"
    echo "APP_DB=$APP_DB"
    echo "LEASE=$LEASE"
    cat "$CONFIG"
} >"$DIR/jobs.conf"
"$JOBCTL" check --config "$DIR/jobs.conf" >"$DIR/check.log" 2>&1 || { cat "$DIR/check.log" >&2; die "the config is refused"; }

TOKEN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
for n in 1 2 3; do
    if [ $n = 1 ]; then
        JOBCTL_HTTP_TOKEN=$TOKEN "$JOBCTL" run --config "$DIR/jobs.conf" --grace 5 --http "$HTTP" \
            >"$DIR/node$n.log" 2>&1 &
    else
        "$JOBCTL" run --config "$DIR/jobs.conf" --grace 5 >"$DIR/node$n.log" 2>&1 &
    fi
    NODE_PIDS="$NODE_PIDS $!"
    eval "PID$n=$!"
done

# Each node says "Scheduler started" (30 s guard); one that exits first is reported with its log.
for n in 1 2 3; do
    eval "pid=\$PID$n"
    i=0
    until grep -q "Scheduler started" "$DIR/node$n.log"; do
        kill -0 "$pid" 2>/dev/null || { cat "$DIR/node$n.log" >&2; die "node $n exited"; }
        [ $i -lt 300 ] || { cat "$DIR/node$n.log" >&2; die "node $n did not start within 30 s"; }
        i=$((i + 1))
        sleep 0.1
    done
done
PAGE=$(sed -n 's/.*HTTP listening on \([^ ]*\).*/\1/p' "$DIR/node1.log" | head -n 1)

cat <<EOF

Three jobctl nodes on one PostgreSQL ($URL$VIA), LEASE=$LEASE, APP_DB $APP_DB
  node 1  pid $PID1  log $DIR/node1.log   status page http://$PAGE/
  node 2  pid $PID2  log $DIR/node2.log
  node 3  pid $PID3  log $DIR/node3.log
  the status page's token (to trigger, pause, resume): $TOKEN

Try, in another shell:
  export JOBCTL_CONFIG=$DIR/jobs.conf
  $JOBCTL nodes                    # the nodes, their heartbeat and what each runs
  $JOBCTL history --limit 20       # every fire once, whichever node ran it
  kill -9 $PID2                    # its run is abandoned after the lease; the others carry on
  kill -STOP $PID3; sleep 12; kill -CONT $PID3   # its late writes are refused: see its log
  tail -f $DIR/node*.log

Ctrl-C stops the nodes and PostgreSQL and removes $DIR and $PG_DIR.
EOF

# Until Ctrl-C, or until every node has exited.
wait
