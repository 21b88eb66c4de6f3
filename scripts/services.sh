#!/usr/bin/env bash
# A throwaway PostgreSQL and Redis on loopback, from the machine's own server binaries.
#
#   scripts/services.sh start        start both, print the environment to use them
#   scripts/services.sh stop         stop both and delete their data
#   scripts/services.sh run -- CMD   start, run CMD with DATABASE_URL and REDIS_URL set, stop
#
# PostgreSQL has the roles docker-compose's has: a superuser (postgres) for the cluster only; `portal`, which owns
# the database and its tables (DATABASE_OWNER_URL: `migrate` runs as it; CREATEDB, as pytest-django makes its test
# database as it); `portal_app`, what the portal connects as (DATABASE_URL), owning nothing, superuser of nothing,
# granted by `migrate` what the portal needs (DATABASE_APP_ROLE; portal/database_grants.py).
#
# With SERVICES_REPLICA=1 PostgreSQL also has a streaming replica (pg_basebackup + a hot standby on the next port,
# DATABASE_REPLICA_URL); with SERVICES_S3=1 an S3-compatible server (moto's server mode, from the lock) listens on
# TEST_S3_PORT (TEST_S3_ENDPOINT_URL). `make test` asks for both.
#
# With KEEP_DATA=1 (the benchmark's) the cluster in SERVICES_DIR is kept between runs and reused,
# and runs with PostgreSQL's normal durability.
#
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
key=$(printf '%s' "$root" | md5sum | cut -c1-8)
dir=${SERVICES_DIR:-/tmp/agency-portal-services-$key}
pg_port=${TEST_PG_PORT:-54329}
redis_port=${TEST_REDIS_PORT:-63799}
replica_port=${TEST_PG_REPLICA_PORT:-$((pg_port + 1))}
s3_port=${TEST_S3_PORT:-$((redis_port + 1))}

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  echo "PostgreSQL server binaries not found; run: make system-packages" >&2
  exit 1
fi
command -v redis-server >/dev/null || { echo "redis-server not found; run: make system-packages" >&2; exit 1; }

# redis-server and redis-cli hang under libfaketime (scripts/test-dates.sh): they keep the real clock.
redis_real_clock() { env -u LD_PRELOAD -u FAKETIME "$@"; }

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

database_url="postgres://portal_app@127.0.0.1:$pg_port/portal"
owner_url="postgres://portal@127.0.0.1:$pg_port/portal"
redis_url="redis://127.0.0.1:$redis_port/0"
replica_url="postgres://portal_app@127.0.0.1:$replica_port/portal"
s3_url="http://127.0.0.1:$s3_port"

stop() {
  if [ -f "$dir/s3.pid" ]; then
    kill "$(cat "$dir/s3.pid")" 2>/dev/null || true
    rm -f "$dir/s3.pid"
  fi
  if [ -f "$dir/replica/postmaster.pid" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$dir/replica" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ -f "$dir/pg/postmaster.pid" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$dir/pg" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ -f "$dir/redis.pid" ]; then
    redis_real_clock redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
  fi
  [ "${KEEP_DATA:-}" = 1 ] || rm -rf "$dir"
}

# The owner, the portal's role and the database, made once; a cluster kept (KEEP_DATA=1) from before there were
# roles has `portal` as its superuser, and gets `portal_app` on its next start.
roles() {
  local superuser=postgres
  psql_as() { "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U "$1" -d postgres -v ON_ERROR_STOP=1 -qAt "${@:2}"; }
  psql_as postgres -c '' 2>/dev/null || superuser=portal
  psql_as "$superuser" >/dev/null <<'SQL'
SELECT 'CREATE ROLE portal LOGIN CREATEDB' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portal') \gexec
SELECT 'CREATE ROLE portal_app LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portal_app') \gexec
SELECT 'CREATE DATABASE portal OWNER portal' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'portal') \gexec
SQL
}

