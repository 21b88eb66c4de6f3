#!/usr/bin/env bash
# make cluster-rehearsal: the portal rehearsed as a cluster on this one machine, with faults under load.
#
# Two web nodes (gunicorn) and two worker nodes (Celery), each in a network namespace of its own with its own
# address on a bridge (br-portal: the host 10.77.0.1, portal-web1 .11, portal-web2 .12, portal-worker1 .21,
# portal-worker2 .22); HAProxy on the host in front of the web nodes (127.0.0.1:8890, scripts/cluster-haproxy.cfg);
# PostgreSQL primary and a streaming replica, Redis (append-only file, as docker-compose's) and moto's S3 server,
# all on the host, listening on the bridge. The load test's people (scripts/locustfile.py) work throughout while:
#
#   1. web1 is killed (SIGKILL of every process of its namespace) and brought back 20 s later;
#   2. Redis is restarted;
#   3. the replica is stopped (pg_ctl -m fast) and started again 30 s later;
#   4. the week's extracts are started (the beat's task, bookofbusiness.tasks.run_weekly_extracts), and worker1 is
#      killed in the middle of them and brought back; what it held comes back with the hourly catch-up the beat runs
#      on Monday mornings (run here at once).
#
# Then `manage.py cluster_report` reads the records (var/cluster-rehearsal/) and the database and the bucket, and
# writes "Cluster rehearsal (make cluster-rehearsal)" in BENCHMARKS.md. Needs root (ip netns; PostgreSQL runs as
# the postgres user). Everything it made (namespaces, bridge, processes, /tmp/agency-portal-cluster) goes on exit,
# and at the start, in case a run before died.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
BIN=$root/.venv/bin
[ "$(id -u)" = 0 ] || { echo "make cluster-rehearsal needs root (network namespaces)" >&2; exit 1; }
for tool in haproxy redis-server curl ip; do
  command -v "$tool" >/dev/null || { echo "$tool not found; run: make system-packages" >&2; exit 1; }
done
[ -x "$BIN/locust" ] || { echo "locust not installed: run make cluster-rehearsal (it syncs --extra load)" >&2; exit 1; }
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pg_bin/initdb" ] || { echo "PostgreSQL server binaries not found; run: make system-packages" >&2; exit 1; }

DIR=${CLUSTER_DIR:-/tmp/agency-portal-cluster}
PG_PORT=54391
REPLICA_PORT=54392
REDIS_PORT=63891
S3_PORT=63892
LB=http://127.0.0.1:8890
STATS=http://127.0.0.1:8891/stats
BRIDGE=br-portal
HOST_IP=10.77.0.1
declare -A NODE_IP=([web1]=10.77.0.11 [web2]=10.77.0.12 [worker1]=10.77.0.21 [worker2]=10.77.0.22)
NODES="web1 web2 worker1 worker2"
USERS=${CLUSTER_USERS:-20}
WEB_WORKERS=${CLUSTER_WEB_WORKERS:-2}
WORKER_CONCURRENCY=${CLUSTER_WORKER_CONCURRENCY:-2}
DEMO=${CLUSTER_DEMO:-"--agencies 12 --agents 300 --consumers 10000 --largest-agency-agents 120 --largest-agency-cases 6500 --seed 2026"}
out=$root/var/cluster-rehearsal

as_postgres() { runuser -u postgres -- "$@"; }
now() { date +%s.%N; }
event() { printf '%s %s\n' "$(now)" "$*" >>"$out/events.txt"; echo "$(date +%T) $*"; }
psql_owner() { "$pg_bin/psql" "postgres://portal@127.0.0.1:$PG_PORT/portal" -qAt "$@"; }
redis() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }
# What the replica has answered so far (transactions, rows read), to see the router send reads there.
replica_reads() {
  "$pg_bin/psql" "postgres://portal@127.0.0.1:$REPLICA_PORT/portal" -qAt -F ' ' -c \
    "SELECT 'replica_xacts=' || (xact_commit + xact_rollback), 'replica_rows=' || (tup_returned + tup_fetched)
     FROM pg_stat_database WHERE datname = 'portal'" 2>/dev/null || echo "replica_xacts=? replica_rows=?"
}

# -- cleaning up: only what this script started (pid files in $DIR, the namespaces' own processes) ---------------

