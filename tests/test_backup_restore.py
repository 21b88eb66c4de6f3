"""Backups: scripts/backup.sh and scripts/restore.sh bring back every row and every stored file."""

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
from django.db import connection

from bookofbusiness.models import Extract

ROOT = Path(settings.BASE_DIR)
pytestmark = pytest.mark.django_db(transaction=True)


def url(name: str) -> str:
    db = connection.settings_dict
    return f"postgresql://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{name}"


def row_counts(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url) as conn:
        tables = [row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608


def test_a_backup_restores_into_a_fresh_database_with_every_row_and_file(tmp_path):
    call_command("seed_demo", agencies=3, agents=12, consumers=150, seed=9, stdout=io.StringIO())
    call_command("run_weekly_extracts", stdout=io.StringIO())
    storage = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    original = row_counts(url(connection.settings_dict["NAME"]))
    assert original["consumers_consumercase"] == 150 and original["bookofbusiness_extract"] > 0
    assert original["portal_auditevent"] > 0

    env = {**os.environ, "PRIVATE_STORAGE_ROOT": str(storage), "DATABASE_URL": url(connection.settings_dict["NAME"])}
    subprocess.run([str(ROOT / "scripts" / "backup.sh"), str(tmp_path / "backup")], env=env, check=True,
                   capture_output=True)  # fmt: skip
    fresh = f"restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        restored_storage = tmp_path / "restored-storage"
        env.update(PRIVATE_STORAGE_ROOT=str(restored_storage), DATABASE_URL=url(fresh))
        subprocess.run([str(ROOT / "scripts" / "restore.sh"), str(tmp_path / "backup")], env=env, check=True,
                       capture_output=True)  # fmt: skip
        assert row_counts(url(fresh)) == original, "every table has every row"
        for extract in Extract.objects.filter(status="published"):
            restored = (restored_storage / extract.file.name).read_bytes()
            assert hashlib.sha256(restored).hexdigest() == extract.sha256, extract.file.name
    finally:
        with psycopg.connect(url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


def test_a_tampered_backup_is_refused(tmp_path):
    backup = tmp_path / "backup"
    env = {**os.environ, "DATABASE_URL": url(connection.settings_dict["NAME"]),
           "PRIVATE_STORAGE_ROOT": str(tmp_path / "none")}  # fmt: skip
    subprocess.run([str(ROOT / "scripts" / "backup.sh"), str(backup)], env=env, check=True, capture_output=True)
    with open(backup / "portal.dump", "ab") as dump:
        dump.write(b"tampered")
    env["DATABASE_URL"] = url("postgres")
    result = subprocess.run(
        [str(ROOT / "scripts" / "restore.sh"), str(backup)], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "FAILED" in (result.stdout + result.stderr)
