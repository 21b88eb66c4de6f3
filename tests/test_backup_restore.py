"""Backups: scripts/backup.sh and scripts/restore.sh bring back every row and every stored file. The backup is
taken as the portal's own role (it reads every table); the restore is made by the tables' owner, into a database
it creates, and keeps the portal role's grants."""

import hashlib
import io
import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command

from bookofbusiness.models import Extract

from .database_roles import OWNER, PORTAL, url

ROOT = Path(settings.BASE_DIR)
pytestmark = pytest.mark.django_db(transaction=True)


def row_counts(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url) as conn:
        tables = [row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608


def test_a_backup_restores_into_a_fresh_database_with_every_row_and_file(tmp_path):
    call_command("seed_demo", agencies=3, agents=12, consumers=150, seed=9, stdout=io.StringIO())
    call_command("run_weekly_extracts", stdout=io.StringIO())
    storage = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    original = row_counts(url(PORTAL))
    assert original["consumers_consumercase"] == 150 and original["bookofbusiness_extract"] > 0
    assert original["portal_auditevent"] > 0

    env = {**os.environ, "PRIVATE_STORAGE_ROOT": str(storage), "DATABASE_URL": url(PORTAL)}
    subprocess.run([str(ROOT / "scripts" / "backup.sh"), str(tmp_path / "backup")], env=env, check=True,
                   capture_output=True)  # fmt: skip
    fresh = f"restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url(OWNER, "postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        restored_storage = tmp_path / "restored-storage"
        env.update(PRIVATE_STORAGE_ROOT=str(restored_storage), DATABASE_URL=url(OWNER, fresh))
        subprocess.run([str(ROOT / "scripts" / "restore.sh"), str(tmp_path / "backup")], env=env, check=True,
                       capture_output=True)  # fmt: skip
        assert row_counts(url(PORTAL, fresh)) == original, "every table has every row, and the portal may read it"
        with psycopg.connect(url(PORTAL, fresh)) as restored_database:
            audit_log = restored_database.execute(
                "SELECT has_table_privilege('portal_auditevent', 'INSERT'), has_table_privilege('portal_auditevent',"
                " 'DELETE'), (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'portal_auditevent'::regclass"
                " AND NOT tgisinternal AND tgenabled = 'O')"
            ).fetchone()
        assert audit_log == (True, False, 3), "the restored audit log is as guarded as the original"
        for extract in Extract.objects.filter(status="published"):
            restored = (restored_storage / extract.file.name).read_bytes()
            assert hashlib.sha256(restored).hexdigest() == extract.sha256, extract.file.name
    finally:
        with psycopg.connect(url(OWNER, "postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')  # waits (5 s at most) for its sessions to end


def test_a_tampered_backup_is_refused(tmp_path):
    backup = tmp_path / "backup"
    env = {**os.environ, "DATABASE_URL": url(PORTAL), "PRIVATE_STORAGE_ROOT": str(tmp_path / "none")}
    subprocess.run([str(ROOT / "scripts" / "backup.sh"), str(backup)], env=env, check=True, capture_output=True)
    with open(backup / "portal.dump", "ab") as dump:
        dump.write(b"tampered")
    env["DATABASE_URL"] = url(OWNER, "postgres")
    result = subprocess.run(
        [str(ROOT / "scripts" / "restore.sh"), str(backup)], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "FAILED" in (result.stdout + result.stderr)
