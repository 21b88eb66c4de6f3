"""Certifying an agent in admin asks for the reason and the date the certification expires, so the reminder before
it expires can fire; every change of certification says why, as a reason the catalogue can say in Spanish."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from agents.models import Agent, CertificationChange
from agents.services import CertificationError, send_expiry_reminders, set_certification
from portal.models import MailboxMessage

from .factories import UserFactory, agency_with_manager, agent_in, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC))]

TODAY = datetime.date(2026, 12, 2)


def change_page_data(client, agent: Agent, **changes) -> dict:
    """What the admin's agent page posts back, unchanged, with `changes` on top."""
    form = client.get(reverse("admin:agents_agent_change", args=[agent.pk])).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        {
            "user": agent.user_id,
            "languages": [],
            "product_expertise": [],
            "subsite_locations": "",
            "certification_changes-TOTAL_FORMS": "0",
            "certification_changes-INITIAL_FORMS": "0",
            "change_certification_to": "",
            "certification_reason": "",
            "certification_note": "",
            "certification_expires_on": "",
            "license_expires_on": "",
        }
    )
    data.update(changes)
    return data


@pytest.fixture
def pending(client):
    agency, _manager = agency_with_manager()
    agent = agent_in(agency, first_name="Inés", last_name="Ávila", certification_status="pending", certified_on=None)
    sign_in(client, UserFactory(is_staff=True, is_superuser=True))
    return agent


def post(client, agent, **changes):
    return client.post(
        reverse("admin:agents_agent_change", args=[agent.pk]), change_page_data(client, agent, **changes)
    )


def test_certifying_without_a_reason_or_an_expiry_date_is_refused_beside_each_field(client, pending):
    refused = post(client, pending, change_certification_to="certified")
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors
    assert errors["certification_reason"] == ["Choose the reason for the change."]
    assert errors["certification_expires_on"] == ["Give the date the certification expires, after today."]
    pending.refresh_from_db()
    assert pending.certification_status == "pending"
    assert not CertificationChange.objects.filter(agent=pending, to_status="certified").exists()


def test_an_expiry_date_today_or_before_is_refused(client, pending):
    for day in (TODAY, TODAY - datetime.timedelta(days=30)):
        refused = post(client, pending, change_certification_to="certified", certification_reason="training_verified",
                       certification_expires_on=day.isoformat())  # fmt: skip
        assert refused.context["adminform"].form.errors["certification_expires_on"]
    pending.refresh_from_db()
    assert (pending.certification_status, pending.certification_expires_on) == ("pending", None)


def test_other_as_the_reason_needs_a_note(client, pending):
    refused = post(client, pending, change_certification_to="certified", certification_reason="other",
                   certification_expires_on="2027-12-31")  # fmt: skip
    assert refused.context["adminform"].form.errors["certification_note"] == ["Say the reason in the note."]


def test_a_certification_with_its_expiry_date_is_reminded_30_days_before(
    client, pending, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        saved = post(client, pending, change_certification_to="certified", certification_reason="training_verified",
                     certification_expires_on="2027-12-31", certification_note="Exam passed 28 November")  # fmt: skip
    assert saved.status_code == 302
    pending.refresh_from_db()
    assert (pending.certification_status, pending.certified_on, pending.certification_expires_on) == (
        "certified", TODAY, datetime.date(2027, 12, 31),
    )  # fmt: skip
    change = CertificationChange.objects.filter(agent=pending).order_by("-changed_at", "-pk").first()
    assert (change.reason, change.note) == ("training_verified", "Exam passed 28 November")
    told = MailboxMessage.objects.get(recipient=pending.user)
    assert "It expires on Dec. 31, 2027." in told.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_expiry_reminders(today=datetime.date(2027, 12, 1)) == 1
    assert MailboxMessage.objects.filter(recipient=pending.user, subject__contains="expires on").count() == 1


def test_the_service_refuses_a_certification_without_an_expiry_date_or_a_known_reason():
    agency, _manager = agency_with_manager()
    agent = agent_in(agency, certification_status="pending", certified_on=None)
    staff = UserFactory(is_staff=True)
    with pytest.raises(CertificationError, match="expires"):
        set_certification(agent=agent, status="certified", by=staff, reason="training_verified")
    with pytest.raises(CertificationError, match="reason"):
        set_certification(agent=agent, status="suspended", by=staff, reason="Because I said so")
    with pytest.raises(CertificationError, match="reason"):
        set_certification(agent=agent, status="suspended", by=staff, reason="")
    agent.refresh_from_db()
    assert agent.certification_status == "pending"


def test_the_history_says_the_reason_in_the_readers_language(client, pending):
    staff = UserFactory(is_staff=True)
    set_certification(agent=pending, status="certified", by=staff, reason="training_verified",
                      expires_on=datetime.date(2027, 12, 31))  # fmt: skip
    sign_in(client, pending.user)
    client.cookies["django_language"] = "es"
    page = client.get(reverse("agents:my_profile")).content.decode()
    assert "Licencia y capacitación verificadas" in page
    assert "License and training verified" not in page
