"""`make bench` gives the weekly run as a ratio to a floor (tooling/weekly_floor.py): the same week's files written
straight from COPY streams. A ratio means something only if the floor writes the same files with the same rows: one
CSV and one XLSX of each kind for every owner the run writes for, an owner with nothing of a kind included (its
file holds the header alone), on several processes."""

import csv
import datetime

import pytest
from openpyxl import load_workbook

from bookofbusiness import extracts
from bookofbusiness.models import Extract
from tooling import weekly_floor

from .factories import ConsumerCaseFactory, VerificationFactory, agency_with_manager, agent_in, delegate

WEEK = datetime.date(2026, 11, 23)
pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.frozen_at(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC))]  # fmt: skip


def test_the_floor_writes_every_file_of_the_week_with_the_runs_rows(tmp_path):
    agency, _manager = agency_with_manager()
    rosa, luis = agent_in(agency), agent_in(agency)
    cases = [delegate(ConsumerCaseFactory(last_name=f"Case{n}"), agent=rosa, agency=agency).case for n in range(3)]
    delegate(ConsumerCaseFactory(last_name="Solo"), agent=luis, agency=agency)  # nothing due: a CE header alone
    VerificationFactory(case=cases[0], due_date=WEEK + datetime.timedelta(days=9))
    VerificationFactory(case=cases[2], due_date=WEEK + datetime.timedelta(days=4))

    extracts.run_week(WEEK, write=lambda scope, ids: extracts.write_owner_extracts(scope=scope, owner_ids=ids,
                                                                                   week=WEEK))  # fmt: skip
    published = Extract.objects.filter(week=WEEK, status=Extract.Status.PUBLISHED)
    floor = weekly_floor.run(str(tmp_path), workers=2)

    assert floor["files"] == published.count() == 12  # two agents and the agency, four files each
    assert floor["owners"] == 3
    # the books of Rosa, Luis and the agency, then their items due
    assert (
        floor["rows"]
        == sum(published.filter(file_format="csv").values_list("rows", flat=True))
        == (3 + 1 + 4) + (2 + 0 + 2)
    )
    written = sorted(path.name for path in tmp_path.iterdir())
    assert f"agent-{luis.pk}-ce.csv" in written and f"agent-{luis.pk}-ce.xlsx" in written
    with open(tmp_path / f"agent-{luis.pk}-ce.csv", newline="", encoding="utf-8") as handle:
        assert list(csv.reader(handle)) == [[str(column.header) for column in extracts.CE_COLUMNS]]
    with open(tmp_path / f"agent-{rosa.pk}-book.csv", newline="", encoding="utf-8") as handle:
        body = list(csv.reader(handle))[1:]
    assert sorted(row[0] for row in body) == sorted(case.case_number for case in cases)
    sheet = load_workbook(tmp_path / f"agency-{agency.pk}-book.xlsx", read_only=True).active
    assert sheet.max_row == 1 + 4


def test_the_floor_can_write_csv_alone(tmp_path):
    agency, _manager = agency_with_manager()
    delegate(ConsumerCaseFactory(), agent=agent_in(agency), agency=agency)

    floor = weekly_floor.run(str(tmp_path), workers=1, csv_only=True)

    assert floor["files"] == 4
    assert {path.suffix for path in tmp_path.iterdir()} == {".csv"}


def test_the_floors_processes_run_none_of_the_after_fork_handlers_celery_and_kombu_register(tmp_path):
    """multiprocessing runs its registered after-fork handlers in every process it forks; kombu's closed the bench's
    broker connection by reading a BRPOP reply that never came, and the floor hung after the weekly run. A handler
    registered here would leave a mark in the folder if the floor's processes ran it."""
    from multiprocessing import util

    agency, _manager = agency_with_manager()
    delegate(ConsumerCaseFactory(), agent=agent_in(agency), agency=agency)

    class Marker:
        pass

    marker = Marker()
    util.register_after_fork(marker, lambda _obj: (tmp_path / "after-fork-handler-ran").touch())
    floor = weekly_floor.run(str(tmp_path), workers=2, csv_only=True)
    assert floor["files"] == 4
    assert not (tmp_path / "after-fork-handler-ran").exists()
