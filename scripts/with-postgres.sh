#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server, then remove the server.
#
#   scripts/with-postgres.sh CMD [ARG...]
#
# Installs PostgreSQL from Debian's packages when it is missing (needs root), starts a new
# cluster in a temporary folder owned by an unprivileged user, listening on 127.0.0.1 only
# on a free port, creates a database and runs CMD with TEST_DATABASE_URL pointing at it
# (postgresql+psycopg://…). The cluster is stopped and its folder deleted however CMD ends;
# the script exits with CMD's status.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 CMD [ARG...]" >&2
    exit 2
fi

log() { echo "with-postgres: $*" >&2; }

find_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

PG_BIN="${PG_BIN:-$(find_bin)}"
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        log "PostgreSQL is not installed; run as root to install it, or: apt-get install postgresql"
        exit 1
    fi
    log "installing PostgreSQL from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq </dev/null >/dev/null
    apt-get install -y -qq --no-install-recommends postgresql </dev/null >/dev/null
    PG_BIN="$(find_bin)"
fi

# PostgreSQL refuses to run as root: the cluster belongs to an unprivileged user.
as_owner() { "$@"; }
OWNER="$(id -un)"
if [ "$(id -u)" -eq 0 ]; then
    OWNER=kokeilu-test
    if ! getent passwd "$OWNER" >/dev/null; then
        useradd --system --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$OWNER" 2>/dev/null || OWNER=nobody
    fi
    as_owner() { runuser -u "$OWNER" -- "$@"; }
fi

# In /tmp, not $TMPDIR: the cluster's owner must be able to reach the folder.
WORK="$(mktemp -d /tmp/kokeilu-pg.XXXXXX)"
chmod 700 "$WORK"
[ "$(id -u)" -eq 0 ] && chown "$OWNER" "$WORK"
DATA="$WORK/data"
STARTED=0

cleanup() {
    if [ "$STARTED" -eq 1 ]; then
        as_owner "$PG_BIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PASSWORD="$(tr -dc 'a-zA-Z0-9' </dev/urandom | head -c 32 || true)"
printf '%s\n' "$PASSWORD" >"$WORK/pwfile"
[ "$(id -u)" -eq 0 ] && chown "$OWNER" "$WORK/pwfile"
as_owner "$PG_BIN/initdb" -D "$DATA" -U postgres --pwfile="$WORK/pwfile" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
    >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log" >&2; exit 1; }
rm -f "$WORK/pwfile"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A throwaway cluster: durability is not needed, speed is.
for attempt in 1 2 3; do
    PORT="$(free_port)"
    if as_owner "$PG_BIN/pg_ctl" -D "$DATA" -l "$WORK/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $WORK -c fsync=off \
            -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null; then
        STARTED=1
        break
    fi
    log "start on port $PORT failed (attempt $attempt)"
    sed -n '$p' "$WORK/server.log" >&2 || true
done
[ "$STARTED" -eq 1 ] || { log "could not start PostgreSQL"; exit 1; }

export PGPASSWORD="$PASSWORD"
"$PG_BIN/psql" -q -X -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE kokeilu_test" >/dev/null
unset PGPASSWORD

export TEST_DATABASE_URL="postgresql+psycopg://postgres:$PASSWORD@127.0.0.1:$PORT/kokeilu_test"
log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"
set +e
"$@"
STATUS=$?
set -e
exit "$STATUS"
