"""The service center's extranet admin: each account's status, unlock, onboarding sent and resent, deactivation."""

import datetime

from django.test import Client

from extranet import services
from extranet.models import ExtranetAccount
from portal.models import AuditEvent

from .extranet_support import GOOD, IN_THE_WEEK_OF_MONDAY, LA, MONDAY, active_account, at, links_in, staff_client
from .factories import AgentFactory

pytestmark = IN_THE_WEEK_OF_MONDAY


def test_admin_lists_each_status_and_deactivates():
    staff = staff_client()
    never = services.account_for(AgentFactory())
    fine = active_account(when=datetime.datetime.now(tz=LA))
    expired = active_account(when=datetime.datetime.now(tz=LA) - datetime.timedelta(days=61))
    page = staff.get("/admin/extranet/extranetaccount/").content.decode()
    for label in ("Never activated", "Active", "Password expired"):
        assert label in page
    assert never.status() == "never_activated" and fine.status() == "active" and expired.status() == "expired"
    staff.post("/admin/extranet/extranetaccount/", {"action": "deactivate", "_selected_action": [fine.pk]})
    fine.refresh_from_db()
    assert fine.status() == "deactivated"
    refused = Client().post("/extranet/sign-in/", {"username": fine.username, "password": GOOD})
    assert refused.status_code == 400
    assert AuditEvent.objects.filter(action="extranet.deactivated", object_id=str(fine.pk)).exists()


def test_staff_send_onboarding_to_agents_certified_before_the_extranet(mailoutbox, django_capture_on_commit_callbacks):
    ready = AgentFactory()
    suspended = AgentFactory(certification_status="suspended")
    staff = staff_client()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post("/admin/agents/agent/", {"action": "send_extranet_onboarding",
                                            "_selected_action": [ready.pk, suspended.pk]})  # fmt: skip
    assert {message.to[0] for message in mailoutbox} == {ready.email} and len(mailoutbox) == 3
    assert ExtranetAccount.objects.get(agent=ready).username == f"CC_{ready.license_number}"


def test_staff_resend_onboarding_from_the_account_list(mailoutbox, django_capture_on_commit_callbacks):
    account = services.account_for(AgentFactory())
    with django_capture_on_commit_callbacks(execute=True):
        services.send_onboarding(account)
    with at(MONDAY + datetime.timedelta(minutes=10)), django_capture_on_commit_callbacks(execute=True):
        # once the minimum interval between links has passed
        staff_client().post("/admin/extranet/extranetaccount/", {"action": "resend_onboarding",
                                                                 "_selected_action": [account.pk]})  # fmt: skip
    first, second = links_in(mailoutbox)
    assert len(mailoutbox) == 6 and first != second
    assert services.usable_link(first.rstrip("/").rsplit("/", 1)[1]) is None, "the earlier link died"
    event = AuditEvent.objects.filter(action="extranet.onboarding_sent", object_id=str(account.pk)).latest("pk")
    assert event.details == {"resent": True} and event.actor is not None


def test_the_admin_list_reads_every_accounts_status_in_one_query(django_assert_max_num_queries):
    for _n in range(8):
        active_account(when=datetime.datetime.now(tz=LA))
    staff = staff_client()
    with django_assert_max_num_queries(12):
        page = staff.get("/admin/extranet/extranetaccount/").content.decode()
    assert page.count("Active") >= 8
