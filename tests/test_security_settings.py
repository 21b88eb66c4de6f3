"""Production settings pass Django's deployment check, and every response carries the security headers."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from .factories import agency_with_manager, sign_in

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "portal.example.org",
    "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
}


def test_check_deploy_passes_with_no_warnings_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={**os.environ, **PRODUCTION}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.django_db
def test_production_serves_pages_with_the_static_files_collected_as_the_image_does(tmp_path):
    """collectstatic under production settings (as the Dockerfile runs it) writes the manifest that the hashed
    static names of every page come from; without it every page would be a server error."""
    from django.db import connection

    db = connection.settings_dict
    env = {**os.environ, **PRODUCTION, "STATIC_ROOT": str(tmp_path / "static"),
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}  # fmt: skip
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=120)  # fmt: skip
    page = subprocess.run(
        [sys.executable, "-c", "import django, os; django.setup(); from django.test import Client; "
         "r = Client().get('/find-local-help/', HTTP_HOST='portal.example.org', secure=True); "
         "print(r.status_code, 'portal.' in r.content.decode() and '.css' in r.content.decode())"],
        cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"}, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert page.stdout.split()[-2:] == ["200", "True"], page.stdout + page.stderr


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy_without_inline_scripts(client):
    _, manager = agency_with_manager()
    sign_in(client, manager.user)
    for url in ["/accounts/login/", "/agency/", "/admin/login/"]:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, url
        assert "frame-ancestors 'none'" in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_every_form_carries_a_csrf_token(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"login": "a@example.com", "password": "x"})
    assert response.status_code == 403
    page = client.get("/accounts/login/").content.decode()
    assert page.count("<form") == page.count('name="csrfmiddlewaretoken"')


def test_production_cookies_are_secure_httponly_and_same_site():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_NAME)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "Lax", "True", "True", "True", "__Host-sessionid"]


def test_an_unreachable_database_gets_a_clean_503_with_retry_after():
    """PostgreSQL away (a restart): a real connection to a port where nothing listens. The person gets a short
    page saying to try again, not a server error, and no secret or trace."""
    env = {**os.environ, **PRODUCTION, "DATABASE_URL": "postgres://portal@127.0.0.1:9/portal", "DB_CONN_MAX_AGE": "0",
           "REDIS_URL": ""}  # no shared cache that could answer the page's database reads  # fmt: skip
    page = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.test import Client; "
         "r = Client(raise_request_exception=False).get('/help/', HTTP_HOST='portal.example.org', secure=True); "
         "print(r.status_code, r.get('Retry-After'), 'try again' in r.content.decode(), 'Traceback' in r.content.decode())"],
        cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert page.stdout.split()[-4:] == ["503", "30", "True", "False"], page.stdout + page.stderr


def test_a_session_interrupted_by_the_database_restarting_is_a_503_not_a_400(rf):
    """Django reports a session that could not be saved as "session interrupted" (400); when PostgreSQL was
    the cause (a restart), the person gets the same 503 as every other request in that moment."""
    from django.contrib.sessions.exceptions import SessionInterrupted
    from django.db import OperationalError

    from portal.views import bad_request

    def interrupted(cause):
        try:
            try:
                raise cause
            except Exception as error:
                raise SessionInterrupted("The request's session was deleted before the request completed.") from error
        except SessionInterrupted as interruption:
            return interruption

    away = bad_request(rf.get("/book/"), interrupted(OperationalError("the database system is shutting down")))
    assert away.status_code == 503 and away["Retry-After"] == "30"
    assert bad_request(rf.get("/book/"), interrupted(ValueError("logged out elsewhere"))).status_code == 400
