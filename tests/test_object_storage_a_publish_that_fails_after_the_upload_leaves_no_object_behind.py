"""On S3: a publish that fails after its files are in the bucket and before the UPDATE that publishes them (here the
UPDATE itself raises, in this process) takes its objects out of the bucket again: nothing listed, no orphan left;
the extracts are reported Failed, and the rerun publishes them."""

import io

import pytest
from django.core.management import call_command
from django.db.models import QuerySet

from bookofbusiness.models import Extract

from .extranet_support import IN_THE_WEEK_OF_MONDAY, MONDAY, active_account, extranet_client
from .factories import ConsumerCaseFactory, delegate

pytestmark = IN_THE_WEEK_OF_MONDAY
WEEK = MONDAY.date()


def test_a_failed_publish_removes_its_objects_and_the_rerun_publishes_the_week(world, s3_storage, monkeypatch):
    delegate(ConsumerCaseFactory(), agent=world["agent"], agency=world["agency"])
    real_update = QuerySet.update
    seen = {"publishes": 0, "in_bucket": set()}

    def connection_lost_on_the_third_publish(queryset, **values):
        if values.get("status") == Extract.Status.PUBLISHED:
            seen["publishes"] += 1
            if seen["publishes"] == 3:
                seen["in_bucket"] = s3_storage.stored()
                raise ConnectionError("the database went away before the UPDATE")
        return real_update(queryset, **values)

    monkeypatch.setattr(QuerySet, "update", connection_lost_on_the_third_publish)
    with pytest.raises(ConnectionError):
        call_command("run_weekly_extracts", week=WEEK, stdout=io.StringIO())
    published = Extract.objects.filter(status="published")
    assert published.count() == 4, "the agent's two pairs were published before it"
    assert len(seen["in_bucket"]) == 6, "the third pair was in the bucket when the UPDATE failed"
    assert s3_storage.stored() == set(published.values_list("file", flat=True)), "and is not any more: no orphan"
    failed = Extract.objects.filter(status="failed")
    assert failed.count() == 2 and all(not extract.file for extract in failed)
    assert "the database went away" in failed.first().error
    manager = extranet_client(active_account(world["manager"]))
    assert manager.get("/extranet/").context["extracts"] == [], "the agency's files: none half-published"

    monkeypatch.undo()
    call_command("run_weekly_extracts", week=WEEK, stdout=io.StringIO())
    assert Extract.objects.filter(status="published").count() == 8
    assert s3_storage.stored() == set(Extract.objects.values_list("file", flat=True))
    assert len(manager.get("/extranet/").context["extracts"]) == 4
