"""The weekly extracts: every owner's four files, idempotent reruns, atomic publication, retention, the schedule."""

import csv
import datetime
import hashlib
import io

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from bookofbusiness import extracts
from bookofbusiness.models import Extract

from .factories import ConsumerCaseFactory, VerificationFactory, agency_with_manager, agent_in, delegate

WEEK = datetime.date(2026, 11, 23)  # a Monday
# Retention and "this week" are measured from today: every test here runs on the Monday of WEEK.
pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC))]


@pytest.fixture
def world():
    agency, manager = agency_with_manager()
    rosa = agent_in(agency)
    cases = [delegate(ConsumerCaseFactory(last_name=f"Case{n}"), agent=rosa, agency=agency).case for n in range(3)]
    VerificationFactory(case=cases[0], due_date=WEEK + datetime.timedelta(days=9))
    VerificationFactory(case=cases[1], due_date=WEEK + datetime.timedelta(days=20), status="verified")
    return {"agency": agency, "rosa": rosa, "cases": cases}


def run(week=WEEK):
    out = io.StringIO()
    call_command("run_weekly_extracts", week=week, stdout=out)
    return out.getvalue()


def read(extract):
    with default_storage.open(extract.file.name, "rb") as handle:
        return handle.read()


def test_every_owner_gets_four_published_files_with_rows_size_and_sha256(world):
    output = run()
    assert "8 extracts written for 1 agents and 1 agencies" in output
    published = Extract.objects.filter(status="published", week=WEEK)
    assert published.count() == 8
    bob_csv = published.get(scope="agent", kind="bob", file_format="csv")
    content = read(bob_csv)
    assert hashlib.sha256(content).hexdigest() == bob_csv.sha256 and len(content) == bob_csv.size
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert bob_csv.rows == len(rows) - 1 == 3
    ce_xlsx = published.get(scope="agency", kind="ce", file_format="xlsx")
    sheet = load_workbook(io.BytesIO(read(ce_xlsx))).active
    assert ce_xlsx.rows == 1 and sheet.max_row == 2
    values = {sheet.cell(1, c).value: sheet.cell(2, c).value for c in range(1, sheet.max_column + 1)}
    assert values["Days left"] == 9 and values["Case number"] == world["cases"][0].case_number


def test_rerunning_a_week_redoes_only_what_is_missing(world):
    run()
    names = dict(Extract.objects.values_list("pk", "file"))
    assert "0 extracts written" in run()
    assert dict(Extract.objects.values_list("pk", "file")) == names
    Extract.objects.filter(kind="ce", scope="agent", file_format="csv").update(status="writing", file="", sha256="")
    assert "1 extracts written" in run()


def test_a_crash_between_writing_and_publishing_leaves_nothing_visible_and_the_retry_completes(world, monkeypatch):
    calls = {"n": 0}
    real_update = extracts.Extract.objects.filter(pk=0).update.__func__

    def crash_on_third_publish(queryset, **kwargs):
        if kwargs.get("status") == Extract.Status.PUBLISHED:
            calls["n"] += 1
            if calls["n"] == 3:
                raise OSError("worker killed")
        return real_update(queryset, **kwargs)

    monkeypatch.setattr(type(extracts.Extract.objects.all()), "update", crash_on_third_publish)
    with pytest.raises(OSError):
        run()
    assert Extract.objects.filter(status="published").count() == 4, "the agent's two pairs, each in one step"
    unpublished = Extract.objects.exclude(status="published")
    assert all(not extract.file for extract in unpublished), "no reader can reach a file that is not published"
    monkeypatch.undo()
    run()
    assert Extract.objects.filter(status="published").count() == 8
    published = {extract.file.name for extract in Extract.objects.all()}
    assert stored_extract_files() == published, "the crashed write left no orphan file in the storage"


def stored_extract_files(folder="extracts"):
    directories, files = default_storage.listdir(folder)
    names = {f"{folder}/{name}" for name in files}
    for directory in directories:
        names |= stored_extract_files(f"{folder}/{directory}")
    return names


