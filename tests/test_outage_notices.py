"""Scheduled outages: managed in admin, shown as a banner on every page before and during the window."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from portal.models import OutageNotice

from .factories import agency_with_manager, sign_in

pytestmark = pytest.mark.django_db

START = timezone.make_aware(datetime.datetime(2027, 2, 13, 18, 30))


@pytest.fixture
def outage():
    return OutageNotice.objects.create(
        title_en="CalHEERS outage", title_es="Interrupción de CalHEERS",
        details_en="Applications cannot be submitted.", details_es="No se pueden enviar solicitudes.",
        starts_at=START, ends_at=START + datetime.timedelta(hours=36),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("moment", "shown", "under_way"),
    [
        (START - datetime.timedelta(days=8), False, False),  # before the week of notice
        (START - datetime.timedelta(days=6), True, False),
        (START + datetime.timedelta(hours=1), True, True),
        (START + datetime.timedelta(hours=36), False, False),  # over
    ],
)
def test_the_banner_shows_a_week_before_and_during_the_outage(client, outage, moment, shown, under_way):
    with time_machine.travel(moment, tick=False):
        sign_in(client, agency_with_manager()[1].user)
        page = client.get("/find-local-help/").content.decode()
    assert ("CalHEERS outage" in page) is shown
    assert ("Under way until" in page) is under_way
    if shown:
        assert "Applications cannot be submitted." in page and 'aria-label="Scheduled outage"' in page


def test_the_public_is_told_of_the_outage_without_the_portals_own_details(client, outage):
    """What will not work is written for agents and staff ("your Book of Business"); a consumer reads the
    outage's name and times only."""
    with time_machine.travel(START - datetime.timedelta(days=1), tick=False):
        page = client.get("/find-local-help/").content.decode()
    assert "CalHEERS outage" in page and 'aria-label="Scheduled outage"' in page
    assert "Applications cannot be submitted." not in page


def test_the_banner_speaks_the_readers_language(client, outage):
    with time_machine.travel(START - datetime.timedelta(days=1), tick=False):
        sign_in(client, agency_with_manager()[1].user)
        client.cookies["django_language"] = "es"
        page = client.get("/help/").content.decode()
    assert "Interrupción de CalHEERS" in page and "No se pueden enviar solicitudes." in page


def test_staff_changes_show_at_once_and_unpublished_notices_do_not(client, outage):
    with time_machine.travel(START - datetime.timedelta(days=1), tick=False):
        assert "CalHEERS outage" in client.get("/help/").content.decode()
        outage.is_published = False
        outage.save()
        assert "CalHEERS outage" not in client.get("/help/").content.decode()


def test_an_outage_must_end_after_it_starts():
    from django.core.exceptions import ValidationError

    notice = OutageNotice(title_en="Bad", starts_at=START, ends_at=START - datetime.timedelta(hours=1))
    with pytest.raises(ValidationError, match="end after it starts"):
        notice.full_clean()
