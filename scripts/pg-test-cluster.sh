#!/bin/sh
# A throw-away PostgreSQL cluster (and optionally a PgBouncer in front of it) for the tests,
# `make run-cluster` and the benchmarks. Only the connection URL goes to stdout; everything
# else goes to stderr, and the server's own log stays in DIR/postgres.log.
#
#   pg-test-cluster.sh start DIR           initdb in DIR/data, start on a free loopback port and
#                                          a unix socket in DIR; prints
#                                          postgresql://postgres@127.0.0.1:PORT/postgres
#   pg-test-cluster.sh stop DIR            stop everything started in DIR (immediate mode) and
#                                          remove DIR; safe after a failed start, or twice
#   pg-test-cluster.sh restart DIR [SECS] [MODE]
#                                          stop the server (MODE `immediate`, like a crash, the
#                                          default; or `fast`: pg_ctl's clean shutdown), stay down
#                                          SECS seconds (default 0), start it again on the same port
#   pg-test-cluster.sh pgbouncer DIR       start PgBouncer (transaction pooling) in front of the
#                                          cluster; prints its URL (again if already running)
#   pg-test-cluster.sh url DIR             prints the server's URL
#
# Environment:
#   PG_BINDIR             the server binaries; default: the newest /usr/lib/postgresql/*/bin
#   PG_TEST_USER          the user the server runs as when this script runs as root (postgres
#                         refuses root); default: postgres
#   PG_TEST_OWNER_PID     when set, `start` leaves a watcher that stops the cluster and removes
#                         DIR once that process is gone (a crashed test run leaves nothing behind)
#   PG_TEST_FSYNC         `on` for a durable cluster (benchmarks); default `off`: a test cluster
#                         survives a server crash (the WAL is in the OS cache) but not an OS crash
set -eu

MARKER=.pg-test-cluster

die() { echo "pg-test-cluster: $*" >&2; exit 1; }
note() { echo "pg-test-cluster: $*" >&2; }

usage() {
    echo "usage: $0 start|stop|restart|pgbouncer|url DIR [SECS [immediate|fast]]" >&2
    exit 2
}

# The newest installed server version, numerically (so 9.6 < 15 < 16).
find_bindir() {
    if [ -n "${PG_BINDIR:-}" ]; then
        [ -x "$PG_BINDIR/initdb" ] || die "PG_BINDIR=$PG_BINDIR has no initdb"
        echo "$PG_BINDIR"
        return
    fi
    initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -t/ -k5,5n | tail -n 1) || true
    [ -n "$initdb" ] || die "no PostgreSQL server in /usr/lib/postgresql/*/bin: run 'make pg-deps'" \
        "(Debian's postgresql package)"
    dirname "$initdb"
}

# as_owner CMD ARGS...: runs CMD as the cluster's user (PG_TEST_USER when we are root).
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u "$RUN_USER" -- "$@"
        else
            setpriv --reuid="$RUN_USER" --regid="$RUN_USER" --init-groups -- "$@"
        fi
    else
        "$@"
    fi
}

# `perl -e "$CLOSE_FDS" -- CMD ARGS...` runs CMD with every descriptor above 2 closed. The
# daemons started here (postgres via pg_ctl, pgbouncer, the watcher) must not keep what our
# caller leaked to us: Foundation's Process (Swift) learns that its child exited when a socket
# the child inherited closes, so a postmaster holding it makes `waitUntilExit()` hang until
# the cluster stops. perl is in perl-base, which is Essential on Debian.
CLOSE_FDS='use POSIX ();
    opendir(my $d, "/proc/self/fd") or die "/proc/self/fd: $!\n";
    my @fds = grep { /^\d+$/ && $_ > 2 } readdir($d);
    closedir($d);
    POSIX::close($_) for @fds;
    exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $!\n";'

# A port in 20000-59999 from /dev/urandom; a taken one is retried by the caller.
random_port() {
    n=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
    echo $((20000 + n % 40000))
}

