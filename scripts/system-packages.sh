#!/usr/bin/env bash
# Install the Debian packages the portal needs when they are missing:
# PostgreSQL's server (tests, production), Redis (tests, production), gettext (translations),
# Chromium (the browser tests drive Debian's headless Chromium; no browser is downloaded).
# faketime (CI runs the suite again with the clock a year ahead), wrk (make pagebench: pages at saturation),
# HAProxy (the load balancer in front of gunicorn and daphne: its compose configuration is checked by the suite).
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v psql >/dev/null || missing+=(postgresql-client)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v msgfmt >/dev/null || missing+=(gettext)
[ -x /usr/bin/time ] || missing+=(time)
command -v chromium >/dev/null || missing+=(chromium fonts-dejavu-core)
command -v faketime >/dev/null || missing+=(faketime)
command -v wrk >/dev/null || missing+=(wrk)
command -v haproxy >/dev/null || missing+=(haproxy)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]} ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