def test_owners_are_written_in_batches_from_one_query_per_kind(world, monkeypatch):
    agency = world["agency"]
    others = [agent_in(agency) for _ in range(4)]
    for n, agent in enumerate(others):
        for m in range(n + 1):
            delegate(ConsumerCaseFactory(last_name=f"Other{n}{m}"), agent=agent, agency=agency)
    monkeypatch.setattr(extracts, "AGENTS_PER_TASK", 2)
    agents, agencies = extracts.owners_for_week()
    assert extracts.owner_batches(agents, agencies) == [
        ("agent", agents[0:2]),
        ("agent", agents[2:4]),
        ("agent", agents[4:5]),
        ("agency", agencies),
    ]
    owner_ids = [world["rosa"].pk, *(agent.pk for agent in others)]
    with CaptureQueriesContext(connection) as queries:
        assert extracts.write_owner_extracts(scope="agent", owner_ids=owner_ids, week=WEEK) == 20
    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    publishing = {"UPDATE", "SAVEPOINT", "RELEASE"}  # each owner's pair of files is published in one step
    assert statements.count("UPDATE") == 10, "one per owner and kind"
    # The pending rows (read, made, read again), the agents' languages and agencies, one read per kind: 7 at most.
    assert len([s for s in statements if s not in publishing]) <= 7, "reads and bookkeeping do not grow per owner"
    for n, agent in enumerate(others):
        extract = Extract.objects.get(agent=agent, kind="bob", file_format="csv", status="published")
        rows = list(csv.DictReader(io.StringIO(read(extract).decode("utf-8-sig"))))
        assert extract.rows == len(rows) == n + 1
        assert {row["Agent license number"] for row in rows} == {agent.license_number}
        ce = Extract.objects.get(agent=agent, kind="ce", file_format="xlsx", status="published")
        sheet = load_workbook(io.BytesIO(read(ce))).active
        assert ce.rows == 0 and sheet.max_row == 1 and sheet.cell(1, 1).value == "Case number", "header alone"


def test_extract_files_round_trip_to_the_database(world):
    from consumers.models import HouseholdMember, Verification

    child = HouseholdMember.objects.create(case=world["cases"][2], first_name="=Lía", last_name="Case2",
                                           date_of_birth=datetime.date(2015, 3, 1), relationship="child")  # fmt: skip
    member_item = VerificationFactory(case=child.case, household_member=child, kind="ssn",
                                      due_date=WEEK + datetime.timedelta(days=3))  # fmt: skip
    run()
    extract = Extract.objects.get(scope="agent", kind="ce", file_format="xlsx")
    sheet = load_workbook(io.BytesIO(read(extract))).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, values, strict=True)) for values in sheet.iter_rows(min_row=2, values_only=True)]
    items = Verification.objects.filter(status__in=Verification.OPEN_STATUSES).order_by("due_date")
    assert [row["Case number"] for row in rows] == [item.case.case_number for item in items]
    for row, item in zip(rows, items, strict=True):
        assert row["Due date"].date() == item.due_date and row["Days left"] == (item.due_date - WEEK).days
        assert row["Item"] == item.get_kind_display() and row["Status"] == item.get_status_display()
        person = item.household_member or item.case
        assert row["Household member"].lstrip("'") == f"{person.first_name} {person.last_name}"
    by_case = {row["Case number"]: row for row in rows}
    assert by_case[member_item.case.case_number]["Household member"] == "'=Lía Case2", "formula neutralised"


def test_old_weeks_are_removed_from_the_list_and_the_storage(world, settings):
    settings.EXTRACT_RETENTION_WEEKS = 2
    three_weeks_ago = WEEK - datetime.timedelta(weeks=3)
    with time_machine.travel(datetime.datetime.combine(three_weeks_ago, datetime.time(9), tzinfo=datetime.UTC)):
        run(three_weeks_ago)
    old_files = [extract.file.name for extract in Extract.objects.all()]
    assert len(old_files) == 8 and all(default_storage.exists(name) for name in old_files)
    orphan = default_storage.save(f"extracts/{three_weeks_ago:%Y-%m-%d}/agent-1/bob-left.csv",
                                  ContentFile(b"a file a killed worker saved but never published"))  # fmt: skip
    assert "8 old extracts removed" in run(WEEK)
    kept = Extract.objects.filter(week=WEEK).values_list("file", flat=True)
    assert set(Extract.objects.values_list("week", flat=True)) == {WEEK}
    assert not any(default_storage.exists(name) for name in [*old_files, orphan])
    assert len(kept) == 8 and all(default_storage.exists(name) for name in kept), "this week's files stay"
    assert extracts.purge_old_extracts() == 0, "nothing more to remove"


