import datetime
import os
import zoneinfo

import pytest
import time_machine

from . import database_roles

# Every test runs on a clock it controls: the moment the suite started (CI also starts the whole suite a year
# ahead and on calendar edges under faketime) or the moment a test names with @pytest.mark.frozen_at(...).
# The clock ticks from there, so timeouts still pass, but a test never sees the real date change under it,
# and a page it requests reads the same clock as the test.
SUITE_STARTED = datetime.datetime.now(tz=datetime.UTC)

# Fixtures several test files share (`world`: an agency with a listed agent; `book`: an agency's Book of Business;
# `held_password_checks`: requests at once that overlap in their password checks).
# A file's own fixture of the same name wins over these.
pytest_plugins = [
    "tests.cases_support",
    "tests.book_support",
    "tests.concurrency_support",
    "tests.consumer_support",
    "tests.chat_support",
    "tests.s3_support",
    "tests.replica_support",
]


def pytest_sessionstart(session):
    from django.conf import settings

    # Parallel workers share the test Redis: each keeps its cache keys under a prefix of its own.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        settings.CACHES["default"]["KEY_PREFIX"] = worker
        if "CONFIG" in settings.CHANNEL_LAYERS["default"]:  # Online Chat's groups, on the same Redis
            settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"asgi-{worker}"
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql" and not os.environ.get("ALLOW_SQLITE_TESTS"):
        pytest.exit(
            "The suite runs on PostgreSQL: use `make test`, or set DATABASE_URL to a PostgreSQL database.",
            returncode=2,
        )
    if engine == "django.db.backends.postgresql" and not os.environ.get(database_roles.OWNER):
        pytest.exit(
            "The suite runs as the portal does, on two roles: use `make test`, or set DATABASE_URL to the portal's "
            "role (owning nothing) and DATABASE_OWNER_URL to the tables' owner (it may create databases).",
            returncode=2,
        )


# -- the two database roles (tests/database_roles.py) -----------------------------------------------


def _connect_as(role: str) -> None:
    from django.conf import settings
    from django.db import connections

    if not os.environ.get(database_roles.OWNER):
        return  # SQLite (ALLOW_SQLITE_TESTS): one file, no roles
    user, password = database_roles.credentials(role)
    connection = connections["default"]
    connection.close()
    for settings_dict in (settings.DATABASES["default"], connection.settings_dict):
        settings_dict.update(USER=user, PASSWORD=password)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    # pytest-django creates and migrates the test database next: as the owner, as `migrate` runs in production;
    # migrating grants the portal's role its privileges (portal/database_grants.py).
    _connect_as(database_roles.OWNER)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    from django.db.backends.postgresql.operations import DatabaseOperations

    def execute_sql_flush(self, sql_list):
        # A transactional test ends with one TRUNCATE of every table. The portal's role may not truncate the audit
        # log, and its trigger refuses everyone: the owner turns that trigger off for this one transaction (no
        # other connection sees it: ALTER TABLE locks the table until the commit).
        # The same for every table kept as written (the consent records too).
        import psycopg

        from portal.database_grants import append_only_tables

        with psycopg.connect(database_roles.url(database_roles.OWNER, self.connection.settings_dict["NAME"])) as owner:
            for table in append_only_tables():
                owner.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            for sql in sql_list:
                owner.execute(sql)
            for table in append_only_tables():
                owner.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")

    _connect_as(database_roles.PORTAL)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "execute_sql_flush", execute_sql_flush)
        yield
    _connect_as(database_roles.OWNER)  # pytest-django drops the test database next, as its owner


@pytest.fixture(autouse=True)
def _clock(request):
    from django.conf import settings

    marker = request.node.get_closest_marker("frozen_at")
    moment = marker.args[0] if marker else SUITE_STARTED
    # time-machine also sets the process's time zone to the destination's: keep it the portal's, as Django
    # sets it in production, not UTC (under which date.today() would be a day ahead every evening).
    moment = moment.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(moment, tick=marker.kwargs.get("tick", True) if marker else True):
        yield


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request in Spanish leaves Spanish active in the thread; the next test starts in the default language."""
    yield
    from django.utils import translation

    translation.activate("en")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is right for people and slow for factories; the hasher itself is Django's to test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate limits live in the cache (Redis under `make test`); each test starts with none, and with no fragment or
    # copy kept in the process's own cache either.
    from django.core.cache import cache, caches

    def empty():
        prefix = os.environ.get("PYTEST_XDIST_WORKER")
        client = getattr(getattr(cache, "_cache", None), "get_client", None)
        if prefix and client is not None:  # only this worker's keys, not the other workers'
            redis = client(write=True)
            keys = list(redis.scan_iter(match=f"{prefix}:*"))
            if keys:
                redis.delete(*keys)
        else:
            cache.clear()

    empty()
    caches["local"].clear()
    yield
    empty()
    caches["local"].clear()


@pytest.fixture(autouse=True)
def _tasks_run_in_process():
    # Most tests want a task's effect, not a worker: run tasks in-process like `make run` does.
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield


# -- the real browser -------------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "test-artifacts")


@pytest.fixture
def chromium(monkeypatch):
    """Debian's headless Chromium driven by Playwright (no browser download), for one test: Playwright's
    sync API keeps an event loop in this thread while it runs, so the test's own ORM calls between browser
    steps are allowed for that test only."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server, request):
    """A fresh browser tab on the live server; console errors and CSP violations fail the test."""
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900},
                                   accept_downloads=True, locale="en-US")  # fmt: skip
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    problems = []
    tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.problems = problems
    yield tab
    context.close()
