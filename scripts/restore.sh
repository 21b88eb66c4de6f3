#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an empty database and storage folder.
# Usage: scripts/restore.sh BACKUP_DIR   (DATABASE_URL and PRIVATE_STORAGE_ROOT name where to restore)
# DATABASE_URL connects as the role that is to own the tables (the owner `migrate` runs as, not the portal's role);
# the dump carries the portal role's grants (on the audit log only SELECT and INSERT), so that role must exist.
set -euo pipefail
source=${1:?usage: scripts/restore.sh BACKUP_DIR}
: "${DATABASE_URL:?DATABASE_URL must name the (empty) PostgreSQL database to restore into}"
pg_restore=${PG_RESTORE:-$(command -v pg_restore || ls /usr/lib/postgresql/*/bin/pg_restore 2>/dev/null | sort -V | tail -n 1)}
storage=${PRIVATE_STORAGE_ROOT:-$(dirname "$0")/../var/private}

( cd "$source" && sha256sum --check --quiet SHA256SUMS )
"$pg_restore" --no-owner --exit-on-error --dbname="$DATABASE_URL" "$source/portal.dump"
if [ -f "$source/private-storage.tar.gz" ]; then
  mkdir -p "$storage"
  tar -C "$storage" -xzf "$source/private-storage.tar.gz"
fi
echo "Restored $source"
