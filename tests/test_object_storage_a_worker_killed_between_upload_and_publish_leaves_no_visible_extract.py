"""On S3: a real worker process (the portal's own settings, on the test bucket) killed with SIGKILL after its
upload of an extract pair and before the UPDATE that publishes it. Meanwhile and afterwards the agent's extranet
lists nothing and serves nothing of that pair (published rows only: never a file before its row says it is whole);
the rerun publishes the whole week; the objects the killed worker left are named by no row and private, and go with
their week once it is past retention."""

import datetime
import hashlib
import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from bookofbusiness import extracts
from bookofbusiness.models import Extract

from .concurrency_support import wait_for
from .extranet_support import active_account, extranet_client
from .factories import ConsumerCaseFactory, VerificationFactory, delegate

pytestmark = pytest.mark.django_db(transaction=True)  # the worker reads what the test committed

# The worker: the weekly writer for one agent, stopped for good inside its first publish, once both files of the
# pair are in the bucket and before the one UPDATE that would publish them.
WORKER = """
import datetime, os, pathlib, sys, time
import django
django.setup()
from django.db.models import QuerySet
from bookofbusiness import extracts
from bookofbusiness.models import Extract
real_update = QuerySet.update
def update(queryset, **values):
    if values.get("status") == Extract.Status.PUBLISHED:
        pathlib.Path(os.environ["UPLOADED_MARKER"]).write_text("uploaded")
        time.sleep(600)
    return real_update(queryset, **values)
QuerySet.update = update
extracts.write_owner_extracts(scope="agent", owner_ids=[int(sys.argv[1])], week=datetime.date.fromisoformat(sys.argv[2]))
"""


def start_worker(bucket, agent, week, marker, log):
    db = connection.settings_dict
    env = {**os.environ, **bucket.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "UPLOADED_MARKER": str(marker),
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}  # fmt: skip
    env.pop("DATABASE_REPLICA_URL", None)  # it names the portal's database, not this test's: the primary alone
    return subprocess.Popen(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", WORKER, str(agent.pk), week.isoformat()],
        cwd=settings.BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def test_a_worker_killed_after_uploading_and_before_publishing_shows_nothing_and_the_rerun_completes(
    world, s3_storage, tmp_path, settings
):
    agent = world["agent"]
    week = extracts.week_of(timezone.localdate())
    cases = [delegate(ConsumerCaseFactory(), agent=agent, agency=world["agency"]).case for _ in range(2)]
    VerificationFactory(case=cases[0], due_date=week + datetime.timedelta(days=9))
    reader = extranet_client(active_account(agent, when=timezone.now()))
    marker, log = tmp_path / "uploaded", tmp_path / "worker.log"

    worker = start_worker(s3_storage, agent, week, marker, log)
    try:
        assert wait_for(marker.exists), log.read_text()[-3000:]
        uploaded = s3_storage.stored()
        assert len(uploaded) == 2 and all(key.startswith(f"extracts/{week}/agent-{agent.pk}/bob-") for key in uploaded)
        rows = Extract.objects.filter(agent=agent, week=week)
        assert rows.count() == 4 and not rows.filter(status="published").exists()
        assert reader.get("/extranet/").context["extracts"] == [], "uploaded is not published: nothing is listed"
        for extract in rows:
            assert reader.get(f"/extranet/files/{extract.pk}/download/").status_code == 404
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    assert worker.returncode == -signal.SIGKILL

    left = s3_storage.stored()
    assert left == uploaded, "killed, it cleaned nothing up: its objects are there"
    assert not Extract.objects.filter(file__in=left).exists(), "and no row names them"
    assert all(s3_storage.anonymous_get(key) == 403 for key in left)
    assert reader.get("/extranet/").context["extracts"] == []

    assert extracts.write_owner_extracts(scope="agent", owner_ids=[agent.pk], week=week) == 4, "the rerun"
    published = Extract.objects.filter(agent=agent, week=week, status="published")
    assert published.count() == 4
    listed = reader.get("/extranet/").context["extracts"]
    assert {extract.pk for extract in listed} == set(published.values_list("pk", flat=True))
    for extract in listed:
        content = b"".join(reader.get(f"/extranet/files/{extract.pk}/download/").streaming_content)
        assert hashlib.sha256(content).hexdigest() == extract.sha256 and len(content) == extract.size
    names = set(published.values_list("file", flat=True))
    assert s3_storage.stored() == names | left, "the rerun's own objects, and the killed worker's, named by nothing"

    settings.EXTRACT_RETENTION_WEEKS = 1
    extracts.purge_old_extracts(today=week + datetime.timedelta(weeks=2))
    assert s3_storage.stored() == set() and not Extract.objects.exists(), "past retention the orphans go with the week"
