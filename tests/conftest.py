import os

import pytest


def pytest_sessionstart(session):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql" and not os.environ.get("ALLOW_SQLITE_TESTS"):
        pytest.exit(
            "The suite runs on PostgreSQL: use `make test`, or set DATABASE_URL to a PostgreSQL database.",
            returncode=2,
        )


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
    # Rate limits live in the cache (Redis under `make test`); each test starts with none.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_run_in_process():
    # Most tests want a task's effect, not a worker: run tasks in-process like `make run` does.
    from portal.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
