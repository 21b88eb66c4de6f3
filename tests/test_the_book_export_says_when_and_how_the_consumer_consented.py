"""The Book of Business export (and so the weekly extract) has the consumer's consent for each row: the day it was
given and how; a transferred case gives the day of the consent its transfer continues."""

import csv
import io

import pytest
from django.utils import timezone

from delegations import services
from delegations.models import Delegation

from .factories import agent_in, sign_in

pytestmark = pytest.mark.django_db


def _rows(client, **params):
    response = client.get("/book/export/csv/", params)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_each_row_says_when_and_how_the_consumer_consented(client, book):
    sign_in(client, book["manager"].user)
    rows = {row["First name"]: row for row in _rows(client, agent=book["rosa"].pk)}
    held = Delegation.objects.get(case=book["cases"]["ana"], status="active")
    assert rows["Ana"]["Consent given"] == f"{timezone.localtime(held.consent.consented_at):%Y-%m-%d}"
    assert rows["Ana"]["Consent"] == "Find Local Help, with the case's access code"


def test_a_transferred_row_keeps_the_day_of_the_consent_it_continues(client, book):
    held = Delegation.objects.get(case=book["cases"]["ana"], status="active")
    given = f"{timezone.localtime(held.consent.consented_at):%Y-%m-%d}"
    other = agent_in(book["agency"], first_name="Nuevo")
    services.move_delegations(by=book["manager"].user, agency=book["agency"], delegation_ids=[held.pk], to_agent=other)
    sign_in(client, book["manager"].user)
    row = next(row for row in _rows(client, agent=other.pk) if row["First name"] == "Ana")
    assert (row["Consent given"], row["Consent"]) == (given, "Transfer within the agency")


def test_the_spanish_export_names_the_channel_in_spanish(client, book):
    sign_in(client, book["manager"].user)
    client.cookies["django_language"] = "es"
    rows = _rows(client, agent=book["rosa"].pk)
    assert rows and all(
        row["Consentimiento"] == "Buscar Ayuda Local, con el código de acceso del caso" for row in rows
    )
