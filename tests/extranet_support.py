"""What the extranet's tests share: the week they live in (MONDAY), passwords, and signed-in clients."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from bookofbusiness.models import Extract
from extranet import services

from .factories import AgentFactory, UserFactory, sign_in

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
MONDAY = datetime.datetime(2026, 11, 23, 7, 0, tzinfo=LA)
# The extranet's rules are a calendar (onboarding on Mondays, 60-day passwords, 7-day links): every test of it
# lives in the week of MONDAY, and steps through it with at().
IN_THE_WEEK_OF_MONDAY = [pytest.mark.django_db, pytest.mark.frozen_at(MONDAY)]
GOOD = "Sunny-Harbor-42"
OTHER = "Quiet#Meadow77"


def at(moment):
    return time_machine.travel(moment, tick=False)


def links_in(outbox):
    return [url for message in outbox for url in re.findall(r"https?://\S+/extranet/set-password/\S+/", message.body)]


def active_account(agent=None, password=GOOD, when=MONDAY):
    agent = agent or AgentFactory()
    account = services.account_for(agent)
    with at(when):
        services.set_password(account, password, how="onboarding")
    account.refresh_from_db()
    return account


def extranet_client(account, password=GOOD):
    client = Client()
    response = client.post("/extranet/sign-in/", {"username": account.username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def staff_client():
    """Service-center staff signed in to admin (at the time the clock shows)."""
    return sign_in(Client(), UserFactory(is_staff=True, is_superuser=True))


def published(scope, owner, week, file_format="csv", kind="bob", **fields):
    """A published extract; an agent's is made in the agency the agent is Active in now, as the weekly run does."""
    name = default_storage.save(f"extracts/{week}/{scope}-{owner.pk}/{kind}.{file_format}", ContentFile(b"a,b\n1,2\n"))
    if scope == "agent" and "made_in_agency" not in fields:
        membership = owner.user.memberships.current()
        fields["made_in_agency"] = membership.agency if membership else None
    return Extract.objects.create(**fields,
        scope=scope, kind=kind, week=week, file_format=file_format, status="published", file=name, rows=1, size=8,
        sha256="a" * 64, published_at=MONDAY, **{"agent" if scope == "agent" else "agency": owner},
    )  # fmt: skip
