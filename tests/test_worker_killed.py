"""A Celery worker killed in the middle of the weekly run: restarted, the week completes, no half file is ever
listed and no extract is duplicated. A real worker process on the test Redis, killed with SIGKILL."""

import hashlib
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, connections

from bookofbusiness.extracts import owners_for_week, week_of
from bookofbusiness.models import Extract
from config.celery import app

from .concurrency_support import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def start_worker(storage: Path, log: Path):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "PRIVATE_STORAGE_ROOT": str(storage),
        "EXTRACT_AGENTS_PER_TASK": "1",  # many small tasks, so the kill lands in the middle of the run
        "EXTRACT_AGENCIES_PER_TASK": "1",
    }
    if "replica" in settings.DATABASES:  # the worker reads the test database's copy on the replica, as a node would
        replica = connections["replica"].settings_dict
        env["DATABASE_REPLICA_URL"] = f"postgres://{replica['USER']}@{replica['HOST']}:{replica['PORT']}/{db['NAME']}"
    return subprocess.Popen(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--loglevel", "INFO",
         "--without-gossip", "--without-mingle", "-n", f"killed-{os.getpid()}@%h"],
        cwd=settings.BASE_DIR, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT,
    )  # fmt: skip


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs the test Redis (make test starts it)")
def test_a_worker_killed_mid_run_is_restarted_and_the_week_completes(tmp_path):
    call_command("seed_demo", agencies=4, agents=30, consumers=600, seed=5, stdout=io.StringIO())
    agents, agencies = owners_for_week()
    expected = 4 * (len(agents) + len(agencies))
    week = week_of(datetime_today())
    storage = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    app.conf.task_always_eager = False
    app.control.purge()
    log = tmp_path / "worker.log"
    worker = start_worker(storage, log)
    try:
        from bookofbusiness.tasks import run_weekly_extracts

        run_weekly_extracts.delay(week.isoformat())
        published = Extract.objects.filter(week=week, status="published")
        assert wait_for(lambda: published.count() >= 8), log.read_text()[-2000:]
        os.kill(worker.pid, signal.SIGKILL)  # in the middle of the run
        worker.wait(10)
        killed_at = published.count()
        assert killed_at < expected, "the kill came before the end"

        worker = start_worker(storage, log)
        run_weekly_extracts.delay(week.isoformat())  # what the hourly catch-up does on Monday morning
        assert wait_for(lambda: published.count() == expected, 120), log.read_text()[-2000:]
    finally:
        worker.kill()
        worker.wait(10)
        app.conf.task_always_eager = True
    week_rows = Extract.objects.filter(week=week)
    assert week_rows.count() == expected, "one row per owner, kind and format: nothing duplicated"
    for extract in week_rows:
        content = default_storage.open(extract.file.name, "rb").read()
        assert hashlib.sha256(content).hexdigest() == extract.sha256 and len(content) == extract.size


def datetime_today():
    from django.utils import timezone

    return timezone.localdate()