def test_a_week_older_than_the_retention_is_not_written_again(world, settings):
    settings.EXTRACT_RETENTION_WEEKS = 2
    with pytest.raises(CommandError, match="only the last 2 weeks are kept"):
        run(WEEK - datetime.timedelta(weeks=3))
    assert not Extract.objects.exists()
    assert "8 extracts written" in run(WEEK - datetime.timedelta(weeks=2)), "the oldest week kept can be redone"


def test_the_beat_schedule_starts_the_run_on_monday_at_four_in_california():
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["weekly-extracts"]
    schedule = entry["schedule"]
    assert entry["task"] == "bookofbusiness.tasks.run_weekly_extracts"
    assert (schedule.day_of_week, schedule.hour, schedule.minute) == ({1}, {4}, {0})
    assert settings.CELERY_TIMEZONE == "America/Los_Angeles"
    app.loader.import_default_modules()
    assert "bookofbusiness.tasks.run_weekly_extracts" in app.tasks


def test_the_task_fans_out_per_owner_and_publishes_the_week(world):
    from bookofbusiness.tasks import run_weekly_extracts

    result = run_weekly_extracts.apply(kwargs={"week": WEEK.isoformat()}).get()
    assert result == {"week": "2026-11-23", "agents": 1, "agencies": 1, "tasks": 2, "purged": 0}
    assert Extract.objects.filter(status="published").count() == 8


def test_every_scheduled_task_exists():
    from config.celery import app

    app.loader.import_default_modules()
    assert set(settings.CELERY_BEAT_SCHEDULE) == {
        "weekly-extracts",
        "expiry-reminders",
        "verification-digests",
        "deadline-reminders",
        "at-risk-summaries",
        "expire-exports",
        "extranet-onboarding",
        "extranet-password-reminders",
        "weekly-extracts-catch-up",
        "requeue-exports",
        "expire-unconfirmed-sign-ups",
        "close-idle-chats",
    }
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_the_conditional_eligibility_extract_names_the_agent_of_each_case(world):
    run()
    extract = Extract.objects.get(scope="agency", kind="ce", file_format="csv")
    rows = list(csv.DictReader(io.StringIO(read(extract).decode("utf-8-sig"))))
    assert [(row["Agent name"], row["Agent license number"]) for row in rows] == [
        (world["rosa"].full_name, world["rosa"].license_number)
    ]


def test_an_agent_who_reads_spanish_gets_spanish_headers(world):
    rosa = world["rosa"]
    rosa.preferred_language = "es"
    rosa.save()
    run()
    mine = Extract.objects.get(scope="agent", kind="bob", file_format="csv")
    header = read(mine).decode("utf-8-sig").splitlines()[0]
    assert header.startswith('"Número de caso","Nombre","Apellido"')
    agency = Extract.objects.get(scope="agency", kind="bob", file_format="csv")
    assert read(agency).decode("utf-8-sig").startswith('"Case number","First name","Last name"')


def test_a_full_disk_is_reported_retried_and_never_publishes_half_a_file(world, monkeypatch):
    real_save = default_storage.save
    calls = {"n": 0}

    def disk_full_on_third_file(name, content, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real_save(name, content, *args, **kwargs)

    monkeypatch.setattr(default_storage, "save", disk_full_on_third_file)
    with pytest.raises(OSError):
        run()
    failed = Extract.objects.filter(status="failed")
    assert failed.count() == 2 and "No space left on device" in failed.first().error, "reported where staff look"
    assert all(not extract.file for extract in Extract.objects.exclude(status="published"))
    assert stored_extract_files() == {e.file.name for e in Extract.objects.filter(status="published")}, (
        "the pair's first file, saved before the disk filled, was removed"
    )
    monkeypatch.undo()
    run()  # the retry
    assert Extract.objects.filter(status="published").count() == 8 and not Extract.objects.exclude(error="").exists()
