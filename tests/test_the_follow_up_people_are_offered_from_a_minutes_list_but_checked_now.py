"""A follow-up's "Whose" offers the agency's certified, Active agents and the author, in name order, from a list
kept a minute (the largest agency has 820); what is chosen is checked against the agency as it is now, so an agent
decertified within that minute is offered but refused, beside the field."""

import datetime
import re

import pytest
from django.test import Client

from agents.services import set_certification
from consumers.models import FollowUp

from .factories import UserFactory, admin_staff_in, delegate, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC))]


def offered(page: str) -> list[str]:
    select = page.split('name="owner"', 1)[1].split("</select>", 1)[0]
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_list_is_in_name_order_with_the_author(world):
    from .factories import agent_in

    for first, last in (("Álvaro", "Zúñiga"), ("Ana", "Ávila")):
        user = agent_in(world["agency"], first_name=first, last_name=last).user
        user.first_name, user.last_name = first, last
        user.save()
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    staff = admin_staff_in(world["agency"], can_view_book=True)
    staff.first_name, staff.last_name = "Sam", "Moreno"
    staff.save()
    names = offered(sign_in(Client(), staff).get(f"/cases/{case.pk}/").content.decode())
    assert "Sam Moreno" in names, "the author, who is not an agent"
    assert names.index("Ana Ávila") < names.index("Sam Moreno") < names.index("Álvaro Zúñiga")


def test_an_agent_decertified_within_the_minute_is_offered_but_refused(world):
    from .factories import agent_in

    leaving = agent_in(world["agency"], first_name="Lia", last_name="Leaving")
    leaving.user.first_name, leaving.user.last_name = "Lia", "Leaving"
    leaving.user.save()
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    client = sign_in(Client(), world["manager"].user)
    assert "Lia Leaving" in offered(client.get(f"/cases/{case.pk}/").content.decode())
    set_certification(agent=leaving, status="suspended", by=UserFactory(is_staff=True), reason="complaint")
    page = client.post(f"/cases/{case.pk}/follow-ups/", {"owner": leaving.user_id, "text": "Call",
                                                         "due_date": "2026-12-04"})  # fmt: skip
    assert 'id="follow_up_owner_error"' in page.content.decode()
    assert not FollowUp.objects.exists()
