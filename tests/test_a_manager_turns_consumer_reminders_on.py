"""The Agency Manager turns deadline reminders to the agency's consumers on (or off) on the Agency Account page,
and the change is audited; Admin Staff who may edit the account cannot."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from agencies.services import update_agency_account
from portal.models import AuditEvent

from .factories import admin_staff_in, agency_with_manager, sign_in

pytestmark = pytest.mark.django_db

ACCOUNT = {"legal_name": "Golden Bear Insurance, Inc.", "public_name": "Golden Bear", "phone": "916-555-0100",
           "email": "hello@goldenbear.example"}  # fmt: skip


def test_reminders_are_off_until_the_manager_turns_them_on_and_it_is_audited(client):
    agency, manager = agency_with_manager(**ACCOUNT)
    sign_in(client, manager.user)
    assert agency.remind_consumers is False
    page = client.get("/agency/account/").content.decode()
    assert "Deadline reminders to consumers" in page and "<dd>Off</dd>" in page
    form = client.get("/agency/account/edit/").content.decode()
    assert 'name="remind_consumers"' in form and "15, 5, 1 days before" in form
    assert "names only their first name and the due date" in form
    assert client.post("/agency/account/edit/", {**ACCOUNT, "remind_consumers": "on"}).status_code == 302
    agency.refresh_from_db()
    assert agency.remind_consumers is True
    event = AuditEvent.objects.get(action="agency.consumer_reminders_changed")
    assert (event.actor, event.details) == (manager.user, {"remind_consumers": True})
    assert AuditEvent.objects.get(action="agency.account_changed").details == {"fields": []}
    assert "On: consumers with an e-mail address are reminded" in client.get("/agency/account/").content.decode()
    # Saved again unchanged: no new event for the reminders; turned off: one more.
    client.post("/agency/account/edit/", {**ACCOUNT, "remind_consumers": "on"})
    assert AuditEvent.objects.filter(action="agency.consumer_reminders_changed").count() == 1
    client.post("/agency/account/edit/", ACCOUNT)
    agency.refresh_from_db()
    assert agency.remind_consumers is False
    assert list(
        AuditEvent.objects.filter(action="agency.consumer_reminders_changed")
        .order_by("id")
        .values_list("details", flat=True)
    ) == [{"remind_consumers": True}, {"remind_consumers": False}]


def test_admin_staff_who_edit_the_account_cannot_turn_reminders_on():
    agency, _manager = agency_with_manager(**ACCOUNT)
    staff = admin_staff_in(agency, can_edit_account=True)
    client = Client()
    sign_in(client, staff)
    assert 'name="remind_consumers"' not in client.get("/agency/account/edit/").content.decode()
    assert client.post("/agency/account/edit/", {**ACCOUNT, "remind_consumers": "on"}).status_code == 302
    agency.refresh_from_db()
    assert agency.remind_consumers is False and agency.public_name == "Golden Bear"
    assert not AuditEvent.objects.filter(action="agency.consumer_reminders_changed").exists()
    with pytest.raises(PermissionDenied):
        update_agency_account(agency=agency, by=staff, data={**ACCOUNT, "remind_consumers": True})
    agency.refresh_from_db()
    assert agency.remind_consumers is False
