#!/usr/bin/env bash
# docker-compose's PostgreSQL, on its first start (an empty volume; the image runs /docker-entrypoint-initdb.d as
# the superuser): the portal's two roles, and the one a replica streams the WAL as.
#
#   portal      owns the database and so its tables; only the one-off `migrate` connects as it
#   portal_app  what web, worker and beat connect as: no superuser, owns nothing, so it cannot alter a table or
#               disable a trigger; `migrate` grants it what the portal needs (portal/database_grants.py)
#   replicator  replication only (the "replica" profile's pg_basebackup and streaming); reads no table
#
# The superuser (POSTGRES_USER) is for the database server only; the portal never connects as it.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v database="$POSTGRES_DB" -v owner_password="$DB_OWNER_PASSWORD" -v app_password="$DB_APP_PASSWORD" \
  -v replication_password="$DB_REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE portal LOGIN PASSWORD :'owner_password';
CREATE ROLE portal_app LOGIN PASSWORD :'app_password';
CREATE ROLE replicator LOGIN REPLICATION PASSWORD :'replication_password';
ALTER DATABASE :"database" OWNER TO portal;
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"database" TO portal_app;
SQL
# The replica (docker-compose's "replica" profile) streams the WAL as `replicator`, with its password.
echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"
