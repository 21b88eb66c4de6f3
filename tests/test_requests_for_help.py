"""A consumer asks a listed helper for help with a case number and access code: one message for any wrong part, throttled."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from consumers.services import generate_access_code
from delegations.models import Delegation
from portal.models import MailboxMessage

from .cases_support import actions
from .factories import ConsumerCaseFactory, UserFactory, sign_in

pytestmark = pytest.mark.django_db


def test_consumer_asks_a_listed_helper_with_case_number_and_access_code(
    client, world, django_capture_on_commit_callbacks
):
    case = ConsumerCaseFactory(first_name="Quintessa")  # a name no generated helper carries
    code = generate_access_code(case=case, by=UserFactory(is_staff=True), identity_checks={"name": True})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/find-local-help/{world['agent'].pk}/request/",
            {"case_number": case.case_number, "access_code": code.lower()},
        )
    assert "Your request was sent" in response.content.decode()
    delegation = Delegation.objects.get(case=case)
    assert (delegation.status, delegation.agent, delegation.agency) == ("pending", world["agent"], world["agency"])
    assert MailboxMessage.objects.get(recipient=world["agent"].user).subject == "A consumer asked for your help"
    assert mail.outbox and not any(
        secret in m.subject or secret in m.body for m in mail.outbox for secret in ("Quintessa", case.case_number)
    ), "no consumer data in an e-mail"
    assert {"access_code.generated", "access_code.used", "delegation.requested"} <= set(actions())
    again = client.post(
        f"/find-local-help/{world['agent'].pk}/request/", {"case_number": case.case_number, "access_code": code}
    )
    assert "do not match" in again.content.decode(), "an access code works once"


@pytest.mark.parametrize("which", ["wrong code", "wrong case", "expired code"])
def test_a_wrong_or_expired_code_gets_one_message_that_says_nothing_of_which_part(client, world, which):
    case = ConsumerCaseFactory()
    code = generate_access_code(case=case, by=UserFactory(is_staff=True), identity_checks={})
    data = {"case_number": case.case_number, "access_code": code}
    if which == "wrong code":
        data["access_code"] = "ZZZZ-ZZZZ"
    elif which == "wrong case":
        data["case_number"] = "9999999999"
    else:
        case.access_codes.update(
            created_at=timezone.now() - datetime.timedelta(days=31),
            expires_at=timezone.now() - datetime.timedelta(days=1),
        )
    page = client.post(f"/find-local-help/{world['agent'].pk}/request/", data).content.decode()
    assert "The case number and access code do not match." in page
    assert not Delegation.objects.exists()


def test_requests_for_help_are_throttled(client, world):
    for _ in range(10):
        client.post(
            f"/find-local-help/{world['agent'].pk}/request/", {"case_number": "9999999999", "access_code": "X"}
        )
    page = client.post(
        f"/find-local-help/{world['agent'].pk}/request/", {"case_number": "9999999998", "access_code": "X"}
    ).content.decode()
    assert "Too many attempts." in page


def test_only_listed_helpers_can_be_asked(client, world):
    world["agent"].is_listed = False
    world["agent"].save()
    assert client.get(f"/find-local-help/{world['agent'].pk}/request/").status_code == 404


def test_staff_generate_an_access_code_after_the_identity_checklist_in_admin(client):
    case = ConsumerCaseFactory()
    staff = UserFactory(is_staff=True, is_superuser=True)
    sign_in(client, staff)
    url = f"/admin/consumers/consumercase/{case.pk}/access-code/"
    refused = client.post(url, {"spoke_with_consumer": "on", "name_and_date_of_birth": "on"})
    assert "Verify at least four of the five" in refused.content.decode()
    assert not case.access_codes.exists()
    checks = {"spoke_with_consumer": "on", "name_and_date_of_birth": "on", "address": "on", "ssn_last_four": "on"}
    page = client.post(url, checks).content.decode()
    code = case.access_codes.get()
    assert code.identity_checks == {"spoke_with_consumer": True, "name_and_date_of_birth": True, "address": True,
                                    "ssn_last_four": True}  # fmt: skip
    shown = page.split("<code>")[1].split("</code>")[0]
    assert code.check_code(shown.replace("-", "")) and shown not in code.code_hash