start() {
  stop
  mkdir -p "$dir"
  chmod 755 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  if [ ! -f "$dir/pg/PG_VERSION" ]; then
    as_postgres "$pg_bin/initdb" -D "$dir/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  # Durability is pointless for a throwaway cluster; turning it off makes the suite faster.
  durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${KEEP_DATA:-}" = 1 ] && durability=""
  # The benchmark's 1,000,000 cases (1.2 GB) fit in shared buffers of 1.5 GB, as on a production server.
  shared_buffers=${TEST_PG_SHARED_BUFFERS:-256MB}
  as_postgres "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/pg/server.log" -w -t 120 \
    -o "-p $pg_port -k $dir -c listen_addresses=127.0.0.1 $durability -c max_connections=200 -c shared_buffers=$shared_buffers" \
    start >/dev/null
  roles
  [ "${SERVICES_REPLICA:-}" = 1 ] && replica "$durability"
  [ "${SERVICES_S3:-}" = 1 ] && object_store
  # Under faketime PostgreSQL shares the moved clock; Redis holds only the suite's cache and broker.
  redis_real_clock redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir"
  for _ in $(seq 50); do
    redis_real_clock redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "export DATABASE_URL=$database_url DATABASE_OWNER_URL=$owner_url DATABASE_APP_ROLE=portal_app"
  echo "export REDIS_URL=$redis_url"
  echo "export TEST_PG_BIN=$pg_bin TEST_SERVICES_DIR=$dir"
  [ "${SERVICES_REPLICA:-}" = 1 ] && echo "export DATABASE_REPLICA_URL=$replica_url TEST_PG_REPLICA_PORT=$replica_port"
  [ "${SERVICES_S3:-}" = 1 ] && echo "export TEST_S3_ENDPOINT_URL=$s3_url"
  return 0
}

# A hot standby streaming from the primary: a base backup of it (-R writes the standby's connection and signal
# file), started on its own port. Its roles and databases are the primary's, replicated.
replica() {
  rm -rf "$dir/replica"
  as_postgres "$pg_bin/pg_basebackup" -h 127.0.0.1 -p "$pg_port" -U postgres -D "$dir/replica" -R -X stream -c fast \
    >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; exit 1; }
  # Its settings in its own configuration, so that `pg_ctl start` alone brings it back (the replica tests stop it).
  {
    echo "port = $replica_port"
    echo "unix_socket_directories = '$dir'"
    echo "listen_addresses = '127.0.0.1'"
    echo "max_connections = 200"
    echo "hot_standby = on"
    echo "hot_standby_feedback = on"  # the primary keeps the rows a replica query still reads
    for setting in $1; do [ "$setting" = -c ] || echo "${setting%%=*} = ${setting#*=}"; done
  } | as_postgres tee -a "$dir/replica/postgresql.conf" >/dev/null
  as_postgres "$pg_bin/pg_ctl" -D "$dir/replica" -l "$dir/replica/server.log" -w -t 120 start >/dev/null
}

# moto's S3, in memory, for the suite's buckets; it keeps nothing when it stops.
object_store() {
  "$root/.venv/bin/moto_server" -H 127.0.0.1 -p "$s3_port" >"$dir/s3.log" 2>&1 &
  echo $! >"$dir/s3.pid"
  for _ in $(seq 100); do
    curl -s -o /dev/null "$s3_url/" && return 0
    sleep 0.1
  done
  echo "the S3-compatible server did not start; see $dir/s3.log" >&2
  exit 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  run)
    shift
    [ "${1:-}" = "--" ] && shift
    start >/dev/null
    trap stop EXIT
    export DATABASE_URL=$database_url DATABASE_OWNER_URL=$owner_url DATABASE_APP_ROLE=portal_app REDIS_URL=$redis_url TEST_PG_BIN=$pg_bin TEST_SERVICES_DIR=$dir
    if [ "${SERVICES_REPLICA:-}" = 1 ]; then export DATABASE_REPLICA_URL=$replica_url TEST_PG_REPLICA_PORT=$replica_port; fi
    if [ "${SERVICES_S3:-}" = 1 ]; then export TEST_S3_ENDPOINT_URL=$s3_url; fi
    "$@"
    ;;
  *) echo "usage: $0 start|stop|run -- COMMAND" >&2; exit 2 ;;
esac
