"""A count reads right for one and for many ("1 agent matches", never "1 agents"): every counted message goes
through ngettext or {% blocktranslate count %}, so Spanish gets its own forms too."""

import datetime

import pytest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken

from consumers.services import send_verification_digests
from portal.models import MailboxMessage

from .factories import PASSWORD, UserFactory, VerificationFactory, agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


def test_the_roster_says_one_agent_matches_and_two_agents_match(client):
    agency, manager = agency_with_manager(public_name="Golden Bear Insurance")
    agent_in(agency, first_name="Quintessa", last_name="Vandermolen")
    agent_in(agency, first_name="Ottoline", last_name="Vandermolen")
    sign_in(client, manager.user)
    assert (
        "Golden Bear Insurance: 1 agent matches." in client.get("/agency/agents/", {"q": "Quintessa"}).content.decode()
    )
    both = client.get("/agency/agents/", {"q": "Vandermolen"}).content.decode()
    assert "Golden Bear Insurance: 2 agents match." in both


@pytest.mark.parametrize("left, said", [(1, "1 is left"), (2, "2 are left")])
def test_signing_in_with_a_recovery_code_says_how_many_are_left(client, left, said):
    from portal.two_factor import issue_recovery_codes

    from .factories import verified_device

    _, manager = agency_with_manager()
    verified_device(manager.user)
    codes = issue_recovery_codes(user=manager.user)
    StaticToken.objects.filter(device__user=manager.user).exclude(token__in=codes[: left + 1]).delete()
    client.post("/accounts/login/", {"login": manager.user.email, "password": PASSWORD})
    page = client.post("/security/two-factor/verify/", {"code": codes[0], "next": "/agency/"}, follow=True)
    assert f"You signed in with a recovery code; {said}." in page.content.decode()


@pytest.mark.parametrize(
    "items, subject",
    [(1, "1 conditional-eligibility item is due within 10 days"),
     (2, "2 conditional-eligibility items are due within 10 days")],
)  # fmt: skip
def test_the_daily_digest_counts_one_item_and_two(world, items, subject):
    today = timezone.localdate()
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    for n in range(items):
        VerificationFactory(case=case, due_date=today + datetime.timedelta(days=3 + n))
    send_verification_digests(today=today)
    assert MailboxMessage.objects.get(recipient=world["agent"].user).subject == subject


@pytest.mark.parametrize("ended, said", [(1, "Ended 1 delegation."), (2, "Ended 2 delegations.")])
def test_staff_ending_delegations_are_told_one_and_two(client, world, ended, said):
    chosen = [delegate(agent=world["agent"], agency=world["agency"]).pk for _ in range(ended)]
    sign_in(client, UserFactory(is_staff=True, is_superuser=True))
    page = client.post("/admin/delegations/delegation/",
                       {"action": "end_at_consumers_request", "_selected_action": chosen}, follow=True)  # fmt: skip
    assert said in page.content.decode()


def test_an_export_of_one_row_says_one_row():
    from django.test import Client

    from bookofbusiness.models import BookOfBusinessExport

    agency, manager = agency_with_manager()
    job = BookOfBusinessExport.objects.create(requested_by=manager.user, agency=agency, file_format="xlsx",
                                              status="ready", rows_total=1, rows_written=1,
                                              expires_at=timezone.now() + datetime.timedelta(days=3))  # fmt: skip
    client = sign_in(Client(), manager.user)
    assert "1 row<" in client.get("/today/").content.decode()
    status = client.get(f"/book/exports/{job.pk}/").content.decode()
    assert "1 row, ready until" in status and "1 rows" not in status


def test_the_agency_home_tiles_say_one_agent_and_two_agents(client):
    agency, manager = agency_with_manager(public_name="Golden Bear Insurance")
    sign_in(client, manager.user)
    assert "<strong>1</strong><span>agent on the roster<" in client.get("/agency/").content.decode()
    agent_in(agency, first_name="Ottoline", last_name="Vandermolen")
    assert "<strong>2</strong><span>agents on the roster<" in client.get("/agency/").content.decode()
