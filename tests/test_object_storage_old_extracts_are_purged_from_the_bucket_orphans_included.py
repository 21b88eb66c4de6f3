"""On S3: extracts past EXTRACT_RETENTION_WEEKS go from the list and from the bucket, and so does every object of
their week's folder that no row names (what a worker killed before publishing left); the weeks kept keep every object.
A bucket has no folders: a week's "folder" is only the prefix of its objects' keys."""

import datetime
import io

import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from bookofbusiness import extracts
from bookofbusiness.models import Extract

from .extranet_support import IN_THE_WEEK_OF_MONDAY, MONDAY
from .factories import ConsumerCaseFactory, delegate

pytestmark = IN_THE_WEEK_OF_MONDAY
WEEK = MONDAY.date()


def run(week):
    out = io.StringIO()
    call_command("run_weekly_extracts", week=week, stdout=out)
    return out.getvalue()


def test_old_weeks_rows_objects_and_orphans_go_and_the_weeks_kept_stay(world, s3_storage, settings):
    settings.EXTRACT_RETENTION_WEEKS = 2
    delegate(ConsumerCaseFactory(), agent=world["agent"], agency=world["agency"])
    old_week, kept_week = WEEK - datetime.timedelta(weeks=3), WEEK - datetime.timedelta(weeks=2)
    for week in (old_week, kept_week):
        with time_machine.travel(datetime.datetime.combine(week, datetime.time(9), tzinfo=datetime.UTC)):
            run(week)
    old_files = set(Extract.objects.filter(week=old_week).values_list("file", flat=True))
    assert len(old_files) == 8 and old_files <= s3_storage.stored()
    # What killed workers left: objects no row names, in an old week's folder (deep and shallow) and in a kept one.
    orphans = {f"extracts/{old_week}/agent-{world['agent'].pk}/bob-0123456789abcdef.csv",
               f"extracts/{old_week}/left-at-the-top.xlsx"}  # fmt: skip
    kept_orphan = f"extracts/{kept_week}/agent-{world['agent'].pk}/ce-0123456789abcdef.csv"
    for name in (*orphans, kept_orphan):
        default_storage.save(name, ContentFile(b"saved, never published"))
    assert (orphans | {kept_orphan}) <= s3_storage.stored()

    assert "8 old extracts removed" in run(WEEK)
    assert set(Extract.objects.values_list("week", flat=True)) == {kept_week, WEEK}
    assert s3_storage.stored(f"extracts/{old_week}/") == set(), "the old week's rows' objects and its orphans are gone"
    kept = set(Extract.objects.values_list("file", flat=True))
    assert len(kept) == 16 and s3_storage.stored() == kept | {kept_orphan}, (
        "the weeks kept keep every object (an object no row names yet may be a file being published)"
    )
    assert extracts.purge_old_extracts() == 0 and s3_storage.stored() == kept | {kept_orphan}


def test_a_bucket_with_no_extracts_yet_is_purged_without_error(s3_storage):
    assert s3_storage.stored() == set()
    assert extracts.purge_old_extracts() == 0
