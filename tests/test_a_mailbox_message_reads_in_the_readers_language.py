"""The portal's own Secure Mailbox messages keep the catalogue's words, so each reading is in the reader's language:
a manager who switches to Español reads last week's messages in Spanish too, statuses and dates included."""

import datetime

import pytest

from agents.services import set_certification
from portal.choices import CertificationStatus
from portal.models import MailboxMessage
from portal.words import counted, from_json, label, lines, say, words

from .factories import UserFactory, agency_with_manager, agent_in, sign_in

pytestmark = pytest.mark.django_db


def test_a_certification_message_sent_in_english_reads_in_spanish_after_switching(client):
    agency, manager = agency_with_manager()
    agent = agent_in(agency, first_name="Rosa", last_name="Delgado")
    set_certification(agent=agent, status="suspended", by=UserFactory(is_staff=True), reason="license_lapsed")
    message = MailboxMessage.objects.get(recipient=manager.user)
    assert message.subject == "Certification of Rosa Delgado: Suspended"  # as sent, in the manager's language
    sign_in(client, manager.user)
    english = client.get("/mailbox/").content.decode()
    assert "Certification of Rosa Delgado: Suspended" in english
    client.cookies["django_language"] = "es"
    listed = client.get("/mailbox/").content.decode()
    opened = client.get(f"/mailbox/{message.pk}/").content.decode()
    assert "Certificación de Rosa Delgado: Suspendido" in listed
    assert "Motivo: Licencia vencida" in opened
    assert "Suspended" not in opened and "Reason" not in opened


def test_a_message_written_before_keeps_its_own_words(client):
    user = UserFactory()
    old = MailboxMessage.objects.create(recipient=user, subject="Scheduled maintenance", body="Saturday night.")
    sign_in(client, user)
    client.cookies["django_language"] = "es"
    page = client.get(f"/mailbox/{old.pk}/").content.decode()
    assert "Scheduled maintenance" in page and "Saturday night." in page


def test_words_come_back_from_json_and_say_dates_and_labels_in_each_language():
    text = lines(
        counted("%(n)d request waiting over %(days)d business days",
                "%(n)d requests waiting over %(days)d business days", 2, n=2, days=3),
        words("It expires on %(date)s.", date=datetime.date(2027, 3, 9)),
        words("Certification of %(name)s: %(status)s", name="Ana", status=label(CertificationStatus.EXPIRED)),
    )  # fmt: skip
    kept = from_json(text.to_json())
    assert kept == text
    assert say(kept, "en") == (
        "2 requests waiting over 3 business days\nIt expires on March 9, 2027.\nCertification of Ana: Expired"
    )
    assert say(kept, "es") == (
        "2 solicitudes en espera desde hace más de 3 días hábiles\nVence el 9 de marzo de 2027.\n"
        "Certificación de Ana: Vencido"
    )


def test_stored_words_cannot_name_code_outside_the_portal():
    forged = {"label": "os:environ", "value": "HOME"}
    assert from_json(forged) == "HOME"
    assert from_json({"label": "portal.choices:NoSuchChoices", "value": "x"}) == "x"
    assert from_json({"date": "not a date"}) == "not a date"


def test_a_moment_is_refused_because_the_readers_time_zone_is_not_known():
    with pytest.raises(TypeError):
        words("At %(when)s", when=datetime.datetime(2026, 12, 2, 9, tzinfo=datetime.UTC)).to_json()