setup_dir() {
    mkdir -p "$DIR"
    [ -z "$(ls -A "$DIR")" ] || [ -f "$DIR/$MARKER" ] || die "$DIR is not empty and not a test cluster"
    : >"$DIR/$MARKER"
    # The socket path ($DIR/.s.PGSQL.PORT) must fit in sun_path (107 bytes).
    [ ${#DIR} -le 90 ] || die "$DIR is too long for a unix socket path (at most 90 characters)"
    if [ "$(id -u)" = 0 ]; then
        id "$RUN_USER" >/dev/null 2>&1 || die "user $RUN_USER does not exist (postgres refuses to run" \
            "as root; Debian's postgresql package creates it)"
        chown -R "$RUN_USER" "$DIR"
        as_owner test -w "$DIR" || die "$RUN_USER cannot write $DIR (is a parent directory private?)"
    fi
}

cmd_start() {
    bindir=$(find_bindir)
    setup_dir
    if [ -f "$DIR/data/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
        note "already running"
        cmd_url
        return
    fi
    if [ ! -f "$DIR/data/PG_VERSION" ]; then
        as_owner "$bindir/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync \
            >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
        cat >>"$DIR/data/postgresql.conf" <<EOF
# pg-test-cluster.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
fsync = ${PG_TEST_FSYNC:-off}
max_connections = 200
EOF
    fi
    tries=0
    while :; do
        port=$(random_port)
        sed -i '/^port = /d' "$DIR/data/postgresql.conf"
        echo "port = $port" >>"$DIR/data/postgresql.conf"
        if start_server "$bindir"; then
            break
        fi
        tries=$((tries + 1))
        if [ $tries -ge 10 ] || ! grep -q "could not bind\|could not create any TCP/IP" "$DIR/postgres.log"; then
            tail -n 20 "$DIR/postgres.log" >&2 || true
            die "the server did not start (log: $DIR/postgres.log)"
        fi
    done
    echo "$port" >"$DIR/port"
    [ -z "${PG_TEST_OWNER_PID:-}" ] || start_watcher "$PG_TEST_OWNER_PID"
    cmd_url
}

# A detached shell that stops the cluster once the owner process is gone. Its descriptors go
# to /dev/null so that a caller reading our stdout sees EOF.
start_watcher() {
    owner=$1
    script=$0
    case "$script" in /*) ;; *) script="$(pwd)/$script" ;; esac
    perl -e "$CLOSE_FDS" -- nohup sh -c 'while kill -0 "$1" 2>/dev/null && [ -f "$2/'"$MARKER"'" ]; do sleep 1; done
        [ ! -f "$2/'"$MARKER"'" ] || PG_TEST_WATCHER=1 sh "$3" stop "$2"' \
        watcher "$owner" "$DIR" "$script" </dev/null >/dev/null 2>&1 &
    echo $! >"$DIR/watcher.pid"
}

cmd_url() {
    [ -f "$DIR/port" ] || die "no cluster in $DIR"
    echo "postgresql://postgres@127.0.0.1:$(cat "$DIR/port")/postgres"
}

start_server() {
    as_owner perl -e "$CLOSE_FDS" -- "$1/pg_ctl" -D "$DIR/data" -l "$DIR/postgres.log" -w -t 60 start \
        >/dev/null 2>&1
}

# Stops the server in immediate mode (like a crash; fast) or the mode given, and kills it if
# pg_ctl could not.
stop_server() {
    [ -f "$DIR/data/postmaster.pid" ] || return 0
    pid=$(head -n 1 "$DIR/data/postmaster.pid" 2>/dev/null) || pid=""
    if bindir=$(find_bindir 2>/dev/null); then
        as_owner "$bindir/pg_ctl" -D "$DIR/data" -m "${1:-immediate}" -w -t 30 stop >/dev/null 2>&1 || true
    fi
    case "$pid" in
        '' | *[!0-9]*) ;;
        *) if kill -0 "$pid" 2>/dev/null && [ -f "$DIR/data/postmaster.pid" ]; then kill -9 "$pid" || true; fi ;;
    esac
}

stop_pgbouncer() {
    [ -f "$DIR/pgbouncer.pid" ] || return 0
    pid=$(cat "$DIR/pgbouncer.pid" 2>/dev/null) || pid=""
    case "$pid" in
        '' | *[!0-9]*) ;;
        *) kill -TERM "$pid" 2>/dev/null || true ;;
    esac
    rm -f "$DIR/pgbouncer.pid"
}

cmd_stop() {
    [ -d "$DIR" ] || return 0
    if [ ! -f "$DIR/$MARKER" ]; then
        rmdir "$DIR" 2>/dev/null && return 0
        die "$DIR is not a test cluster (no $MARKER): not removing it"
    fi
    stop_pgbouncer
    stop_server
    if [ -z "${PG_TEST_WATCHER:-}" ] && [ -f "$DIR/watcher.pid" ]; then
        kill "$(cat "$DIR/watcher.pid")" 2>/dev/null || true
    fi
    # The marker goes first: a watcher that wakes up now sees the cluster is already handled.
    rm -f "$DIR/$MARKER"
    rm -rf "$DIR"
}

cmd_restart() {
    secs=${1:-0}
    mode=${2:-immediate}
    case "$secs" in '' | *[!0-9]*) die "SECS must be a whole number of seconds" ;; esac
    case "$mode" in immediate | fast) ;; *) die "MODE must be immediate or fast" ;; esac
    [ -f "$DIR/port" ] || die "no cluster in $DIR"
    bindir=$(find_bindir)
    stop_server "$mode"
    [ "$secs" = 0 ] || sleep "$secs"
    start_server "$bindir" || {
        tail -n 20 "$DIR/postgres.log" >&2 || true
        die "the server did not restart (log: $DIR/postgres.log)"
    }
    cmd_url
}

find_pgbouncer() {
    for p in "$(command -v pgbouncer 2>/dev/null || true)" /usr/sbin/pgbouncer; do
        [ -n "$p" ] && [ -x "$p" ] && { echo "$p"; return; }
    done
    die "pgbouncer is not installed: run 'make pg-deps' (Debian's pgbouncer package)"
}

pgbouncer_url() {
    echo "postgresql://postgres@127.0.0.1:$(cat "$DIR/pgbouncer.port")/postgres"
}

cmd_pgbouncer() {
    [ -f "$DIR/port" ] || die "no cluster in $DIR: start it first"
    if [ -f "$DIR/pgbouncer.pid" ] && kill -0 "$(cat "$DIR/pgbouncer.pid")" 2>/dev/null; then
        pgbouncer_url
        return
    fi
    bouncer=$(find_pgbouncer)
    bindir=$(find_bindir)
    echo '"postgres" ""' >"$DIR/pgbouncer.users"
    tries=0
    while :; do
        bport=$(random_port)
        write_pgbouncer_ini "$bport"
        [ "$(id -u)" != 0 ] || chown "$RUN_USER" "$DIR/pgbouncer.ini" "$DIR/pgbouncer.users"
        : >"$DIR/pgbouncer.log"
        [ "$(id -u)" != 0 ] || chown "$RUN_USER" "$DIR/pgbouncer.log"
        if as_owner perl -e "$CLOSE_FDS" -- "$bouncer" -d -q "$DIR/pgbouncer.ini" </dev/null >/dev/null 2>&1 \
            && wait_pgbouncer "$bindir" "$bport"; then
            break
        fi
        stop_pgbouncer
        tries=$((tries + 1))
        if [ $tries -ge 10 ] || ! grep -qi "address already in use\|bind" "$DIR/pgbouncer.log"; then
            tail -n 20 "$DIR/pgbouncer.log" >&2 || true
            die "pgbouncer did not start (log: $DIR/pgbouncer.log)"
        fi
    done
    echo "$bport" >"$DIR/pgbouncer.port"
    pgbouncer_url
}

# Transaction pooling. PgBouncer 1.18 refuses unknown startup parameters; `options` (where
# libpq clients put `-c statement_timeout=…`) is ignored instead, so the timeouts of a client
# behind it must come from SET LOCAL inside each transaction (see docs/postgres.md).
write_pgbouncer_ini() {
    cat >"$DIR/pgbouncer.ini" <<EOF
[databases]
* = host=$DIR port=$(cat "$DIR/port")
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $1
unix_socket_dir =
auth_type = trust
auth_file = $DIR/pgbouncer.users
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
ignore_startup_parameters = extra_float_digits,options
logfile = $DIR/pgbouncer.log
pidfile = $DIR/pgbouncer.pid
EOF
}

wait_pgbouncer() {
    i=0
    while [ $i -lt 100 ]; do
        if "$1/psql" -X -q -h 127.0.0.1 -p "$2" -U postgres -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
            return 0
        fi
        [ -f "$DIR/pgbouncer.pid" ] || [ $i -lt 20 ] || return 1
        i=$((i + 1))
        sleep 0.1
    done
    return 1
}

[ $# -ge 2 ] || usage
ACTION=$1
DIR=$2
shift 2
[ -n "$DIR" ] && [ "$DIR" != / ] || die "refusing DIR '$DIR'"
RUN_USER=${PG_TEST_USER:-postgres}
case "$DIR" in /*) ;; *) DIR="$(pwd)/$DIR" ;; esac

case "$ACTION" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_restart "${1:-0}" "${2:-immediate}" ;;
    pgbouncer) cmd_pgbouncer ;;
    url) cmd_url ;;
    *) usage ;;
esac
