"""The case page reads its notes, follow-ups and history in a fixed number of queries: thirty of each by several
people cost what one does."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consumers.models import CaseNote, FollowUp

from .factories import agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


def queries_for(client, case) -> int:
    client.get(f"/cases/{case.pk}/")  # warm: the page frame's notices are read once a minute
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/cases/{case.pk}/").status_code == 200
    return len(queries)


def write(case, world, people, n):
    holder = case.delegations.get(status="active")
    for i in range(n):
        author = people[i % len(people)].user
        CaseNote.objects.create(case=case, agency=world["agency"], helper=holder.agent, author=author, body=f"n{i}")
        FollowUp.objects.create(case=case, agency=world["agency"], helper=holder.agent, owner=author,
                                created_by=author, due_date=timezone.localdate() + datetime.timedelta(days=i),
                                text=f"f{i}", done_at=timezone.now() if i % 3 == 0 else None,
                                done_by=author if i % 3 == 0 else None)  # fmt: skip


def test_thirty_notes_and_follow_ups_cost_what_one_does(world):
    people = [world["agent"], world["manager"], *(agent_in(world["agency"]) for _ in range(4))]
    one = delegate(agent=world["agent"], agency=world["agency"]).case
    many = delegate(agent=world["agent"], agency=world["agency"]).case
    write(one, world, people, 1)
    write(many, world, people, 30)
    client = sign_in(Client(), world["manager"].user)
    assert queries_for(client, many) == queries_for(client, one)
