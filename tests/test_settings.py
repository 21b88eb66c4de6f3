"""Settings come from the environment; the defaults need nothing; production refuses unsafe ones."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def settings_in(env: dict[str, str], expression: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; print({expression})",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_defaults_need_nothing_sqlite_in_process_tasks_and_email_to_files(tmp_path):
    result = settings_in(
        {"VAR_DIR": str(tmp_path)},
        "settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, settings.EMAIL_BACKEND, settings.TIME_ZONE",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "django.db.backends.sqlite3 True django.core.mail.backends.filebased.EmailBackend America/Los_Angeles"
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = settings_in({"DEBUG": "false"}, "1")
    assert result.returncode != 0
    assert "Set SECRET_KEY when DEBUG is off." in result.stderr


def test_production_settings_secure_the_cookies():
    result = settings_in(
        {"DEBUG": "false", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "portal.example"},
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS > 0, settings.X_FRAME_OPTIONS",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True True DENY"


def test_the_suite_runs_on_postgresql():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs the Redis that `make test` starts")
def test_cache_and_celery_broker_use_the_real_redis():
    cache.set("portal-test", {"ok": 1}, 5)
    assert cache.get("portal-test") == {"ok": 1}
    assert celery_app.conf.broker_url == os.environ["REDIS_URL"]
    with celery_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=3)
        assert connection.connected
