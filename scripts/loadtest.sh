#!/usr/bin/env bash
# make loadtest: gunicorn with production settings against the benchmark's PostgreSQL (1,000,000 demo cases,
# built by `make bench` or here), driven by locust at rising numbers of users for a fixed time each.
# The figures go to BENCHMARKS.md (section "Load"); raw CSVs to var/loadtest/.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT=${LOADTEST_PORT:-8808}
WORKERS=${LOADTEST_WORKERS:-4}
USERS=${LOADTEST_USERS:-"5 10 20 30 40 60"}
SECONDS_EACH=${LOADTEST_SECONDS:-60}
out=var/loadtest
mkdir -p "$out"
rm -f "$out"/*.csv

# Migrated as the tables' owner (DATABASE_OWNER_URL, from scripts/services.sh); the rest runs as the portal's role.
DATABASE_URL=${DATABASE_OWNER_URL:-$DATABASE_URL} $BIN/python manage.py migrate --noinput -v0
$BIN/python -c "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','config.settings');django.setup();from consumers.models import ConsumerCase as C;raise SystemExit(0 if C.objects.exists() else 1)" \
  || $BIN/python manage.py seed_demo --agencies 2000 --agents 20000 --consumers 1000000 --seed 2026
LOADTEST_ALLOWED=1 $BIN/python manage.py loadtest_prepare "$out/people.json"

export TRUSTED_PROXY_COUNT=1 DEBUG=false SECRET_KEY="loadtest-$(head -c 24 /dev/urandom | base64)" ALLOWED_HOSTS=127.0.0.1 \
       PRIVATE_STORAGE_ROOT="$out/private" DB_CONN_MAX_AGE=60
$BIN/python manage.py collectstatic --noinput -v0 >/dev/null  # the hashed names production serves
$BIN/gunicorn config.wsgi:application --bind 127.0.0.1:$PORT --workers "$WORKERS" --timeout 60 \
  --access-logfile /dev/null --error-logfile "$out/gunicorn.log" --pid "$out/gunicorn.pid" --daemon
trap 'kill "$(cat "$out/gunicorn.pid")" 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT/help/" && break; sleep 0.2; done

# Warm up first (not measured): each worker's first pages compile templates and PostgreSQL's buffers fill.
LOADTEST_PEOPLE="$out/people.json" $BIN/locust -f scripts/locustfile.py --headless --only-summary -u 10 -r 2 \
  -t "${LOADTEST_WARMUP:-30}s" --host "http://127.0.0.1:$PORT" >"$out/warmup.log" 2>&1 || true

cpu_ticks() { awk '/^cpu / {idle=$5+$6; total=0; for (i=2; i<=NF; i++) total+=$i; print total, idle}' /proc/stat; }
rm -f "$out/cpu.txt"
for users in $USERS; do
  echo "locust: $users users for ${SECONDS_EACH}s"
  read -r total0 idle0 < <(cpu_ticks)
  # People arrive over the first ten seconds, not all in the same instant (each sign-in is an Argon2 hash).
  LOADTEST_PEOPLE="$out/people.json" LOADTEST_REQUESTS="$out/u${users}_requests.csv" $BIN/locust \
    -f scripts/locustfile.py --headless --only-summary -u "$users" -r "$(( (users + 9) / 10 ))" \
    -t "${SECONDS_EACH}s" --host "http://127.0.0.1:$PORT" --csv "$out/u$users" >"$out/u$users.log" 2>&1 || true
  read -r total1 idle1 < <(cpu_ticks)
  echo "$users $(( 100 * ( (total1 - total0) - (idle1 - idle0) ) / (total1 - total0) ))" >>"$out/cpu.txt"
done
# Fault: PostgreSQL restarted under 20 users, 20 s into a 60 s run. Requests during the restart must get a clean
# 503 (Retry-After) and the portal must recover by itself, with no restart of gunicorn.
if [ -n "${TEST_SERVICES_DIR:-}" ] && [ -n "${TEST_PG_BIN:-}" ]; then
  echo "locust: 20 users for 60s, PostgreSQL restarted at 20s"
  LOADTEST_PEOPLE="$out/people.json" $BIN/locust -f scripts/locustfile.py --headless --only-summary \
    -u 20 -r 2 -t 60s --host "http://127.0.0.1:$PORT" --csv "$out/restart" >"$out/restart.log" 2>&1 &
  locust_pid=$!
  sleep 20
  restart_started=$(date +%s%N)
  runuser -u postgres -- "$TEST_PG_BIN/pg_ctl" -D "$TEST_SERVICES_DIR/pg" -m fast -w restart >/dev/null
  restart_seconds=$(( ($(date +%s%N) - restart_started) / 1000000 ))
  restart_seconds=$(printf '%d.%03d' $((restart_seconds / 1000)) $((restart_seconds % 1000)))
  wait "$locust_pid" || true
  after=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT/help/")
  echo "$restart_seconds $after" >"$out/restart.txt"
fi
DEBUG=true $BIN/python manage.py loadtest_report "$out" --workers "$WORKERS" --seconds "$SECONDS_EACH"
