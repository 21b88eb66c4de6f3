"""A request for help with a wrong access code answers the same, after the same work, whether the case number is
unknown, belongs to a case without a live code, or to a case whose live code was mistyped: one hash check each, by
the hasher at its current cost, and the same queries. An attacker timing the answer learns nothing of the case."""

import datetime
import re
from unittest import mock

import pytest
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consumers.services import generate_access_code
from delegations.models import Delegation

from .factories import ConsumerCaseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["django.contrib.auth.hashers.MD5PasswordHasher",
                        "django.contrib.auth.hashers.PBKDF2PasswordHasher"])  # fmt: skip
def hasher(request, settings):
    # A hasher with a cost (PBKDF2, at few iterations to stay quick) shows that the stand-in hash has the same cost.
    settings.PASSWORD_HASHERS = [request.param]
    with mock.patch("django.contrib.auth.hashers.PBKDF2PasswordHasher.iterations", 1000):
        yield get_hasher()


@pytest.fixture
def spy(hasher):
    """Every hash check made, as (algorithm, whether the hash is at the current cost)."""
    checks = []
    original = type(hasher).verify

    def verify(self, password, encoded):
        checks.append((identify_hasher(encoded).algorithm, not get_hasher().must_update(encoded)))
        return original(self, password, encoded)

    with mock.patch.object(type(hasher), "verify", verify):
        yield checks


def ask(client, agent, case_number):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/find-local-help/{agent.pk}/request/", {"case_number": case_number, "access_code": "ZZZZ-ZZZZ"}
        )
    # The form shows back the case number typed: the rest of the page is what may not differ.
    page = re.sub(
        r'(name="csrfmiddlewaretoken" value|name="csrf-token" content)="[^"]+"', "", response.content.decode()
    )
    return response.status_code, page.replace(case_number, ""), len(queries)


def test_unknown_case_no_live_code_and_wrong_code_cost_one_hash_check_each(client, world, hasher, spy):
    staff = UserFactory(is_staff=True)
    with_code = ConsumerCaseFactory(case_number="1000000001")
    generate_access_code(case=with_code, by=staff, identity_checks={})
    ConsumerCaseFactory(case_number="1000000002")  # no code ever
    expired = ConsumerCaseFactory(case_number="1000000003")
    generate_access_code(case=expired, by=staff, identity_checks={})
    expired.access_codes.update(created_at=timezone.now() - datetime.timedelta(days=31),
                                expires_at=timezone.now() - datetime.timedelta(days=1))  # fmt: skip
    ask(client, world["agent"], "1000000009")  # the first request of a process warms caches (content types)

    answers = {}
    for which, number in [("unknown case number", "1000000099"), ("case without a live code", "1000000002"),
                          ("case whose code expired", "1000000003"), ("live code, mistyped", "1000000001")]:  # fmt: skip
        spy.clear()
        answers[which] = ask(client, world["agent"], number)
        assert spy == [(hasher.algorithm, True)], f"{which}: one hash check, by the current hasher at its cost"

    assert len({(status, page) for status, page, _queries in answers.values()}) == 1, "the same answer"
    assert "do not match" in answers["unknown case number"][1]
    assert len({queries for _status, _page, queries in answers.values()}) == 1, answers
    assert not Delegation.objects.exists()
