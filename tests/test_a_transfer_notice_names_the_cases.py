"""A transfer's notices say which cases moved (the first 20, and how many more), to the agent who gave them and to
the one who has them now, each in the language they read the portal in."""

import pytest

from delegations.services import move_delegations
from portal.models import MailboxMessage

from .factories import agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    agency, manager = agency_with_manager()
    return {"agency": agency, "manager": manager, "giver": agent_in(agency, first_name="Ana", last_name="Ortiz"),
            "taker": agent_in(agency, first_name="Luis", last_name="Bravo")}  # fmt: skip


def transfer(agency, count):
    moved = [delegate(agent=agency["giver"], agency=agency["agency"]) for _ in range(count)]
    move_delegations(by=agency["manager"].user, agency=agency["agency"], delegation_ids=[d.pk for d in moved],
                     to_agent=agency["taker"])  # fmt: skip
    return sorted(d.case.case_number for d in moved)


def test_both_agents_are_told_which_three_cases_moved(agency):
    numbers = transfer(agency, 3)
    given = MailboxMessage.objects.get(recipient=agency["giver"].user)
    taken = MailboxMessage.objects.get(recipient=agency["taker"].user)
    listed = ", ".join(numbers)
    assert given.body == f"Your Agency Manager transferred the delegations of cases {listed} from you to Luis Bravo."
    assert taken.body == (
        f"Your Agency Manager transferred the delegations of cases {listed} from Ana Ortiz to you. "
        "They are in My Delegations."
    )
    assert taken.subject == "3 consumers were transferred to you"


def test_one_case_is_said_as_one(agency):
    [number] = transfer(agency, 1)
    assert MailboxMessage.objects.get(recipient=agency["taker"].user).body == (
        f"Your Agency Manager transferred the delegation of case {number} from Ana Ortiz to you. It is in My "
        "Delegations."
    )


def test_a_large_transfer_names_the_first_20_and_counts_the_others(agency):
    numbers = transfer(agency, 23)
    body = MailboxMessage.objects.get(recipient=agency["taker"].user).body
    assert f"cases {', '.join(numbers[:20])} and 3 others from Ana Ortiz" in body
    assert numbers[20] not in body and numbers[22] not in body


def test_the_notice_reads_in_spanish_to_whoever_reads_the_portal_in_spanish(client, agency):
    numbers = transfer(agency, 2)
    message = MailboxMessage.objects.get(recipient=agency["taker"].user)
    sign_in(client, agency["taker"].user)
    client.cookies["django_language"] = "es"
    page = client.get(f"/mailbox/{message.pk}/").content.decode()
    assert "Se le transfirieron 2 consumidores" in page
    assert f"transfirió las delegaciones de los casos {', '.join(numbers)} de Ana Ortiz a usted" in page
    assert "transferred" not in page
