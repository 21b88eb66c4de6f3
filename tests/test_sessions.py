"""Sessions end after 15 idle minutes or 12 hours, warn a minute before, and vanish on sign-out."""

import datetime
import re

import pytest
import time_machine
from django.contrib.sessions.models import Session

from portal.models import AuditEvent

from .factories import agency_with_manager, sign_in

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.UTC)


def at(**delta):
    return time_machine.travel(START + datetime.timedelta(**delta), tick=False)


@pytest.fixture
def manager_client(client):
    _, manager = agency_with_manager()
    with at():
        sign_in(client, manager.user)
        client.get("/agency/")
    return client


def test_session_ends_after_15_idle_minutes(manager_client):
    with at(minutes=15, seconds=1):
        response = manager_client.get("/agency/agents/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/?next=")
    assert "signed out after 15 minutes without activity" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.session_expired", details__reason="idle").exists()
    with at(minutes=16):
        assert manager_client.get("/agency/").status_code == 302


def test_activity_keeps_the_session_but_not_past_12_hours(manager_client):
    for minutes in range(14, 12 * 60, 14):
        with at(minutes=minutes):
            assert manager_client.get("/agency/").status_code == 200, minutes
    with at(hours=12, minutes=1):
        response = manager_client.get("/agency/", follow=True)
    assert "signed out after 12 hours" in response.content.decode()


def test_asking_how_long_is_left_is_not_activity_but_staying_signed_in_is(manager_client):
    with at(minutes=14):
        status = manager_client.get("/session/status/").json()
        assert status == {"signed_in": True, "seconds_left": 60}
    with at(minutes=14, seconds=30):
        assert manager_client.post("/session/keepalive/").json()["signed_in"] is True
    with at(minutes=28):
        assert manager_client.get("/session/status/").json()["seconds_left"] == 90
        assert manager_client.get("/agency/").status_code == 200
    with at(minutes=43, seconds=1):
        assert manager_client.get("/session/status/").status_code == 401


def test_pages_carry_the_warning_and_no_inline_script(manager_client):
    with at(minutes=1):
        page = manager_client.get("/agency/").content.decode()
    assert 'data-session-idle="900"' in page and 'data-session-warning="60"' in page
    assert "Stay signed in" in page
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all("src=" in tag for tag in scripts)


def test_sign_out_deletes_the_session_on_the_server(manager_client):
    with at(minutes=1):
        key = manager_client.session.session_key
        assert Session.objects.filter(session_key=key).exists()
        manager_client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert AuditEvent.objects.filter(action="auth.signed_out").exists()
