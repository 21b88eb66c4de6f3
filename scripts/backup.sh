#!/usr/bin/env bash
# Back up the portal: the database (pg_dump, custom format) and the private file storage (agency and case
# documents, exports, extracts) when it is a local folder. Usage: scripts/backup.sh BACKUP_DIR
#
# Needs DATABASE_URL (as the portal uses it) and, for local storage, PRIVATE_STORAGE_ROOT (default var/private).
# With S3-compatible storage, copy the bucket with the provider's tools instead (e.g. `aws s3 sync`); the
# database dump is the same. Take both at the same time; a dump is consistent on its own (one snapshot).
set -euo pipefail
target=${1:?usage: scripts/backup.sh BACKUP_DIR}
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database}"
pg_dump=${PG_DUMP:-$(command -v pg_dump || ls /usr/lib/postgresql/*/bin/pg_dump 2>/dev/null | sort -V | tail -n 1)}
storage=${PRIVATE_STORAGE_ROOT:-$(dirname "$0")/../var/private}

mkdir -p "$target"
"$pg_dump" --format=custom --no-owner --file="$target/portal.dump" "$DATABASE_URL"
if [ -d "$storage" ]; then
  tar -C "$storage" -czf "$target/private-storage.tar.gz" .
fi
( cd "$target" && sha256sum portal.dump private-storage.tar.gz 2>/dev/null > SHA256SUMS || sha256sum portal.dump > SHA256SUMS )
echo "Backed up to $target: $(ls "$target" | tr '\n' ' ')"
