#!/usr/bin/env bash
# make test-dates: the suite again on other days, every process on a moved clock (Debian's faketime): PostgreSQL,
# pytest and the Celery workers it starts. The browser journeys are left out (Chromium keeps the real clock).
#
#   scripts/test-dates.sh                      a year ahead and each calendar edge below
#   TEST_DATES="+400d" scripts/test-dates.sh   one clock: faketime's +Nd (relative) or @YYYY-MM-DD HH:MM:SS (UTC)
#
# Each run gets its own throwaway PostgreSQL and Redis (ports beside make test's), so runs do not share state.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v faketime >/dev/null || { echo "faketime not found; run: make system-packages" >&2; exit 1; }

default_dates=(
  "+400d"                   # a year and a month ahead of today
  "@2028-02-29 20:00:00"    # 29 February (noon in California)
  "@2027-03-14 09:30:00"    # 01:30 Pacific on the night the clocks go forward: a 23-hour day
  "@2027-11-07 08:30:00"    # 01:30 Pacific daylight time, the hour that happens twice when the clocks go back
  "@2027-01-01 00:30:00"    # 31 December 16:30 Pacific: already the next year in UTC
)
if [ -n "${TEST_DATES:-}" ]; then IFS='|' read -r -a dates <<<"$TEST_DATES"; else dates=("${default_dates[@]}"); fi

status=0
for spec in "${dates[@]}"; do
  moment=$(TZ=UTC faketime -f "$spec" date +%s)
  echo "== the suite with the clock at ${spec}: $(TZ=America/Los_Angeles date -d "@$moment" '+%a %Y-%m-%d %H:%M %Z') in California"
  TZ=UTC FAKETIME_DONT_RESET=1 SERVICES_DIR=/tmp/agency-portal-dates TEST_PG_PORT=54339 TEST_REDIS_PORT=63809 \
    SERVICES_REPLICA=1 SERVICES_S3=1 faketime -f "$spec" scripts/services.sh run -- .venv/bin/pytest -m "not browser" -q -p no:cacheprovider \
    ${PYTEST_ARGS:-} || status=1
done
exit $status