kill_node() {
  local pids
  pids=$(ip netns pids "portal-$1" 2>/dev/null || true)
  [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
  for _ in $(seq 50); do
    [ -z "$(ip netns pids "portal-$1" 2>/dev/null || true)" ] && return 0
    sleep 0.1
  done
}

stop_pidfile() {
  [ -f "$1" ] || return 0
  local pid
  pid=$(cat "$1")
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$1"
}

cleanup() {
  set +e
  for pidfile in locust probe balancer haproxy s3; do stop_pidfile "$DIR/$pidfile.pid"; done
  for node in $NODES; do
    ip netns list 2>/dev/null | grep -qw "portal-$node" && kill_node "$node"
    ip link del "veth-$node" 2>/dev/null
    ip netns del "portal-$node" 2>/dev/null
  done
  ip link del "$BRIDGE" 2>/dev/null
  for cluster in replica pg; do
    [ -f "$DIR/$cluster/postmaster.pid" ] && as_postgres "$pg_bin/pg_ctl" -D "$DIR/$cluster" -m immediate -w stop >/dev/null 2>&1
  done
  if [ -f "$DIR/redis.pid" ]; then
    redis shutdown nosave >/dev/null 2>&1 || kill "$(cat "$DIR/redis.pid")" 2>/dev/null
  fi
  [ -d "$out" ] && cp "$DIR"/postgres.log "$DIR"/replica.log "$out"/ 2>/dev/null  # PostgreSQL's, written as postgres
  rm -rf "$DIR"
  set -e
}

cleanup
trap cleanup EXIT
mkdir -p "$DIR" "$out"
chmod 755 "$DIR"
chown postgres "$DIR"
rm -f "$out"/*.csv "$out"/*.log "$out"/*.txt "$out"/*.json

# -- the network: a bridge on the host, one namespace per node ---------------------------------------------------

ip link add "$BRIDGE" type bridge
ip addr add "$HOST_IP/24" dev "$BRIDGE"
ip link set "$BRIDGE" up
for node in $NODES; do
  ip netns add "portal-$node"
  ip link add "veth-$node" type veth peer name eth0 netns "portal-$node"
  ip link set "veth-$node" master "$BRIDGE" up
  ip -n "portal-$node" addr add "${NODE_IP[$node]}/24" dev eth0
  ip -n "portal-$node" link set eth0 up
  ip -n "portal-$node" link set lo up
  ip -n "portal-$node" route add default via "$HOST_IP"
done
event network.up

# -- the services, on the host's loopback and its bridge address ---------------------------------------------------

listen="-c listen_addresses=127.0.0.1,$HOST_IP -c max_connections=200 -c shared_buffers=256MB -c fsync=off -c full_page_writes=off"
as_postgres "$pg_bin/initdb" -D "$DIR/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$out/initdb.log" 2>&1
echo "host all all 10.77.0.0/24 trust" >>"$DIR/pg/pg_hba.conf"
as_postgres "$pg_bin/pg_ctl" -D "$DIR/pg" -l "$DIR/postgres.log" -w -t 120 -o "-p $PG_PORT -k $DIR $listen" start >/dev/null
"$pg_bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt >/dev/null <<'SQL'
CREATE ROLE portal LOGIN CREATEDB;
CREATE ROLE portal_app LOGIN;
CREATE DATABASE portal OWNER portal;
SQL

start_replica() {
  as_postgres "$pg_bin/pg_ctl" -D "$DIR/replica" -l "$DIR/replica.log" -w -t 120 \
    -o "-p $REPLICA_PORT -k $DIR $listen -c hot_standby=on" start >/dev/null
}
# A hot standby streaming from the primary (the primary's pg_hba.conf came with the base backup).
as_postgres "$pg_bin/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U postgres -D "$DIR/replica" -R -X stream -c fast \
  >"$out/basebackup.log" 2>&1
start_replica

start_redis() {
  mkdir -p "$DIR/redis"
  redis-server --bind "127.0.0.1 $HOST_IP" --port "$REDIS_PORT" --protected-mode no --save '' \
    --appendonly yes --appendfsync everysec --dir "$DIR/redis" --daemonize yes --pidfile "$DIR/redis.pid" \
    --logfile "$out/redis.log"
  for _ in $(seq 100); do redis ping >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "Redis did not start; see $out/redis.log" >&2
  exit 1
}
start_redis

"$BIN/moto_server" -H "$HOST_IP" -p "$S3_PORT" >"$out/s3.log" 2>&1 &
echo $! >"$DIR/s3.pid"
for _ in $(seq 100); do curl -s -o /dev/null "http://$HOST_IP:$S3_PORT/" && break; sleep 0.1; done
event services.up

# -- the portal's environment, the same on every node (one SECRET_KEY: a session signed by one node is read by all)

export DEBUG=false TRUSTED_PROXY_COUNT=1 ALLOWED_HOSTS=127.0.0.1,localhost
SECRET_KEY="cluster-$(head -c 24 /dev/urandom | base64)"
export SECRET_KEY
export DATABASE_URL="postgres://portal_app@$HOST_IP:$PG_PORT/portal" DATABASE_APP_ROLE=portal_app
export DATABASE_REPLICA_URL="postgres://portal_app@$HOST_IP:$REPLICA_PORT/portal"
export REDIS_URL="redis://$HOST_IP:$REDIS_PORT/0" DB_CONN_MAX_AGE=60
export AWS_STORAGE_BUCKET_NAME=portal-cluster AWS_S3_ENDPOINT_URL="http://$HOST_IP:$S3_PORT" AWS_S3_ADDRESSING_STYLE=path \
       AWS_ACCESS_KEY_ID=rehearsal AWS_SECRET_ACCESS_KEY=rehearsal AWS_S3_REGION_NAME=us-east-1
export STATIC_ROOT="$DIR/static" EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
# Small batches, so the week is many tasks and the worker's death lands in the middle of them.
export EXTRACT_AGENTS_PER_TASK=${CLUSTER_AGENTS_PER_TASK:-10} EXTRACT_AGENCIES_PER_TASK=1
# What a killed worker machine held comes back from Redis after the visibility timeout (600 s by default; shorter
# here so that the rehearsal waits it out rather than stepping in).
VISIBILITY=${CLUSTER_VISIBILITY_TIMEOUT:-60}
export CELERY_VISIBILITY_TIMEOUT=$VISIBILITY

"$BIN/python" - <<'PY'
import os, boto3
boto3.client("s3", endpoint_url=os.environ["AWS_S3_ENDPOINT_URL"], region_name="us-east-1").create_bucket(
    Bucket=os.environ["AWS_STORAGE_BUCKET_NAME"])
PY
DATABASE_URL="postgres://portal@$HOST_IP:$PG_PORT/portal" "$BIN/python" manage.py migrate --noinput -v0
seed_started=$(now)
# shellcheck disable=SC2086
"$BIN/python" manage.py seed_demo $DEMO >"$out/seed.log"
event "seeded in $(awk -v a="$seed_started" -v b="$(now)" 'BEGIN {printf "%.0f", b - a}') s"
LOADTEST_ALLOWED=1 "$BIN/python" manage.py loadtest_prepare "$out/people.json"
"$BIN/python" manage.py collectstatic --noinput -v0 >/dev/null

# -- the nodes ----------------------------------------------------------------------------------------------------

start_web() {
  ip netns exec "portal-$1" "$BIN/gunicorn" config.wsgi:application -c python:config.gunicorn \
    --bind "${NODE_IP[$1]}:8000" --workers "$WEB_WORKERS" --timeout 60 --access-logfile "$out/$1-access.log" \
    --error-logfile "$out/$1.log" --capture-output --pid "$DIR/$1.pid" --daemon
}
start_worker() {
  ip netns exec "portal-$1" setsid "$BIN/celery" -A config worker --concurrency "$WORKER_CONCURRENCY" -n "$1@cluster" \
    --without-gossip --without-mingle --loglevel INFO >>"$out/$1.log" 2>&1 </dev/null &
  disown
}
node_status() { curl -s "$STATS;csv" | awk -F, -v node="$1" '$1 == "web" && $2 == node {print $18}'; }
wait_up() {
  for _ in $(seq 600); do [ "$(node_status "$1")" = UP ] && return 0; sleep 0.1; done
  echo "$1 did not come into rotation" >&2
  return 1
}

for node in web1 web2; do start_web "$node"; done
for node in worker1 worker2; do start_worker "$node"; done
setsid haproxy -db -f scripts/cluster-haproxy.cfg </dev/null >"$out/haproxy.log" 2>&1 &
echo $! >"$DIR/haproxy.pid"
wait_up web1
wait_up web2
event "nodes.up $(replica_reads)"

# The watchers, and the load: people arrive two a second and work until the end.
setsid "$BIN/python" -m tooling.cluster.probe balancer "$STATS" "$out/balancer.csv" </dev/null >"$out/balancer.log" 2>&1 &
echo $! >"$DIR/balancer.pid"
LOADTEST_PEOPLE="$out/people.json" LOADTEST_REQUESTS="$out/requests.csv" CLUSTER_RESPONSES="$out/responses.csv" \
  setsid "$BIN/locust" -f scripts/locustfile.py,tooling/cluster/locust_watch.py --headless --only-summary \
  -u "$USERS" -r 2 -t 40m --host "$LB" --csv "$out/locust" </dev/null >"$out/locust.log" 2>&1 &
echo $! >"$DIR/locust.pid"
event load.started
setsid "$BIN/python" -m tooling.cluster.probe session "$out/people.json" "$LB" "$out/session.csv" </dev/null >"$out/probe.log" 2>&1 &
echo $! >"$DIR/probe.pid"
sleep "${CLUSTER_WARMUP:-40}"

# -- 1. a web node killed and brought back -------------------------------------------------------------------------

event web1.killed
kill_node web1
sleep 20
event web1.started
start_web web1
wait_up web1
event web1.in_rotation
sleep 30

# -- 2. Redis restarted ---------------------------------------------------------------------------------------------

event redis.stopped
redis shutdown >/dev/null 2>&1 || true
for _ in $(seq 100); do [ -f "$DIR/redis.pid" ] || break; sleep 0.05; done
event redis.down
start_redis
event redis.started
sleep 40

# -- 3. the replica stopped and started again ------------------------------------------------------------------------

event "replica.stopped $(replica_reads)"
as_postgres "$pg_bin/pg_ctl" -D "$DIR/replica" -m fast -w stop >/dev/null
sleep 30
primary_lsn=$(psql_owner -c "SELECT pg_current_wal_lsn()")
event replica.started
start_replica
for _ in $(seq 600); do
  caught=$("$pg_bin/psql" "postgres://portal@127.0.0.1:$REPLICA_PORT/portal" -qAt \
    -c "SELECT pg_last_wal_replay_lsn() >= '$primary_lsn'::pg_lsn" 2>/dev/null || true)
  [ "$caught" = t ] && break
  sleep 0.1
done
event "replica.caught_up caught_up=$caught $(replica_reads)"
sleep 30

# -- 4. the week's extracts, a worker node killed in the middle -------------------------------------------------------

# The week the beat's Monday run writes (the portal's day, Pacific time), and how many files it makes: two kinds, two
# formats, for every agent with delegations and every agency.
read -r week expected < <("$BIN/python" manage.py shell -v0 -c "from django.utils import timezone
from bookofbusiness.extracts import owners_for_week, week_of
agents, agencies = owners_for_week()
print(week_of(timezone.localdate()), 4 * (len(agents) + len(agencies)))")
published() { psql_owner -c "SELECT count(*) FROM bookofbusiness_extract WHERE week = '$week' AND status = 'published'"; }
before=$(published)
echo "$week $expected $before" >"$out/week.txt"
event "weekly.started week=$week expected=$expected published_before=$before $(replica_reads)"
"$BIN/celery" -A config call bookofbusiness.tasks.run_weekly_extracts >/dev/null
kill_at=$(( before + (expected - before) / 4 ))
for _ in $(seq 1200); do [ "$(published)" -ge "$kill_at" ] && break; sleep 0.1; done
event "worker1.killed published=$(published)"
kill_node worker1
sleep 5
event "worker1.started unacked=$(redis hlen unacked) queued=$(redis llen celery)"
start_worker worker1
# What the two workers can still do: the queue drains; what worker1 held stays unacknowledged in the broker until
# its visibility timeout, when Redis gives it to a live worker.
stable=0 last=-1
for _ in $(seq 600); do
  count=$(published)
  if [ "$(redis llen celery)" = 0 ] && [ "$count" = "$last" ]; then stable=$((stable + 1)); else stable=0; fi
  [ "$count" -ge "$expected" ] || [ "$stable" -ge 20 ] && break
  last=$count
  sleep 0.5
done
event "weekly.drained published=$(published) unacked=$(redis hlen unacked) visibility=$VISIBILITY"
if [ "$(published)" -lt "$expected" ]; then
  # Waiting out the visibility timeout (and the workers' ten-second sweep of unacknowledged tasks).
  for _ in $(seq $(( (VISIBILITY + 60) * 4 ))); do [ "$(published)" -ge "$expected" ] && break; sleep 0.25; done
  event "weekly.redelivered published=$(published) unacked=$(redis hlen unacked)"
fi
if [ "$(published)" -lt "$expected" ]; then
  # What the beat's weekly-extracts-catch-up does at half past each Monday morning hour: the week again, writing
  # only what is not published.
  event weekly.catch_up
  "$BIN/celery" -A config call bookofbusiness.tasks.run_weekly_extracts >/dev/null
  for _ in $(seq 1200); do [ "$(published)" -ge "$expected" ] && break; sleep 0.25; done
fi
event "weekly.done published=$(published) $(replica_reads)"
sleep 20

# -- the end: load stopped, records closed, the report -------------------------------------------------------------

stop_pidfile "$DIR/probe.pid"
kill -TERM "$(cat "$DIR/locust.pid")" 2>/dev/null || true
for _ in $(seq 100); do kill -0 "$(cat "$DIR/locust.pid")" 2>/dev/null || break; sleep 0.1; done
rm -f "$DIR/locust.pid"
stop_pidfile "$DIR/balancer.pid"
event "load.stopped $(replica_reads)"
redis hlen unacked >"$out/unacked.txt"
"$BIN/python" manage.py cluster_report "$out" --users "$USERS" --web-workers "$WEB_WORKERS" \
  --worker-concurrency "$WORKER_CONCURRENCY"
